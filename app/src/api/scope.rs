//! Host and tenant pages.

use leptos::prelude::*;

use crate::model::{ScopeData, ScopeKind};

/// Recent events and error counts of one host or tenant.
#[server(prefix = "/internal", endpoint = "scope")]
pub async fn get_scope(kind: ScopeKind, value: String) -> Result<ScopeData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?
        .scope(kind, &value)
        .await
        .map_err(to_server_error)
}
