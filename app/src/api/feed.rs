//! The first page of a live feed.

use leptos::prelude::*;

use crate::model::{EventFilter, FeedData};

/// The newest `rows` rows matching `filter` (clamped to
/// [`MAX_FEED_ROWS`](super::MAX_FEED_ROWS)), titled by the deployment's name or "All"; `None`
/// when the filter names an unknown deployment.
#[server(prefix = "/internal", endpoint = "feed")]
pub async fn get_feed(filter: EventFilter, rows: u32) -> Result<Option<FeedData>, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    let limit = rows.clamp(1, super::limits::MAX_FEED_ROWS);
    backend()?
        .feed(&filter, limit)
        .await
        .map_err(to_server_error)
}
