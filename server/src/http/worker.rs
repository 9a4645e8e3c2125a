//! The HTTP surface of `stacktach worker --listen ADDR`: no web app, only what an orchestrator
//! and Prometheus ask a consumer process. `GET /healthz` is *readiness* here (200 `ok` once the
//! database answers and every enabled consumer is connected, else 503 saying what is not ready),
//! because a worker that cannot store or cannot consume should be taken out of rotation and
//! looked at; `GET /metrics` is the same exposition as the web server's.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::ops::{exposition, track};
use crate::live::Hub;
use crate::store::Store;
use crate::telemetry::status::StatusBoard;

/// How long the readiness probe waits for the database: a probe must answer in time even
/// when the database hangs.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// What the worker's endpoints read. Cheap to clone.
#[derive(Clone)]
pub struct WorkerState {
    pub store: Store,
    /// The consumers' state; its metrics registry is what `/metrics` renders.
    pub board: StatusBoard,
    pub hub: Hub,
}

/// `/healthz` (readiness) and `/metrics`, counted by the same request middleware as the web
/// server's routes.
pub fn router(state: WorkerState) -> Router {
    Router::new()
        .route("/healthz", get(readiness))
        .route("/metrics", get(metrics))
        .layer(axum::middleware::from_fn_with_state(
            state.board.metrics().clone(),
            track,
        ))
        .with_state(state)
}

async fn metrics(State(state): State<WorkerState>) -> Response {
    exposition(state.board.metrics(), &state.hub)
}

async fn readiness(State(state): State<WorkerState>) -> Response {
    let mut problems = Vec::new();
    match tokio::time::timeout(PING_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "Readiness probe: the database failed.");
            problems.push("the database is unreachable".to_owned());
        }
        Err(_) => problems.push(format!(
            "the database did not answer within {} s",
            PING_TIMEOUT.as_secs()
        )),
    }
    for (deployment, exchange, consumer) in state.board.not_connected() {
        problems.push(format!(
            "consumer {deployment}/{exchange} is {}",
            consumer.label()
        ));
    }
    if problems.is_empty() {
        (StatusCode::OK, "ok").into_response()
    } else {
        let body = format!("not ready: {}", problems.join("; "));
        (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
    }
}
