//! [`AppState`]: what every handler reaches (store, live hub, the web app's backend, the
//! metrics registry). Its own file so that each route module takes it without importing the
//! router that mounts them.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use std::sync::Arc;

use crate::http::auth::Authenticator;
use crate::http::web::ServerBackend;
use crate::live::Hub;
use crate::store::Store;
use crate::telemetry::metrics::Metrics;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub store: Store,
    pub hub: Hub,
    /// The web app's backend: the pages (through Leptos context) and `/api/v1` ask it.
    pub backend: Arc<ServerBackend>,
    /// The Prometheus registry (`/metrics`); the consumers record into the same one.
    pub metrics: Metrics,
    /// Who may use the surfaces (the router's layer asks it), and the bearer tokens the `/db`
    /// write endpoints require whatever the mode (none: those are refused).
    pub auth: Arc<Authenticator>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
