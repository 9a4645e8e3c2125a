//! The reads behind the KPI summary and the error details: the window's events in time order,
//! then its requests' events outside it (assembled into walks by `window_walks`), then
//! the bodies of the few error events whose exception the reports read, and for the error
//! details the whole rows of the failed requests.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::error::ReportError;
use super::error_details::{self, ErrorRequest};
use super::options::BuildOptions;
use super::period::Period;
use super::requests::RequestWalk;
use super::summary::{self, SummaryParams};
use super::window_walks::{Walked, WindowWalks};
use crate::store::report_inputs::ReportRaw;
use crate::store::Store;

/// `pretty.py`'s defaults: the percentile shown and the duration (s) that counts as failed.
const PERCENTILE: i64 = 97;
const TOO_LONG_S: i64 = 1_800;

/// The walks of the requests with a nova event within `(from, to]` and the window's pairs
/// (of instances updated by one of `deployments`, when given).
async fn walk_window(
    store: &Store,
    (from, to): (i64, i64),
    deployments: Option<&[i64]>,
) -> Result<Walked, ReportError> {
    let mut walks = WindowWalks::new(from, deployments);
    store.walk_window(from, to, |row| walks.window(row)).await?;
    let pairs = walks.pairs();
    let requests: BTreeSet<&String> = pairs.iter().map(|(_, r)| r).collect();
    let requests: Vec<String> = requests.into_iter().cloned().collect();
    store
        .walk_requests(&requests, Some((from, to)), |row| walks.outside(row))
        .await?;
    store
        .walk_requests(&walks.restarts(), None, |row| walks.again(row))
        .await?;
    Ok(Walked {
        pairs,
        walks: walks.finish(),
    })
}

/// The parsed bodies of these raw events, by id.
async fn bodies(store: &Store, ids: Vec<i64>) -> Result<HashMap<i64, Value>, ReportError> {
    let rows = store.raw_bodies(&ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, text)| serde_json::from_str(&text).ok().map(|v| (id, v)))
        .collect())
}

/// `payload.exception` of a body, when it is a non-empty object.
fn exception(body: &Value) -> Option<&Value> {
    body.get("payload")?
        .get("exception")
        .filter(|e| e.as_object().is_some_and(|o| !o.is_empty()))
}

/// `int(exc.get('kwargs', {}).get('code', 0))`.
fn code(exc: &Value) -> i64 {
    match exc.get("kwargs").and_then(|k| k.get("code")) {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// The deployments as (id, name), in id order.
async fn deployments(store: &Store) -> Result<Vec<(i64, String)>, ReportError> {
    let mut all = store.deployments().await?;
    all.sort_by_key(|(id, _)| *id);
    Ok(all)
}

/// v2's `pretty.py` for `period`, in the deployments matching `--region`.
pub(super) async fn summary(
    store: &Store,
    period: Period,
    opts: &BuildOptions,
) -> Result<Value, ReportError> {
    let region = opts.region.as_ref().map(|r| r.to_uppercase());
    let matching: Vec<(i64, String)> = deployments(store)
        .await?
        .into_iter()
        .filter(|(_, name)| {
            region
                .as_ref()
                .is_none_or(|r| name.to_uppercase().contains(r))
        })
        .collect();
    if let (Some(given), true) = (&opts.region, matching.is_empty()) {
        return Err(ReportError::NoRegion(given.clone()));
    }
    let ids: Vec<i64> = matching.iter().map(|(id, _)| *id).collect();
    let filter = region.as_ref().map(|_| ids.as_slice());
    let walked = walk_window(store, (period.start, period.end), filter).await?;
    let walks: Vec<&RequestWalk> = walked
        .pairs
        .iter()
        .filter_map(|(_, r)| walked.walks.get(r))
        .collect();
    let errors: BTreeSet<i64> = walks.iter().filter_map(|w| w.error_queue_raw).collect();
    let codes = bodies(store, errors.into_iter().collect())
        .await?
        .into_iter()
        .map(|(id, body)| (id, exception(&body).map_or(0, code)))
        .collect();
    let params = SummaryParams {
        percentile: PERCENTILE,
        too_long: TOO_LONG_S,
        hours: opts.length.micros() / 3_600_000_000,
        start: period.start,
        end: period.end,
        region,
        cells: matching.into_iter().map(|(_, name)| name).collect(),
    };
    Ok(summary::build(&walks, &codes, &params))
}

/// v2's `error_details.py` for `period`.
pub(super) async fn error_details(store: &Store, period: Period) -> Result<Value, ReportError> {
    let Walked { pairs, walks } = walk_window(store, (period.start, period.end), None).await?;
    let failed: BTreeSet<&str> = pairs
        .iter()
        .map(|(_, r)| r.as_str())
        .filter(|r| walks.get(*r).is_some_and(ErrorRequest::failed))
        .collect();
    let failed: Vec<String> = failed.into_iter().map(str::to_owned).collect();
    let mut raws: HashMap<String, Vec<ReportRaw>> = HashMap::new();
    store
        .request_raws(&failed, |raw| {
            raws.entry(raw.request_id.clone()).or_default().push(raw);
        })
        .await?;
    let blamed: BTreeSet<i64> = failed
        .iter()
        .filter_map(|r| walks.get(r)?.blamed_raw)
        .collect();
    let bodies = bodies(store, blamed.into_iter().collect()).await?;
    let mut requests = Vec::new();
    for (instance, request_id) in &pairs {
        let (Some(walk), Some(raws)) = (walks.get(request_id), raws.get(request_id)) else {
            continue;
        };
        let exception = walk
            .blamed_raw
            .and_then(|id| bodies.get(&id))
            .and_then(exception)
            .cloned();
        requests.push(ErrorRequest {
            instance: instance.clone(),
            request_id: request_id.clone(),
            walk: walk.clone(),
            raws: raws.clone(),
            exception,
        });
    }
    let names: HashMap<i64, String> = deployments(store).await?.into_iter().collect();
    Ok(error_details::build(&requests, &names))
}
