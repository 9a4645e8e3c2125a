//! Home page data.

use leptos::prelude::*;

use crate::model::HomeData;

/// Deployments with consumer status, their newest event, and the live hub's activity counters.
#[server(prefix = "/internal", endpoint = "home")]
pub async fn get_home() -> Result<HomeData, ServerFnError> {
    use crate::ssr::{backend, live_stats, to_server_error};
    let mut data = backend()?.home().await.map_err(to_server_error)?;
    if let Some(stats) = live_stats() {
        for a in stats.activity() {
            if let Some(d) = data
                .deployments
                .iter_mut()
                .find(|d| d.id == a.deployment_id)
            {
                d.per_minute = a.per_minute;
                d.errors_hour = a.errors_hour;
            }
        }
    }
    Ok(data)
}
