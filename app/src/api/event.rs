//! One event in full.

use leptos::prelude::*;

use crate::model::EventDetail;

/// Every stored column of event `id` and its JSON; `None` if there is no such event.
#[server(prefix = "/internal", endpoint = "event")]
pub async fn get_event(id: i64) -> Result<Option<EventDetail>, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.event(id).await.map_err(to_server_error)
}
