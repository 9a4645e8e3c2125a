//! Deployments with their consumers' status, the whole status (database, subscribers), and the
//! quarantine (id-cursor list; one message with its bytes as text and hex). What the home and
//! status pages show comes from the web backend, complete, as the pages get it.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Serialize;

use app::model::{DeploymentSummary, QuarantineDetail, QuarantineRow, StatusData};
use app::ssr::Backend as _;

use super::error::{ApiError, ApiResult};
use super::params::{self, page, Params};
use crate::http::AppState;

type Pairs = Query<Vec<(String, String)>>;

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
    let deployments = state.backend.home().await?.deployments;
    Ok(Json(Deployments { deployments }))
}

/// `GET /api/v1/status`: deployments, the newest quarantined messages, database, subscribers,
/// and `table_sizes`: each table's rows (with how they were estimated), bytes and growth over
/// the last day, as last sampled (`sampled_at` is `null` before the first sample).
pub async fn status(State(state): State<AppState>, Query(pairs): Pairs) -> ApiResult<StatusData> {
    Params::new(pairs, &[])?;
    Ok(Json(state.backend.status().await?))
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
    let rows = state.backend.quarantine_after(after, limit + 1).await?;
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
