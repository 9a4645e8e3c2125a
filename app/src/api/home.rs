//! Home page data.

use leptos::prelude::*;

use crate::model::HomeData;

/// Deployments with consumer status, activity counters and their newest event.
#[server(prefix = "/internal", endpoint = "home")]
pub async fn get_home() -> Result<HomeData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.home().await.map_err(to_server_error)
}
