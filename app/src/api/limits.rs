//! How many rows the feed and drill-down loaders fetch: shared by the server functions and
//! the pages that build their URLs.

/// How many rows a live feed keeps (and loads at first) unless its URL asks for more.
pub const FEED_PAGE: u32 = 200;
/// The most rows a live feed may keep on screen (`?rows=`).
pub const MAX_FEED_ROWS: u32 = 10_000;
/// Rows on each side of the clicked row in a drill-down.
pub const DRILL_SIDE: u32 = 100;
