//! The HTTP surface: the Leptos app (server-rendered pages with islands, static files), the
//! live feed websocket and the health check.
//!
//! # Layout
//! - here: the router and the context every render gets (backend, live counters, CSP);
//! - [`csp`]: the Content-Security-Policy of HTML responses;
//! - `live_ws`: the live feed websocket (backfill, filtered push, explicit gaps).

mod api_v1;
pub mod csp;
mod live_ws;
mod ops;
mod stacky;
pub mod web;

use std::sync::Arc;

use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use app::ssr::{SharedBackend, SharedLiveStats};
use app::{shell, App};

use crate::live::Hub;
use crate::store::Store;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub store: Store,
    pub hub: Hub,
    pub backend: SharedBackend,
    /// The Prometheus registry (`/metrics`); the consumers record into the same one.
    pub metrics: crate::telemetry::metrics::Metrics,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The whole router; tests drive it over a real socket.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let backend = state.backend.clone();
    let stats: SharedLiveStats = Arc::new(state.hub.clone());
    // Runs inside every render (pages and the 404 fallback), after Leptos made the nonce.
    let context = move || {
        provide_context(backend.clone());
        provide_context(stats.clone());
        csp::apply();
    };
    let leptos = state.leptos.clone();
    Router::new()
        .merge(ops::router())
        .merge(stacky::router())
        .merge(api_v1::router())
        .route("/live/ws", get(live_ws::upgrade))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(csp::fallback))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            ops::track,
        ))
        .with_state(state)
}
