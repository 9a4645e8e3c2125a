//! A stored report's JSON as something to render: v2's layouts (a list of rows whose first row
//! is the headers, optionally after summary objects; objects of summaries; `x_headers` beside
//! `x`) become tables, anything else nested key/value tables or lists. Pure and bounded: the
//! JSON is untrusted, so every value stays text, nesting is cut at [`MAX_DEPTH`] and each
//! container at [`MAX_ITEMS`] entries (the raw JSON link has the rest).
//!
//! Also the KPI summary's (pretty.py) per-operation durations for the percentile chart.

use serde_json::{Map, Value};

/// Containers nested deeper than this are shown as their compact JSON text.
pub const MAX_DEPTH: usize = 12;
/// Entries shown per table, object or list.
pub const MAX_ITEMS: usize = 1_000;

/// A report value ready to render.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportNode {
    /// A string, number or boolean, as text.
    Text(String),
    /// `null`.
    Null,
    /// Rows under headers; `hidden` rows were left out.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<ReportNode>>,
        hidden: usize,
    },
    /// An object's entries in order; `hidden` entries were left out.
    Dict {
        entries: Vec<(String, ReportNode)>,
        hidden: usize,
    },
    /// A list that is not a table.
    List {
        items: Vec<ReportNode>,
        hidden: usize,
    },
}

/// The report's JSON text as a tree; `Err` with serde's message when it is not JSON.
pub fn report_tree(json: &str) -> Result<ReportNode, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(node(&value, 0))
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn node(v: &Value, depth: usize) -> ReportNode {
    if let Some(text) = scalar_text(v) {
        return ReportNode::Text(text);
    }
    if depth >= MAX_DEPTH && !v.is_null() {
        return ReportNode::Text(v.to_string());
    }
    match v {
        Value::Array(items) => array(items, depth),
        Value::Object(map) => dict(map, depth),
        _ => ReportNode::Null,
    }
}

/// A header row: a non-empty list of strings and numbers only.
fn headers_of(v: &Value) -> Option<Vec<String>> {
    let cells = v.as_array().filter(|c| !c.is_empty())?;
    cells.iter().map(scalar_text).collect()
}

/// Where the header row of a v2 table starts: the first list, when no list comes before it,
/// every later item is a list (a row), and at least one row follows (or it is alone).
fn header_index(items: &[Value]) -> Option<usize> {
    let h = items.iter().position(Value::is_array)?;
    headers_of(&items[h])?;
    items[h + 1..].iter().all(Value::is_array).then_some(h)
}

fn table(headers: Vec<String>, rows: &[Value], depth: usize) -> ReportNode {
    let shown = rows.iter().take(MAX_ITEMS);
    let rows_out = shown
        .map(|r| match r {
            Value::Array(cells) => cells.iter().map(|c| node(c, depth + 1)).collect(),
            other => vec![node(other, depth + 1)],
        })
        .collect();
    ReportNode::Table {
        headers,
        rows: rows_out,
        hidden: rows.len().saturating_sub(MAX_ITEMS),
    }
}

fn array(items: &[Value], depth: usize) -> ReportNode {
    let Some(h) = header_index(items) else {
        return ReportNode::List {
            items: items
                .iter()
                .take(MAX_ITEMS)
                .map(|i| node(i, depth + 1))
                .collect(),
            hidden: items.len().saturating_sub(MAX_ITEMS),
        };
    };
    let headers = headers_of(&items[h]).unwrap_or_default();
    let t = table(headers, &items[h + 1..], depth);
    if h == 0 {
        return t;
    }
    let mut out: Vec<ReportNode> = items[..h].iter().map(|i| node(i, depth + 1)).collect();
    out.push(t);
    ReportNode::List {
        items: out,
        hidden: 0,
    }
}

/// The key holding the headers of `key`'s rows: `exist_fails` → `exist_fail_headers` (v2's
/// nova usage audit) or `x` → `x_headers`.
fn header_key<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    let singular = key.strip_suffix('s').map(|k| format!("{k}_headers"));
    [Some(format!("{key}_headers")), singular]
        .into_iter()
        .flatten()
        .find_map(|k| map.get_key_value(&k).map(|(k, _)| k.as_str()))
        .filter(|k| map.get(*k).and_then(headers_of).is_some())
}

