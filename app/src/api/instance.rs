//! The instance page.

use leptos::prelude::*;

use crate::model::InstanceData;

/// An instance's lifecycle, events, timings, requests and usage.
#[server(prefix = "/internal", endpoint = "instance")]
pub async fn get_instance(instance: String) -> Result<InstanceData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?
        .instance(&instance)
        .await
        .map_err(to_server_error)
}
