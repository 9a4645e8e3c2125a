//! Operational endpoints: `GET /healthz` (liveness) and `GET /metrics` (Prometheus text
//! format 0.0.4), and the middleware that counts every HTTP request by route and status.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::state::AppState;
use crate::live::Hub;
use crate::telemetry::metrics::{self, Metrics, Scraped};

/// The operational endpoints.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(render))
}

/// The text exposition format's media type.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

async fn render(State(state): State<AppState>) -> Response {
    exposition(&state.metrics, &state.hub)
}

/// The registry's families and the live hub's gauges, in the text exposition format.
pub(super) fn exposition(metrics: &Metrics, hub: &Hub) -> Response {
    let scraped = [
        Scraped {
            name: "stacktach_live_subscribers",
            help: "Live feed websockets connected now.",
            kind: "gauge",
            value: hub.subscribers() as f64,
        },
        Scraped {
            name: "stacktach_live_skipped_rows_total",
            help: "Rows live subscribers skipped after falling too far behind (sent as a gap).",
            kind: "counter",
            value: hub.skipped_rows() as f64,
        },
    ];
    let body = metrics.render(&scraped);
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

/// Counts the request under its route template (`/api/v1/events/{id}`, never the raw URL, so
/// the series stay bounded; `unmatched` for the fallback), method and status, and times it.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    metrics.inc(&metrics::HTTP_REQUESTS, &[&route, method, status.as_str()]);
    metrics.observe(
        &metrics::HTTP_SECONDS,
        &[&route],
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Standard methods by name; anything else (clients may send any token) as `other`.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}
