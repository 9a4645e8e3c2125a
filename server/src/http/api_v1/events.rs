//! `GET /api/v1/events` (filters, time window, id cursor) and `GET /api/v1/events/{id}` (one
//! event with every stored column and its notification as JSON).

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Serialize;
use serde_json::value::RawValue;

use app::model::{EventFilter, EventRow, Micros};

use super::error::{ApiError, ApiResult};
use super::params::{self, page, Params};
use crate::http::AppState;
use crate::store::{Store, TimeWindow};

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
async fn list_query(store: &Store, p: &Params) -> Result<(EventFilter, TimeWindow), ApiError> {
    let mut filter = EventFilter::default();
    if let Some(d) = p.text("deployment") {
        filter.deployment = Some(deployment_id(store, d).await?);
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

/// A deployment by id or name.
async fn deployment_id(store: &Store, value: &str) -> Result<i64, ApiError> {
    let all = store.deployments().await?;
    let by_id = value.parse::<i64>().ok();
    all.iter()
        .find(|(id, name)| name == value || Some(*id) == by_id)
        .map(|(id, _)| *id)
        .ok_or_else(|| ApiError::NotFound(format!("no deployment {value:?}")))
}

/// `GET /api/v1/events`.
pub async fn list(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<EventList> {
    let p = Params::new(pairs, &LIST_PARAMS)?;
    let (after, limit) = (p.after()?, p.limit()?);
    let (filter, window) = list_query(&state.store, &p).await?;
    let rows = state
        .store
        .events_page(after, &filter, window, limit + 1)
        .await?;
    let (events, next) = page(rows, limit, |r| r.id);
    Ok(Json(EventList { events, next }))
}

/// Everything stored about one event.
#[derive(Debug, Serialize)]
pub struct EventDetail {
    pub event: EventRow,
    pub message_id: Option<String>,
    /// `message_id`, or a hash of the body when there is none.
    pub dedupe_key: String,
    /// When StackTach received it.
    pub received: Micros,
    pub state: Option<String>,
    pub old_state: Option<String>,
    pub old_task: Option<String>,
    pub task: Option<String>,
    pub image_type: Option<i64>,
    pub image_status: Option<String>,
    pub image_uuid: Option<String>,
    pub image_size: Option<i64>,
    pub os_architecture: Option<String>,
    pub os_distro: Option<String>,
    pub os_version: Option<String>,
    pub rax_options: Option<String>,
    /// The notification body as stored, as JSON.
    pub notification: Box<RawValue>,
}

/// `GET /api/v1/events/{id}`.
pub async fn one(State(state): State<AppState>, Path(raw): Path<String>) -> ApiResult<EventDetail> {
    let id = params::id("event", &raw)?;
    let (event, c) = state
        .store
        .event_detail(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no event {id}")))?;
    // Stored bodies are JSON; should one not be, it is returned as a JSON string.
    let notification = RawValue::from_string(c.json.clone())
        .or_else(|_| serde_json::value::to_raw_value(&c.json))
        .map_err(|e| ApiError::Store(e.to_string()))?;
    Ok(Json(EventDetail {
        event,
        message_id: c.message_id,
        dedupe_key: c.dedupe_key,
        received: Micros(c.received_us),
        state: c.state,
        old_state: c.old_state,
        old_task: c.old_task,
        task: c.task,
        image_type: c.image_type,
        image_status: c.image_status,
        image_uuid: c.image_uuid,
        image_size: c.image_size,
        os_architecture: c.os_architecture,
        os_distro: c.os_distro,
        os_version: c.os_version,
        rax_options: c.rax_options,
        notification,
    }))
}
