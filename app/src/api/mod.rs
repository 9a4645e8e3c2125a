//! Server functions that load page data. Internal to the web app: scripts use `/api/v1`.

mod feed;
mod home;

pub use feed::{get_feed, GetFeed};
pub use home::{get_home, GetHome};

/// How many rows a live feed shows on first load.
pub const FEED_PAGE: u32 = 200;