fn dict(map: &Map<String, Value>, depth: usize) -> ReportNode {
    let paired: Vec<(&str, &str)> = map
        .iter()
        .filter(|(_, v)| {
            v.as_array()
                .is_some_and(|rows| rows.iter().all(Value::is_array))
        })
        .filter_map(|(k, _)| header_key(map, k).map(|h| (k.as_str(), h)))
        .collect();
    let entries = map
        .iter()
        .filter(|(k, _)| !paired.iter().any(|(_, h)| h == k))
        .take(MAX_ITEMS)
        .map(|(k, v)| {
            let pair = paired.iter().find(|(rows, _)| rows == k);
            let value = match (pair, v) {
                (Some((_, h)), Value::Array(rows)) => {
                    let headers = map.get(*h).and_then(headers_of).unwrap_or_default();
                    table(headers, rows, depth + 1)
                }
                _ => node(v, depth + 1),
            };
            (k.clone(), value)
        })
        .collect();
    ReportNode::Dict {
        entries,
        hidden: map.len().saturating_sub(MAX_ITEMS + paired.len()),
    }
}

/// One operation's durations in seconds (pretty.py's row: operation, image, OS type, then
/// min, max, median and the percentile).
#[derive(Debug, Clone, PartialEq)]
pub struct OpPercentiles {
    /// The row's label columns joined, e.g. `create · base · linux`.
    pub label: String,
    pub min: f64,
    pub median: Option<f64>,
    pub percentile: Option<f64>,
    pub max: f64,
}

/// The KPI summary's chart data.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiChart {
    /// The percentile column's header, e.g. `97%`.
    pub percentile_label: String,
    pub ops: Vec<OpPercentiles>,
}

/// A duration cell: seconds as a number, or v2's `sec_to_str` text (`5s`, `4:05s`,
/// `01:02:03`).
pub fn duration_seconds(v: &Value) -> Option<f64> {
    if let Some(n) = v.as_f64() {
        return Some(n);
    }
    let text = v.as_str()?.trim();
    let text = text.strip_suffix('s').unwrap_or(text);
    let mut total = 0.0;
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 || text.is_empty() {
        return None;
    }
    for p in parts {
        let n: f64 = p.trim().parse().ok()?;
        total = total * 60.0 + n;
    }
    Some(total).filter(|t: &f64| t.is_finite() && *t >= 0.0)
}

fn is_percentile_header(h: &str) -> bool {
    let h = h.trim_end_matches('*');
    h.strip_suffix('%')
        .is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok())
}

