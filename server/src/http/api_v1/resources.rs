//! One instance (lifecycle, events, timings, requests, usage), one request, and the timings
//! summary: the web pages' data as JSON, from the same backend.

use axum::extract::{Path, Query, State};
use axum::Json;

use app::model::{InstanceData, RequestData, TimingsData, Window};
use app::ssr::Backend as _;

use super::error::{ApiError, ApiResult};
use super::params::Params;
use crate::http::AppState;

type Pairs = Query<Vec<(String, String)>>;

/// `GET /api/v1/instances/{uuid}`: 404 when nothing at all is stored about it.
pub async fn instance(
    State(state): State<AppState>,
    Path(uuid): Path<String>,
    Query(pairs): Pairs,
) -> ApiResult<InstanceData> {
    Params::new(pairs, &[])?;
    let data = state.backend.instance(&uuid).await?;
    if data.lifecycle.is_none() && data.events.is_empty() && data.usage.is_empty() {
        return Err(ApiError::NotFound(format!("no instance {uuid:?}")));
    }
    Ok(Json(data))
}

/// `GET /api/v1/requests/{request_id}`: 404 when no event carries it.
pub async fn request(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
    Query(pairs): Pairs,
) -> ApiResult<RequestData> {
    Params::new(pairs, &[])?;
    let data = state.backend.request(&request_id).await?;
    if data.rows.is_empty() && data.kpi.is_none() {
        return Err(ApiError::NotFound(format!("no request {request_id:?}")));
    }
    Ok(Json(data))
}

/// `GET /api/v1/timings?window=1h|24h|7d`: per-operation statistics and the slowest requests.
pub async fn timings(State(state): State<AppState>, Query(pairs): Pairs) -> ApiResult<TimingsData> {
    let p = Params::new(pairs, &["window"])?;
    let window = match p.text("window") {
        None => Window::Hour,
        Some(w) => Window::parse(w).ok_or_else(|| {
            ApiError::BadRequest(format!("window must be 1h, 24h or 7d, not {w:?}"))
        })?,
    };
    Ok(Json(state.backend.timings(window).await?))
}
