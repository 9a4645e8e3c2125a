//! The HTTP surface: the Leptos app (server-rendered pages with islands, static files), the
//! web app's backend, v2's `/stacky` API, the `/api/v1` JSON API, the live feed websocket,
//! and the health check and metrics (also served alone by a worker).
//!
//! # Layout
//! - [`router`]: the whole router and the context every render gets; `state`: [`AppState`].
//! - [`web`]: the web app's backend ([`web::ServerBackend`]); `api_v1`: the JSON API;
//!   `stacky`: v2's REST API.
//! - `dbapi`: v2's DB API (`/db/*`: usage reads, stats, the token-guarded billing writes).
//! - `drill_link`: `/d/{id}/{field}`, the tables' short drill-down links (a redirect).
//! - `live_ws`: the live feed websocket (backfill, filtered push, explicit gaps).
//! - `ops`: `/healthz`, `/metrics` and the request metrics middleware.
//! - [`worker`]: what `stacktach worker --listen` serves: readiness `/healthz` and `/metrics`.
//! - [`csp`]: the Content-Security-Policy of HTML responses; `panic`: a panic → a logged 500.

mod api_v1;
pub mod auth;
pub mod csp;
mod dbapi;
mod drill_link;
mod live_ws;
mod ops;
mod panic;
pub mod router;
mod stacky;
mod state;
pub mod web;
pub mod worker;

pub use state::AppState;
