//! The port between the web app and the server's store, consumers and live hub (server side
//! only).
//!
//! `server` implements [`Backend`] over its store, status board and live hub and provides it
//! as Leptos context; server functions reach it through [`backend`] and pass its answers on
//! as they are: the backend returns complete answers, so the pages and `/api/v1` (which asks
//! the same backend) cannot disagree. This keeps SQL and AMQP out of this crate and out of the
//! wasm bundle.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{
    DrillData, EventDetail, EventFilter, EventPage, FeedData, Field, HomeData, InstanceData,
    QuarantineDetail, RequestData, ScopeData, ScopeKind, SearchQuery, StatusData, TimingsData,
    Window,
};

/// What the pages need from the server (store, consumers, live hub), answered completely.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Deployments with consumer status, activity counters and their newest event, and the
    /// demo mode if any.
    async fn home(&self) -> Result<HomeData, BackendError>;
    /// The newest `limit` rows matching `filter`, the websocket's resume cursor, and the
    /// title ("All" or the deployment's name). `None` when the filter names a deployment that
    /// does not exist.
    async fn feed(
        &self,
        filter: &EventFilter,
        limit: u32,
    ) -> Result<Option<FeedData>, BackendError>;
    /// One page of a search.
    async fn search(&self, query: &SearchQuery) -> Result<EventPage, BackendError>;
    /// Up to `per_side` rows on each side of event `around` that share its `field` value
    /// (`value` for text fields; ±1 minute of its time for [`Field::When`]). `None` when the
    /// event does not exist.
    async fn drill(
        &self,
        field: Field,
        value: &str,
        around: i64,
        deployment: Option<i64>,
        per_side: u32,
    ) -> Result<Option<DrillData>, BackendError>;
    /// One event with every stored column and its notification as stored.
    async fn event(&self, id: i64) -> Result<Option<EventDetail>, BackendError>;
    /// A host or tenant page.
    async fn scope(&self, kind: ScopeKind, value: &str) -> Result<ScopeData, BackendError>;
    /// A request page.
    async fn request(&self, request_id: &str) -> Result<RequestData, BackendError>;
    /// An instance page.
    async fn instance(&self, instance: &str) -> Result<InstanceData, BackendError>;
    /// The timings page for operations that ended in `window`.
    async fn timings(&self, window: Window) -> Result<TimingsData, BackendError>;
    /// The status page, with activity counters and live subscribers.
    async fn status(&self) -> Result<StatusData, BackendError>;
    /// One quarantined message's bytes.
    async fn quarantined(&self, id: i64) -> Result<Option<QuarantineDetail>, BackendError>;
    /// The Usage section's overview: the verifier's progress per service and audit period.
    async fn usage_overview(&self) -> Result<crate::model::UsageOverview, BackendError>;
    /// One page of a usage table (launches, deletes or exists of nova or glance).
    async fn usage_list(
        &self,
        query: &crate::model::UsageQuery,
    ) -> Result<crate::model::UsagePage, BackendError>;
    /// One page of stored reports, newest first.
    async fn reports(
        &self,
        query: &crate::model::ReportsQuery,
    ) -> Result<crate::model::ReportsPage, BackendError>;
    /// One stored report with its JSON.
    async fn report(&self, id: i64) -> Result<Option<crate::model::ReportDetail>, BackendError>;
}

/// A backend failure. Its text is logged on the server; the browser gets a generic message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BackendError(pub String);

/// The backend as the server provides it in context.
pub type SharedBackend = Arc<dyn Backend>;

/// The backend from context.
///
/// # Errors
/// A server function called outside the server's context (a wiring bug).
pub fn backend() -> Result<SharedBackend, ServerFnError> {
    use_context::<SharedBackend>()
        .ok_or_else(|| ServerFnError::new("the server did not provide its backend"))
}

/// Maps a backend error to what a browser may see, logging the detail.
pub fn to_server_error(e: BackendError) -> ServerFnError {
    leptos::logging::error!("Backend query failed: {e}");
    ServerFnError::new("the store could not answer; see the server log")
}
