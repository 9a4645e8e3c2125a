//! v2's `pretty.py` (version 4, "summary for region: <r|all>"): for every request of the
//! instances updated in the window, its operation (create, rebuild, rescue, resize, snapshot
//! or aux), image (base/snap) and OS (linux/windows), its duration, and whether it failed: an
//! exception code 4xx/5xx, a run longer than `too_long` (`> 30`), or a transition into the
//! error state. Rows are per (operation, image, OS) key, sorted (v2's dict order was
//! arbitrary; stacky sorts by the first column). With no requests the percentages are 0.0
//! where v2 divided by zero and stored nothing.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::format::sec_to_str;
use super::requests::RequestWalk;
use crate::notification::image_type::{self, BASE_IMAGE, SNAPSHOT_IMAGE};

const US: i64 = 1_000_000;

/// The report's parameters (`pretty.py`'s options and window).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SummaryParams {
    pub percentile: i64,
    /// Seconds after which a request counts as failed (`> too_long/60` minutes).
    pub too_long: i64,
    pub hours: i64,
    pub start: i64,
    pub end: i64,
    /// `--region`, upper-cased.
    pub region: Option<String>,
    /// The deployments whose name contains the region.
    pub cells: Vec<String>,
}

type Key = (&'static str, &'static str, &'static str);

/// (base|snap|?, linux|windows|?) of an image type code: the later flag wins, as in v2.
fn image_and_os(code: i64) -> (&'static str, &'static str) {
    let set = |flag| image_type::isset(Some(code), flag);
    let image = if set(SNAPSHOT_IMAGE) {
        "snap"
    } else if set(BASE_IMAGE) {
        "base"
    } else {
        "?"
    };
    let os = if set(image_type::WINDOWS_IMAGE) {
        "windows"
    } else if set(image_type::LINUX_IMAGE) {
        "linux"
    } else {
        "?"
    };
    (image, os)
}

/// The failure type of one request: the walk's, `> N` when too long, the exception's
/// 4xx/5xx class when its error-queue event carries one (`codes`: error event id → code).
fn failure_type(
    walk: &RequestWalk,
    p: &SummaryParams,
    codes: &HashMap<i64, i64>,
) -> Option<String> {
    let mut failure = walk.failure.map(|f| f.as_str().to_owned());
    if walk.diff() > p.too_long * US && failure.is_none() {
        failure = Some(format!("> {}", p.too_long / 60));
    }
    failure.as_ref()?;
    match walk.error_queue_raw.and_then(|id| codes.get(&id)) {
        Some(code) if (400..500).contains(code) => Some("4xx".into()),
        Some(code) if (500..600).contains(code) => Some("5xx".into()),
        _ => failure,
    }
}

fn ratio(n: i64, of: i64) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

/// One row: the key, duration texts, requests, then (count, fraction) per failure type.
fn row(
    key: Key,
    values: &mut [i64],
    failures: &BTreeMap<String, i64>,
    types: &[String],
    p: &SummaryParams,
) -> Value {
    values.sort_unstable();
    let n = values.len();
    let at = (((p.percentile as f64 / 100.0) * n as f64) as usize).min(n - 1);
    let mut row = vec![
        json!(key.0),
        json!(key.1),
        json!(key.2),
        json!(sec_to_str(values[0])),
        json!(sec_to_str(values[n - 1])),
        json!(sec_to_str(values[n / 2])),
        json!(sec_to_str(values[at])),
        json!(n),
    ];
    for t in types {
        let count = failures.get(t).copied().unwrap_or(0);
        row.push(json!(count));
        row.push(json!(ratio(count, n as i64)));
    }
    Value::Array(row)
}

/// Row 0: the parameters and the totals per failure type.
fn details(
    p: &SummaryParams,
    types: &[String],
    totals: &HashMap<&str, i64>,
    total: i64,
) -> Map<String, Value> {
    let mut details = Map::new();
    details.insert("percentile".into(), json!(p.percentile));
    details.insert(
        "pct".into(),
        json!((100 - p.percentile) as f64 / 2.0 / 100.0),
    );
    details.insert("hours".into(), json!(p.hours));
    details.insert("start".into(), json!(p.start as f64 / US as f64));
    details.insert("end".into(), json!(p.end as f64 / US as f64));
    details.insert("region".into(), json!(p.region));
    details.insert("cells".into(), json!(p.cells));
    details.insert("total".into(), json!(total));
    let mut grand = 0;
    for t in types {
        let n = totals.get(t.as_str()).copied().unwrap_or(0);
        grand += n;
        details.insert(format!("{t} failure count"), json!(n));
        details.insert(
            format!("{t} failure percentage"),
            json!(ratio(n, total) * 100.0),
        );
    }
    details.insert("failure_grand_total".into(), json!(grand));
    details.insert(
        "failure_grand_rate".into(),
        json!(ratio(grand, total) * 100.0),
    );
    details
}

/// Row 1: the column headers.
fn headers(p: &SummaryParams, types: &[String]) -> Vec<String> {
    let mut headers = vec![
        "Operation".to_string(),
        "Image".into(),
        "OS Type".into(),
        "Min".into(),
        "Max".into(),
        "Med".into(),
        format!("{}%", p.percentile),
        "Requests".into(),
    ];
    for t in types {
        headers.push(t.clone());
        headers.push(format!("% {t}"));
    }
    headers
}

/// The report's JSON: `[details, headers, rows…]`.
pub(crate) fn build(walks: &[&RequestWalk], codes: &HashMap<i64, i64>, p: &SummaryParams) -> Value {
    let too_long_col = format!("> {}", p.too_long / 60);
    let types: Vec<String> = vec!["4xx".into(), "5xx".into(), too_long_col, "state".into()];
    let mut durations: BTreeMap<Key, Vec<i64>> = BTreeMap::new();
    let mut failures: BTreeMap<Key, BTreeMap<String, i64>> = BTreeMap::new();
    for walk in walks {
        let (image, os) = image_and_os(walk.image_type);
        let key = (walk.operation.map_or("aux", |(op, _)| op), image, os);
        durations.entry(key).or_default().push(walk.diff());
        if let Some(f) = failure_type(walk, p, codes) {
            *failures.entry(key).or_default().entry(f).or_default() += 1;
        }
    }
    let none = BTreeMap::new();
    let mut rows = Vec::new();
    let mut total = 0;
    let mut totals: HashMap<&str, i64> = HashMap::new();
    for (key, values) in &mut durations {
        total += values.len() as i64;
        let f = failures.get(key).unwrap_or(&none);
        for t in &types {
            *totals.entry(t).or_default() += f.get(t).copied().unwrap_or(0);
        }
        rows.push(row(*key, values, f, &types, p));
    }
    let details = details(p, &types, &totals, total);
    let headers = headers(p, &types);
    let mut report = vec![Value::Object(details), json!(headers)];
    report.extend(rows);
    Value::Array(report)
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
