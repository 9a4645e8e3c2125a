//! v2's `error_details.py` (version 1, "Error detail report"): every failed request of the
//! instances updated in the day, with its blamed event, exception (and its masked message),
//! platform and every event's host, states and tasks. Stored as
//! `[{report_format: "json", instances, exception_counts, event_counts, tenant_issues, codes},
//! failed request…]`, which stacky prints as JSON. As in v2, a failed request without a blamed
//! event (one that only ran too long) is counted in `instances` and `tenant_issues` but not
//! listed.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::format::py_datetime;
use super::mask::{build_exc_msg, mask_msg, py_str};
use super::requests::RequestWalk;
use crate::notification::image_type;
use crate::store::report_inputs::ReportRaw;

const US: i64 = 1_000_000;
/// A request longer than this (µs) without another failure failed as `>30`.
const TOO_LONG_US: i64 = 1_800 * US;

/// One request of an updated instance, with its events and the blamed event's exception.
#[derive(Debug, Clone)]
pub(crate) struct ErrorRequest {
    pub instance: String,
    pub request_id: String,
    pub walk: RequestWalk,
    pub raws: Vec<ReportRaw>,
    /// `payload.exception` of the blamed event, when it has one.
    pub exception: Option<Value>,
}

impl ErrorRequest {
    /// Whether v2 reported the request: a failure, or longer than 30 minutes.
    pub(crate) fn failed(walk: &RequestWalk) -> bool {
        walk.failure.is_some() || walk.diff() > TOO_LONG_US
    }
}

#[derive(Default)]
struct Tallies {
    instances: BTreeMap<String, Vec<String>>,
    exception_counts: BTreeMap<String, i64>,
    event_counts: BTreeMap<String, i64>,
    tenant_issues: BTreeMap<String, i64>,
    codes: BTreeMap<String, i64>,
}

fn details(raws: &[ReportRaw]) -> Value {
    raws.iter()
        .map(|r| {
            json!({"host": r.host, "event": r.event, "old_state": r.old_state, "state": r.state,
                   "old_task": r.old_task, "task": r.task})
        })
        .collect()
}

/// One failed request's entry; `None` when it has no blamed event.
fn entry(r: &ErrorRequest, deployments: &HashMap<i64, String>, t: &mut Tallies) -> Option<Value> {
    let walk = &r.walk;
    t.instances
        .entry(r.instance.clone())
        .or_default()
        .push(r.request_id.clone());
    *t.tenant_issues
        .entry(walk.tenant.clone().unwrap_or_else(|| "0".into()))
        .or_default() += 1;
    let err = walk
        .blamed_raw
        .and_then(|id| r.raws.iter().find(|raw| raw.id == id))?;
    let mut failure_type = match walk.failure {
        Some(f) => json!(f.as_str()),
        None => json!(">30"),
    };
    let mut out = Map::new();
    out.insert("req".into(), json!(r.request_id));
    out.insert("uuid".into(), json!(r.instance));
    out.insert(
        "duration".into(),
        json!(format!("{:.2} minutes", walk.diff() as f64 / 60e6)),
    );
    let operation = walk.operation.map_or("n/a", |(op, _)| op);
    out.insert("operation".into(), json!(operation));
    out.insert(
        "platform".into(),
        json!(image_type::readable(walk.image_type)),
    );
    out.insert("event_id".into(), json!(err.id));
    out.insert("tenant".into(), json!(err.tenant));
    out.insert("service".into(), json!(err.service));
    out.insert("host".into(), json!(err.host));
    out.insert(
        "deployment".into(),
        json!(deployments.get(&err.deployment_id)),
    );
    out.insert("event".into(), json!(err.event));
    out.insert("when".into(), json!(py_datetime(err.when_us)));
    *t.event_counts.entry(err.event.clone()).or_default() += 1;
    if let Some(Value::Object(exc)) = r.exception.as_ref().filter(|e| !is_empty(e)) {
        out.insert("exception".into(), Value::Object(exc.clone()));
        *t.exception_counts
            .entry(mask_msg(&build_exc_msg(exc)))
            .or_default() += 1;
        let code = exc.get("kwargs").and_then(|k| k.get("code"));
        if let Some(code) = code.filter(|c| !is_empty(c)) {
            *t.codes.entry(py_str(code)).or_default() += 1;
            failure_type = code.clone();
        }
    }
    out.insert("failure_type".into(), failure_type);
    out.insert("details".into(), details(&r.raws));
    Some(Value::Object(out))
}

/// Python's falsiness for the values v2 tested with `if x:`.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(true) => false,
    }
}

/// The report's JSON. `requests`: the failed requests (see [`ErrorRequest::failed`]), by
/// instance then request; `deployments`: names by id.
pub(crate) fn build(requests: &[ErrorRequest], deployments: &HashMap<i64, String>) -> Value {
    let mut t = Tallies::default();
    let entries: Vec<Value> = requests
        .iter()
        .filter_map(|r| entry(r, deployments, &mut t))
        .collect();
    let mut report = vec![json!({
        "report_format": "json",
        "instances": t.instances,
        "exception_counts": t.exception_counts,
        "event_counts": t.event_counts,
        "tenant_issues": t.tenant_issues,
        "codes": t.codes,
    })];
    report.extend(entries);
    Value::Array(report)
}

#[cfg(test)]
#[path = "error_details_tests.rs"]
mod tests;
