//! Deployments with their consumers' status, the whole status (database, subscribers), and the
//! quarantine (id-cursor list; one message with its bytes as text and hex).

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Serialize;

use app::model::{DeploymentSummary, QuarantineDetail, QuarantineRow, StatusData};
use app::ssr::LiveStats;

use super::error::{ApiError, ApiResult};
use super::params::{self, page, Params};
use crate::http::AppState;

type Pairs = Query<Vec<(String, String)>>;

/// The activity counters the live hub keeps, copied into each deployment.
fn with_activity(state: &AppState, deployments: &mut [DeploymentSummary]) {
    let activity = state.hub.activity();
    for d in deployments {
        if let Some(a) = activity.iter().find(|a| a.deployment_id == d.id) {
            d.per_minute = a.per_minute;
            d.errors_hour = a.errors_hour;
        }
    }
}

/// Every deployment.
#[derive(Debug, Serialize)]
pub struct Deployments {
    pub deployments: Vec<DeploymentSummary>,
}

/// `GET /api/v1/deployments`: each with its consumers' state and counts and newest event.
pub async fn deployments(
    State(state): State<AppState>,
    Query(pairs): Pairs,
) -> ApiResult<Deployments> {
    Params::new(pairs, &[])?;
    let mut deployments = state.backend.home().await?.deployments;
    with_activity(&state, &mut deployments);
    Ok(Json(Deployments { deployments }))
}

/// `GET /api/v1/status`: deployments, the newest quarantined messages, database, subscribers.
pub async fn status(State(state): State<AppState>, Query(pairs): Pairs) -> ApiResult<StatusData> {
    Params::new(pairs, &[])?;
    let mut status = state.backend.status().await?;
    with_activity(&state, &mut status.deployments);
    status.subscribers = state.hub.subscribers() as u64;
    Ok(Json(status))
}

/// A page of quarantined messages, oldest id first.
#[derive(Debug, Serialize)]
pub struct QuarantineList {
    pub quarantine: Vec<QuarantineRow>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<i64>,
}

/// `GET /api/v1/quarantine?after=&limit=`.
pub async fn quarantine(
    State(state): State<AppState>,
    Query(pairs): Pairs,
) -> ApiResult<QuarantineList> {
    let p = Params::new(pairs, &["after", "limit"])?;
    let (after, limit) = (p.after()?, p.limit()?);
    let rows = state.store.quarantine_page(after, limit + 1).await?;
    let (quarantine, next) = page(rows, limit, |r| r.id);
    Ok(Json(QuarantineList { quarantine, next }))
}

/// `GET /api/v1/quarantine/{id}`: the message's bytes as UTF-8 text (lossy) and a hex dump.
pub async fn quarantined(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(pairs): Pairs,
) -> ApiResult<QuarantineDetail> {
    Params::new(pairs, &[])?;
    let id = params::id("quarantined message", &raw)?;
    state
        .backend
        .quarantined(id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no quarantined message {id}")))
}
