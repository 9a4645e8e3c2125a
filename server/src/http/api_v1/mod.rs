//! `/api/v1`: the JSON API for scripts. Every answer is JSON, every error `{"error": "..."}`
//! with 400 (bad parameter, named in the message), 404 (nothing stored under that id or name)
//! or 500 (store failure, detail in the server log). Lists are keyset-paginated by id:
//! `?after=<id>&limit=<n>` (limit 1–1000, default 100) and the answer's `next` is the next
//! page's `after` (`null` on the last page), so a walk sees every row exactly once however
//! many rows arrive meanwhile. Unknown query parameters are refused.
//!
//! Whatever a page also shows (one event, instance, request, timings, deployments, status, one
//! quarantined message) comes from the web backend ([`crate::http::web::ServerBackend`], the
//! same answers the pages render), so the JSON and the pages cannot disagree. The two
//! keyset-paginated lists only scripts walk (`/events`, `/quarantine`) have no page and read
//! the store.
//!
//! # Layout
//! - `events`: the event list (filters, time window) and one event with its JSON.
//! - `resources`: instance, request and the timings summary.
//! - `status`: deployments with consumer status, status, quarantine.
//! - `params`: query parsing, limits and pages; `error`: [`ApiError`](error::ApiError).
//! - `router`: the routes, the index of endpoints and the JSON 404.

mod error;
mod events;
mod params;
mod resources;
mod router;
mod status;

pub use router::router;
