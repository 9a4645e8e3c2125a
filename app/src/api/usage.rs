//! The Usage section: the verifier's progress and the usage tables.

use leptos::prelude::*;

use crate::model::{UsageOverview, UsagePage, UsageQuery};

/// The verifier's progress per service and audit period.
#[server(prefix = "/internal", endpoint = "usage_overview")]
pub async fn get_usage_overview() -> Result<UsageOverview, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.usage_overview().await.map_err(to_server_error)
}

/// One page of a usage table.
#[server(prefix = "/internal", endpoint = "usage_list")]
pub async fn get_usage_list(query: UsageQuery) -> Result<UsagePage, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.usage_list(&query).await.map_err(to_server_error)
}
