//! Stored reports: the list and one report.

use leptos::prelude::*;

use crate::model::{ReportDetail, ReportsPage, ReportsQuery};

/// One page of stored reports, newest first.
#[server(prefix = "/internal", endpoint = "reports")]
pub async fn get_reports(query: ReportsQuery) -> Result<ReportsPage, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.reports(&query).await.map_err(to_server_error)
}

/// One stored report with its JSON; `None` when there is no such report.
#[server(prefix = "/internal", endpoint = "report")]
pub async fn get_report(id: i64) -> Result<Option<ReportDetail>, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?.report(id).await.map_err(to_server_error)
}
