//! Components shared by pages.

mod banners;
mod deployments_table;
mod event_row;
mod live_feed;
mod when;

pub use banners::{DemoBanner, ErrorBox};
pub use deployments_table::DeploymentsTable;
pub use event_row::{EventHeader, EventRowView};
pub use live_feed::{merge_newest, ConnState, FeedState, LiveFeed, MAX_ROWS};
pub use when::When;
