//! The port between the web app and the server's store and consumers (server side only).
//!
//! `server` implements [`Backend`] and provides it as Leptos context; server functions call it
//! through [`backend`]. This keeps SQL and AMQP out of this crate and out of the wasm bundle.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{EventRow, HomeData};

/// What the pages need from the server.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Deployments with consumer status and activity, and the demo mode if any.
    async fn home(&self) -> Result<HomeData, BackendError>;
    /// The newest rows, newest first, of one deployment or all.
    async fn recent_events(
        &self,
        deployment: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventRow>, BackendError>;
    /// A deployment's name, `None` when there is no such deployment.
    async fn deployment_name(&self, id: i64) -> Result<Option<String>, BackendError>;
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
