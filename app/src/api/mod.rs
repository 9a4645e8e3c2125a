//! Server functions that load page data, one resource per file. They run on the server while
//! it renders a page (the pages are not hydrated; only islands are). Leptos also answers them
//! at `POST /internal/<name>` (read-only, the same data the pages show); that is not an API to
//! build on: scripts use `/api/v1` and `/stacky`.

mod drill;
mod event;
mod feed;
mod home;
mod instance;
mod request;
mod scope;
mod search;
mod status;
mod timings;

pub use drill::get_drill;
pub use event::get_event;
pub use feed::get_feed;
pub use home::get_home;
pub use instance::get_instance;
pub use request::get_request;
pub use scope::get_scope;
pub use search::run_search;
pub use status::{get_quarantined, get_status};
pub use timings::get_timings;

/// How many rows a live feed keeps (and loads at first) unless its URL asks for more.
pub const FEED_PAGE: u32 = 200;
/// The most rows a live feed may keep on screen (`?rows=`).
pub const MAX_FEED_ROWS: u32 = 10_000;
/// Rows on each side of the clicked row in a drill-down.
pub const DRILL_SIDE: u32 = 100;
