//! `/db/stats/{nova,glance}/exists/` (the exists counted by status and send status, under
//! the list filters) and `/db/stats/events/` (the raw events counted by name, over at most
//! seven days), with v2's rules and error texts.

use axum::extract::State;
use serde_json::json;

use super::dates::str_time_to_unix;
use super::error::{ok, Answer, DbApiError};
use super::params::{filters, Params};
use crate::http::state::AppState;
use crate::store::dbapi::{DbTable, EventStat, ExistsService};

/// v2's `HARD_WHEN_RANGE_LIMIT`: seven days, in seconds.
const WHEN_RANGE_LIMIT: i64 = 7 * 24 * 60 * 60;

/// The exists of `service` under the list filters, by (status, send_status).
pub(super) async fn exists_stats(
    state: AppState,
    params: Params,
    service: ExistsService,
) -> Answer {
    let table = match service {
        ExistsService::Nova => DbTable::InstanceExists,
        ExistsService::Glance => DbTable::ImageExists,
    };
    let filters = filters(table, &params)?;
    let stats = state.store.db_exists_stats(service, &filters).await?;
    Ok(ok(&json!({ "stats": stats })))
}

fn bad(message: impl Into<String>) -> DbApiError {
    DbApiError::BadRequest(message.into())
}

/// `when_min` and `when_max`, both or neither, at most seven days apart.
fn when_range(params: &Params) -> Result<Option<(i64, i64)>, DbApiError> {
    let (min, max) = match (params.get("when_min"), params.get("when_max")) {
        (None, None) => return Ok(None),
        (Some(min), Some(max)) => (min, max),
        _ => {
            return Err(bad(
                "When providing date range filters, a min and max are required.",
            ))
        }
    };
    let date = |v: &str| {
        str_time_to_unix(v).ok_or_else(|| {
            bad("Invalid format for date (Correct format should be %Y-%m-%d %H:%M:%S)")
        })
    };
    let (min, max) = (date(min)?, date(max)?);
    if max - min > WHEN_RANGE_LIMIT * 1_000_000 {
        return Err(bad(format!(
            "Date ranges may be no larger than {WHEN_RANGE_LIMIT} seconds"
        )));
    }
    Ok(Some((min, max)))
}

/// `GET /db/stats/events/`: `{"stats": [{"event", "event_count"}…]}`; with `event`, exactly
/// that one entry (a count of 0 when there is none).
pub(super) async fn event_stats(State(state): State<AppState>, params: Params) -> Answer {
    let when = when_range(&params)?;
    let service = match params.get("service") {
        None => ExistsService::Nova,
        Some(s) => ExistsService::parse(s).ok_or_else(|| bad("Invalid service"))?,
    };
    let event = params.get("event");
    let mut stats = state.store.db_event_stats(service, when, event).await?;
    if let (Some(event), true) = (event, stats.is_empty()) {
        stats.push(EventStat {
            event: event.to_string(),
            event_count: 0,
        });
    }
    Ok(ok(&json!({ "stats": stats })))
}
