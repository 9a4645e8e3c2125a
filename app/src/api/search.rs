//! Search results.

use leptos::prelude::*;

use crate::model::{EventPage, SearchQuery};

/// One page of rows matching `query`, newest first.
#[server(prefix = "/internal", endpoint = "search")]
pub async fn run_search(query: SearchQuery) -> Result<EventPage, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.search(&query).await.map_err(to_server_error)
}
