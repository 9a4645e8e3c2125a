//! The request page.

use leptos::prelude::*;

use crate::model::RequestData;

/// A request's events in order, its end-to-end duration and its KPI.
#[server(prefix = "/internal", endpoint = "request")]
pub async fn get_request(request_id: String) -> Result<RequestData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?
        .request(&request_id)
        .await
        .map_err(to_server_error)
}
