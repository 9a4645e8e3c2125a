//! `GET /api/v1/events` (filters, time window, id cursor) and `GET /api/v1/events/{id}` (one
//! event with every stored column and its notification as JSON).

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Serialize;
use serde_json::value::RawValue;

use app::model::{EventColumns, EventFilter, EventRow};
use app::ssr::Backend as _;

use super::error::{ApiError, ApiResult};
use super::params::{self, page, Params};
use crate::http::web::ServerBackend;
use crate::http::AppState;
use crate::store::TimeWindow;

/// The filters of the list, as in the live feed's URL, plus the cursor and the window.
const LIST_PARAMS: [&str; 12] = [
    "after",
    "limit",
    "deployment",
    "event",
    "service",
    "host",
    "tenant",
    "instance",
    "request",
    "errors",
    "since",
    "until",
];

/// A page of events, oldest id first.
#[derive(Debug, Serialize)]
pub struct EventList {
    pub events: Vec<EventRow>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<i64>,
}

/// Parses the list's parameters.
async fn list_query(
    backend: &ServerBackend,
    p: &Params,
) -> Result<(EventFilter, TimeWindow), ApiError> {
    let mut filter = EventFilter::default();
    if let Some(d) = p.text("deployment") {
        let id = backend.deployment_id(d).await?;
        filter.deployment =
            Some(id.ok_or_else(|| ApiError::NotFound(format!("no deployment {d:?}")))?);
    }
    filter.event = p.text("event").map(str::to_owned);
    filter.service = p.text("service").map(str::to_owned);
    filter.host = p.text("host").map(str::to_owned);
    filter.tenant = p.text("tenant").map(str::to_owned);
    filter.instance = p.text("instance").map(str::to_owned);
    filter.request = p.text("request").map(str::to_owned);
    filter.errors = p.flag("errors")?;
    let window = TimeWindow {
        since: p.int("since")?,
        until: p.int("until")?,
    };
    if let (Some(s), Some(u)) = (window.since, window.until) {
        if s >= u {
            return Err(ApiError::BadRequest("since must be before until".into()));
        }
    }
    Ok((filter, window))
}

/// `GET /api/v1/events`.
pub async fn list(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<EventList> {
    let p = Params::new(pairs, &LIST_PARAMS)?;
    let (after, limit) = (p.after()?, p.limit()?);
    let (filter, window) = list_query(&state.backend, &p).await?;
    let rows = state
        .backend
        .events_after(after, &filter, window, limit + 1)
        .await?;
    let (events, next) = page(rows, limit, |r| r.id);
    Ok(Json(EventList { events, next }))
}

/// Everything stored about one event: the event page's data, with the notification as JSON
/// rather than text.
#[derive(Debug, Serialize)]
pub struct EventDetail {
    pub event: EventRow,
    /// Every other stored column, at the top level of the object.
    #[serde(flatten)]
    pub columns: EventColumns,
    /// The notification body as stored, as JSON.
    pub notification: Box<RawValue>,
}

/// `GET /api/v1/events/{id}`: the event page's data from the web backend, with the
/// notification served as JSON.
pub async fn one(State(state): State<AppState>, Path(raw): Path<String>) -> ApiResult<EventDetail> {
    let id = params::id("event", &raw)?;
    let d = state
        .backend
        .event(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no event {id}")))?;
    // Stored bodies are JSON; should one not be, it is returned as a JSON string.
    let notification = RawValue::from_string(d.json.clone())
        .or_else(|_| serde_json::value::to_raw_value(&d.json))
        .map_err(|e| ApiError::Store(e.to_string()))?;
    Ok(Json(EventDetail {
        event: d.row,
        columns: d.columns,
        notification,
    }))
}
