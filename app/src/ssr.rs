//! The ports between the web app and the server's store, consumers and live hub (server side
//! only).
//!
//! `server` implements [`Backend`] (store and status board) and [`LiveStats`] (the live hub)
//! and provides both as Leptos context; server functions reach them through [`backend`] and
//! [`live_stats`]. This keeps SQL and AMQP out of this crate and out of the wasm bundle.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{
    Activity, DrillData, EventDetail, EventFilter, EventPage, FeedData, Field, HomeData,
    InstanceData, QuarantineDetail, RequestData, ScopeData, ScopeKind, SearchQuery, StatusData,
    TimingsData, Window,
};

/// What the pages need from the store and the consumers.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Deployments with consumer status and their newest event (activity counters are
    /// filled in from [`LiveStats`] by the caller), and the demo mode if any.
    async fn home(&self) -> Result<HomeData, BackendError>;
    /// The newest `limit` rows matching `filter`, and the websocket's resume cursor.
    /// `title` is left for the caller.
    async fn feed(&self, filter: &EventFilter, limit: u32) -> Result<FeedData, BackendError>;
    /// A deployment's name, `None` when there is no such deployment.
    async fn deployment_name(&self, id: i64) -> Result<Option<String>, BackendError>;
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
    /// One event with every column and its pretty-printed JSON.
    async fn event(&self, id: i64) -> Result<Option<EventDetail>, BackendError>;
    /// A host or tenant page.
    async fn scope(&self, kind: ScopeKind, value: &str) -> Result<ScopeData, BackendError>;
    /// A request page.
    async fn request(&self, request_id: &str) -> Result<RequestData, BackendError>;
    /// An instance page.
    async fn instance(&self, instance: &str) -> Result<InstanceData, BackendError>;
    /// The timings page for operations that ended in `window`.
    async fn timings(&self, window: Window) -> Result<TimingsData, BackendError>;
    /// The status page (subscriber count filled in from [`LiveStats`] by the caller).
    async fn status(&self) -> Result<StatusData, BackendError>;
    /// One quarantined message's bytes.
    async fn quarantined(&self, id: i64) -> Result<Option<QuarantineDetail>, BackendError>;
}

/// What the pages need from the live hub: in-memory counters of committed rows.
pub trait LiveStats: Send + Sync + 'static {
    /// Per deployment: events in the last minute and errors in the last hour.
    fn activity(&self) -> Vec<Activity>;
    /// Browsers watching a live feed right now.
    fn subscribers(&self) -> usize;
}

/// A backend failure. Its text is logged on the server; the browser gets a generic message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BackendError(pub String);

/// The backend as the server provides it in context.
pub type SharedBackend = Arc<dyn Backend>;
/// The live hub's counters as the server provides them in context.
pub type SharedLiveStats = Arc<dyn LiveStats>;

/// The backend from context.
///
/// # Errors
/// A server function called outside the server's context (a wiring bug).
pub fn backend() -> Result<SharedBackend, ServerFnError> {
    use_context::<SharedBackend>()
        .ok_or_else(|| ServerFnError::new("the server did not provide its backend"))
}

/// The live hub's counters from context (`None` in tests that render without a hub).
pub fn live_stats() -> Option<SharedLiveStats> {
    use_context::<SharedLiveStats>()
}

/// Maps a backend error to what a browser may see, logging the detail.
pub fn to_server_error(e: BackendError) -> ServerFnError {
    leptos::logging::error!("Backend query failed: {e}");
    ServerFnError::new("the store could not answer; see the server log")
}