/// The per-operation durations of a KPI summary report; `None` when the layout is not
/// pretty.py's (no header row with `Min…` and `Max…` columns).
pub fn kpi_chart(json: &str) -> Option<KpiChart> {
    let value: Value = serde_json::from_str(json).ok()?;
    let items = value.as_array()?;
    let h = header_index(items)?;
    let headers = headers_of(&items[h])?;
    let col = |prefix: &str| headers.iter().position(|c| c.starts_with(prefix));
    let (min, max) = (col("Min")?, col("Max")?);
    let median = col("Med").or_else(|| col("Avg"));
    let pct = headers.iter().position(|c| is_percentile_header(c));
    let label_cols = min.min(max);
    let ops = items[h + 1..]
        .iter()
        .filter_map(Value::as_array)
        .take(MAX_ITEMS)
        .filter_map(|row| {
            let at = |i: Option<usize>| i.and_then(|i| row.get(i)).and_then(duration_seconds);
            let label = row[..label_cols.min(row.len())]
                .iter()
                .map(|c| scalar_text(c).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" · ");
            Some(OpPercentiles {
                label,
                min: at(Some(min))?,
                median: at(median),
                percentile: at(pct),
                max: at(Some(max))?,
            })
        })
        .collect();
    Some(KpiChart {
        percentile_label: pct.map_or_else(|| "percentile".into(), |i| headers[i].clone()),
        ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> ReportNode {
        ReportNode::Text(s.into())
    }

    #[test]
    fn v2_summary_list_becomes_summary_then_table() {
        let json =
            r#"[{"region": null, "total": 3}, ["Object", "ID"], ["exist", 7], ["launch", "x<b>"]]"#;
        let ReportNode::List { items, .. } = report_tree(json).unwrap() else {
            panic!("not a list")
        };
        assert_eq!(
            items[0],
            ReportNode::Dict {
                entries: vec![
                    ("region".into(), ReportNode::Null),
                    ("total".into(), text("3"))
                ],
                hidden: 0
            }
        );
        assert_eq!(
            items[1],
            ReportNode::Table {
                headers: vec!["Object".into(), "ID".into()],
                rows: vec![
                    vec![text("exist"), text("7")],
                    vec![text("launch"), text("x<b>")]
                ],
                hidden: 0
            }
        );
    }

    #[test]
    fn headers_pair_with_their_rows() {
        let json = r#"{"summary": {"verifier": {"count": 2}}, "exist_fail_headers": ["Id", "Reason"],
            "exist_fails": [[1, "bad flavor"]], "tags": ["a", 1]}"#;
        let ReportNode::Dict { entries, .. } = report_tree(json).unwrap() else {
            panic!("not a dict")
        };
        let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["exist_fails", "summary", "tags"]);
        let get = |k: &str| &entries.iter().find(|(key, _)| key == k).unwrap().1;
        assert_eq!(
            *get("exist_fails"),
            ReportNode::Table {
                headers: vec!["Id".into(), "Reason".into()],
                rows: vec![vec![text("1"), text("bad flavor")]],
                hidden: 0
            }
        );
        assert_eq!(
            *get("tags"),
            ReportNode::List {
                items: vec![text("a"), text("1")],
                hidden: 0
            }
        );
    }

    fn depth(n: &ReportNode) -> usize {
        let children: Vec<&ReportNode> = match n {
            ReportNode::List { items, .. } => items.iter().collect(),
            ReportNode::Table { rows, .. } => rows.iter().flatten().collect(),
            ReportNode::Dict { entries, .. } => entries.iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        };
        1 + children.into_iter().map(depth).max().unwrap_or(0)
    }

    #[test]
    fn bounded_depth_and_size() {
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let tree = report_tree(&deep).unwrap();
        assert_eq!(depth(&tree), MAX_DEPTH + 1);
        let many = format!("[{}]", vec!["1"; MAX_ITEMS + 5].join(","));
        assert!(matches!(
            report_tree(&many).unwrap(),
            ReportNode::List { hidden: 5, .. }
        ));
        assert!(report_tree("{").is_err());
    }

    #[test]
    fn durations_in_v2_formats() {
        let d = |s: &str| duration_seconds(&Value::String(s.into()));
        assert_eq!(d("5s"), Some(5.0));
        assert_eq!(d("4:05s"), Some(245.0));
        assert_eq!(d("01:02:03"), Some(3723.0));
        assert_eq!(d("n/a"), None);
        assert_eq!(duration_seconds(&serde_json::json!(1.5)), Some(1.5));
    }

    #[test]
    fn kpi_chart_of_pretty_layout() {
        let json = r#"[{"percentile": 97}, ["Operation", "Image", "OS Type", "Min", "Max", "Med", "97%", "Requests"],
            ["create", "base", "linux", "5s", "01:00:00", "1:00s", "10:00s", 4], ["bad"]]"#;
        let chart = kpi_chart(json).unwrap();
        assert_eq!(chart.percentile_label, "97%");
        assert_eq!(
            chart.ops,
            vec![OpPercentiles {
                label: "create · base · linux".into(),
                min: 5.0,
                median: Some(60.0),
                percentile: Some(600.0),
                max: 3600.0
            }]
        );
        assert!(kpi_chart(r#"{"a": 1}"#).is_none());
    }
}
