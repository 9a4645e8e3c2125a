//! The whole router: the Leptos app (server-rendered pages, static files, the 404 fallback,
//! each render given the backend and the CSP nonce), `/stacky`, `/api/v1`,
//! the live websocket and the operator endpoints, under the CSP, authentication and metrics
//! middleware.

use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use app::ssr::SharedBackend;
use app::{shell, App};

use super::state::AppState;
use super::{api_v1, auth, csp, dbapi, drill_link, live_ws, ops, panic, stacky};

/// The whole router; tests drive it over a real socket.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let backend: SharedBackend = state.backend.clone();
    // Runs inside every render (pages and the 404 fallback), after Leptos made the nonce.
    let context = move || {
        provide_context(backend.clone());
        csp::apply();
    };
    let leptos = state.leptos.clone();
    Router::new()
        .merge(ops::router())
        .merge(stacky::router())
        .merge(api_v1::router())
        .merge(dbapi::router())
        .merge(drill_link::router())
        .route("/live/ws", get(live_ws::upgrade))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Innermost, so the CSP and the request metrics see the 500 a panic becomes.
        .layer(panic::layer())
        .layer(axum::middleware::from_fn(csp::fallback))
        // Around every route and the fallback (static files), so no surface is left out; the
        // websocket is refused before its upgrade. Inside the metrics, which count refusals.
        .layer(axum::middleware::from_fn_with_state(
            state.auth.clone(),
            auth::require,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            ops::track,
        ))
        .with_state(state)
}
