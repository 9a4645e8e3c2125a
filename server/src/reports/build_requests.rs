//! The reads behind the KPI summary and the error details: the window's (instance, request)
//! pairs, then their requests' events in one ordered, streamed read (whole rows for the error
//! details, which keep the failed requests' events), walked a request at a time, then the
//! bodies of the few error events whose exception the reports read.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::error::ReportError;
use super::error_details::{self, ErrorRequest};
use super::options::BuildOptions;
use super::period::Period;
use super::requests::{walk_row, RequestWalk};
use super::summary::{self, SummaryParams};
use crate::store::report_inputs::{ReportRaw, WalkRow};
use crate::store::Store;

/// `pretty.py`'s defaults: the percentile shown and the duration (s) that counts as failed.
const PERCENTILE: i64 = 97;
const TOO_LONG_S: i64 = 1_800;

/// Walks of the requests, and the events of the failed ones when `keep_failed`.
#[derive(Default)]
struct Walked {
    walks: HashMap<String, RequestWalk>,
    failed_raws: HashMap<String, Vec<ReportRaw>>,
}

/// A request being walked: its id, the walk so far and (for the error details) its events.
type Current = Option<(String, RequestWalk, Vec<ReportRaw>)>;

/// Ends the walk of `current`, if any: into `out`, with its events when it failed.
fn finish(current: &mut Current, out: &mut Walked) {
    if let Some((request, walk, raws)) = current.take() {
        if !raws.is_empty() && ErrorRequest::failed(&walk) {
            out.failed_raws.insert(request.clone(), raws);
        }
        out.walks.insert(request, walk);
    }
}

/// Walks every request of `pairs` (the window's, within `(from, to]`) as its events stream
/// in, one request at a time; with `keep_failed`, from whole rows, keeping the failed
/// requests' events.
async fn walk_requests(
    store: &Store,
    (from, to): (i64, i64),
    pairs: &[(String, String)],
    keep_failed: bool,
) -> Result<Walked, ReportError> {
    let requests: HashSet<&str> = pairs.iter().map(|(_, r)| r.as_str()).collect();
    let mut out = Walked::default();
    let mut current: Current = None;
    let mut step = |row: WalkRow, raw: Option<ReportRaw>| match &mut current {
        Some((request, walk, raws)) if *request == row.request_id => {
            walk.step(&row);
            raws.extend(raw);
        }
        _ => {
            finish(&mut current, &mut out);
            if requests.contains(row.request_id.as_str()) {
                let walk = RequestWalk::start(&row);
                current = Some((row.request_id, walk, raw.into_iter().collect()));
            }
        }
    };
    if keep_failed {
        store
            .walk_window_request_raws(from, to, |raw| step(walk_row(&raw), Some(raw)))
            .await?;
    } else {
        store
            .walk_window_requests(from, to, |row| step(row, None))
            .await?;
    }
    finish(&mut current, &mut out);
    Ok(out)
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
    let pairs = store
        .window_requests(period.start, period.end, filter)
        .await?;
    let window = (period.start, period.end);
    let walked = walk_requests(store, window, &pairs, false).await?;
    let walks: Vec<&RequestWalk> = pairs
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
    let pairs = store
        .window_requests(period.start, period.end, None)
        .await?;
    let window = (period.start, period.end);
    let mut walked = walk_requests(store, window, &pairs, true).await?;
    let blamed: BTreeSet<i64> = walked
        .walks
        .iter()
        .filter(|(r, _)| walked.failed_raws.contains_key(*r))
        .filter_map(|(_, w)| w.blamed_raw)
        .collect();
    let bodies = bodies(store, blamed.into_iter().collect()).await?;
    let mut requests = Vec::new();
    for (instance, request_id) in &pairs {
        let (Some(walk), Some(raws)) = (
            walked.walks.get(request_id),
            walked.failed_raws.get(request_id),
        ) else {
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
    walked.failed_raws.clear();
    let names: HashMap<i64, String> = deployments(store).await?.into_iter().collect();
    Ok(error_details::build(&requests, &names))
}
