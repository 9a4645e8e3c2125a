//! The timing endpoints: an instance's timings, one operation's timings, the summary of
//! every operation, and the KPIs of the last day's requests (nova only, as in v2).

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

use super::answer::{ok, Answer, StackyError};
use super::format::{sec_to_time_decimal, sec_to_time_float, sec_to_time_int};
use super::params::{Params, HARD_LIMIT};
use crate::http::state::AppState;
use crate::notification::ids::is_uuid_like;
use crate::store::stacky::{NameColumn, StackyKpi, StackyService, TimingHalves};
use app::model::now_micros;

/// The most operations the summary lists.
const SUMMARY_MAX: i64 = 10_000;
/// The most requests `kpi` lists (v2 listed all of the last day).
const KPI_MAX: i64 = 10_000;
const DAY_US: i64 = 86_400 * 1_000_000;

/// v2's row of one timing: `S` (start only), `E` (end only) or `.` with the duration.
fn timing_row(t: &TimingHalves) -> Value {
    let (state, time) = match (t.has_start, t.has_end, t.diff) {
        (true, true, Some(diff)) => (".", sec_to_time_decimal(diff)),
        (true, true, None) => (".", "n/a".into()),
        (false, true, _) => ("E", "n/a".into()),
        (true, false, _) => ("S", "n/a".into()),
        (false, false, _) => ("?", "n/a".into()),
    };
    json!([state, t.name, time])
}

/// `GET /stacky/timings/uuid/?uuid=…`: `[["?","Event","Time (secs)"], [state, name, time]...]`
/// (`limit`/`offset` page the instance's lifecycles, as in v2).
pub(super) async fn timings_uuid(State(state): State<AppState>, params: Params) -> Answer {
    let uuid = params.required("uuid")?;
    if !is_uuid_like(uuid) {
        return Err(StackyError::BadRequest(format!("{uuid} is not uuid-like")));
    }
    let (limit, offset) = params.page()?;
    let timings = state
        .store
        .stacky_instance_timings(uuid, limit, offset, HARD_LIMIT)
        .await?;
    let mut out = vec![json!(["?", "Event", "Time (secs)"])];
    out.extend(timings.iter().map(timing_row));
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/timings/?name=compute.instance.create&end_when_min=…&end_when_max=…`:
/// complete timings of one operation, fastest first: `[[name,"Time"],[instance, time]...]`.
pub(super) async fn timings(State(state): State<AppState>, params: Params) -> Answer {
    let name = params.required("name")?;
    let (limit, offset) = params.page()?;
    let rows = state
        .store
        .stacky_timings(
            name,
            params.decimal("end_when_min")?,
            params.decimal("end_when_max")?,
            limit,
            offset,
        )
        .await?;
    let mut out = vec![json!([name, "Time"])];
    out.extend(
        rows.into_iter()
            .map(|(instance, diff)| json!([instance, sec_to_time_decimal(diff)])),
    );
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/summary/`: per operation that has a nova `.start` event,
/// `[name, N, min, max, avg]` over ALL its complete, non-negative timings (v2 looked at the
/// first 50 only; `limit`/`offset` no longer cut the statistics).
pub(super) async fn summary(State(state): State<AppState>) -> Answer {
    let (events, _) = state
        .store
        .stacky_names(NameColumn::Event, StackyService::Nova, SUMMARY_MAX)
        .await?;
    let started: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| e.strip_suffix(".start"))
        .collect();
    let mut out = vec![json!(["Event", "N", "Min", "Max", "Avg"])];
    for s in state.store.stacky_timing_summary(SUMMARY_MAX).await? {
        if !started.contains(s.name.as_str()) || s.n == 0 {
            continue;
        }
        let secs = |us: i64| us as f64 / 1e6;
        // v2 averaged float seconds and printed int(total / n).
        let avg = (secs(s.total) / s.n as f64).trunc() as i64;
        out.push(json!([
            s.name,
            s.n,
            sec_to_time_float(secs(s.min)),
            sec_to_time_float(secs(s.max)),
            sec_to_time_int(avg)
        ]));
    }
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/kpi/`: the last day's requests with a finished operation, quickest first:
/// `[["Event","Time","UUID","Deployment"], [operation, time, instance, deployment]...]`.
pub(super) async fn kpi(State(state): State<AppState>) -> Answer {
    kpi_rows(&state, None).await
}

/// `GET /stacky/kpi/<tenant>/`: the same for one tenant; 404 when no nova event has it.
pub(super) async fn kpi_of_tenant(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Answer {
    // v2's route: \w+ (ASCII in Python 2).
    let word = !tenant.is_empty()
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !word {
        return Err(StackyError::NotFound(format!(
            "No such path parameter '{tenant}'."
        )));
    }
    let kpis = day_of_kpis(&state, Some(&tenant)).await?;
    // A listed request's end event is a nova event of the tenant: only an empty list asks
    // whether one exists at all (which can read every event of a tenant without one).
    if kpis.is_empty() && !state.store.stacky_tenant_known(&tenant).await? {
        return Err(StackyError::NotFound(format!(
            "Could not find raws for tenant {tenant}"
        )));
    }
    Ok(kpi_table(kpis))
}

async fn kpi_rows(state: &AppState, tenant: Option<&str>) -> Answer {
    Ok(kpi_table(day_of_kpis(state, tenant).await?))
}

/// The last day's KPIs, quickest first, at most [`KPI_MAX`].
async fn day_of_kpis(
    state: &AppState,
    tenant: Option<&str>,
) -> Result<Vec<StackyKpi>, StackyError> {
    let since = now_micros() - DAY_US;
    Ok(state.store.stacky_kpis(since, tenant, KPI_MAX).await?)
}

/// v2's KPI table.
fn kpi_table(kpis: Vec<StackyKpi>) -> Response {
    let mut out = vec![json!(["Event", "Time", "UUID", "Deployment"])];
    for k in kpis {
        // v2: event[:-len(".end")], the timing's name.
        out.push(json!([
            k.operation,
            sec_to_time_decimal(k.duration),
            k.instance,
            k.deployment
        ]));
    }
    ok(&Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(has_start: bool, has_end: bool, diff: Option<i64>) -> TimingHalves {
        TimingHalves {
            name: "name".into(),
            has_start,
            has_end,
            diff,
        }
    }

    // v2 test_get_timings_for_uuid_start_only / _end_only / complete.
    #[test]
    fn timing_rows_like_v2() {
        assert_eq!(
            timing_row(&t(true, false, None)),
            json!(["S", "name", "n/a"])
        );
        assert_eq!(
            timing_row(&t(false, true, None)),
            json!(["E", "name", "n/a"])
        );
        assert_eq!(
            timing_row(&t(true, true, Some(20_000_000))),
            json!([".", "name", "0d 00:00:20.00"])
        );
    }
}
