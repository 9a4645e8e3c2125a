//! The timings page.

use leptos::prelude::*;

use crate::model::{TimingsData, Window};

/// Per-operation statistics over `window` and the slowest requests of the last day.
#[server(prefix = "/internal", endpoint = "timings")]
pub async fn get_timings(window: Window) -> Result<TimingsData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.timings(window).await.map_err(to_server_error)
}
