//! Wire types shared by the server and the browser.

mod deployment;
mod event;
mod live;
mod time;

pub use deployment::{ConsumerState, ConsumerStatus, DemoMode, DeploymentSummary, HomeData};
pub use event::{EventRow, FeedData};
pub use live::LiveMessage;
pub use time::{format_micros, Micros};
