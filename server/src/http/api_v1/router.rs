//! The API's routes (every endpoint under `/api/v1`), its index, and the JSON 404 for any
//! other path below it.

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};

use super::error::ApiError;
use super::{events, resources, status};
use crate::http::AppState;

/// The endpoints, listed by `GET /api/v1`.
const ENDPOINTS: [&str; 10] = [
    "/api/v1/events?after=&limit=&deployment=&event=&service=&host=&tenant=&instance=&request=&errors=&since=&until=",
    "/api/v1/events/{id}",
    "/api/v1/instances/{uuid}",
    "/api/v1/requests/{request_id}",
    "/api/v1/timings?window=1h|24h|7d",
    "/api/v1/deployments",
    "/api/v1/status",
    "/api/v1/quarantine?after=&limit=",
    "/api/v1/quarantine/{id}",
    "/metrics",
];

/// The routes of this API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1", get(index))
        .route("/api/v1/events", get(events::list))
        .route("/api/v1/events/{id}", get(events::one))
        .route("/api/v1/instances/{uuid}", get(resources::instance))
        .route("/api/v1/requests/{request_id}", get(resources::request))
        .route("/api/v1/timings", get(resources::timings))
        .route("/api/v1/deployments", get(status::deployments))
        .route("/api/v1/status", get(status::status))
        .route("/api/v1/quarantine", get(status::quarantine))
        .route("/api/v1/quarantine/{id}", get(status::quarantined))
        .route("/api/v1/{*rest}", get(unknown))
}

async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "endpoints": ENDPOINTS }))
}

/// Anything else under `/api/v1/` is a JSON 404, not the web app's HTML one.
async fn unknown(Path(rest): Path<String>) -> ApiError {
    ApiError::NotFound(format!("no endpoint /api/v1/{rest}"))
}
