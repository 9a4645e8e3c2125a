//! The status page and quarantined messages.

use leptos::prelude::*;

use crate::model::{QuarantineDetail, StatusData};

/// Consumers, quarantine, database size and live subscribers.
#[server(prefix = "/internal", endpoint = "status")]
pub async fn get_status() -> Result<StatusData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.status().await.map_err(to_server_error)
}

/// One quarantined message's bytes; `None` if there is no such message.
#[server(prefix = "/internal", endpoint = "quarantined")]
pub async fn get_quarantined(id: i64) -> Result<Option<QuarantineDetail>, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.quarantined(id).await.map_err(to_server_error)
}
