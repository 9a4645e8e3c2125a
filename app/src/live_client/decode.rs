//! Live feed frames (`LiveMessage` JSON) decoded with the browser's own `JSON.parse`, so the
//! wasm bundle carries no JSON parser.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

use crate::model::{EventRow, LiveMessage, LiveRow, Micros};

/// The keys a frame's objects are read by, as JavaScript strings made once: a key made per
/// lookup is a string copied out of wasm memory and decoded each time, 13 times a row.
struct Keys {
    kind: JsValue,
    rows: JsValue,
    skipped: JsValue,
    pruned: JsValue,
    resume_after: JsValue,
    row: [JsValue; 13],
}

/// The row's keys, in the order [`row`] reads them.
const ROW_KEYS: [&str; 13] = [
    "id",
    "deployment_id",
    "deployment",
    "exchange",
    "routing_key",
    "event",
    "publisher",
    "service",
    "host",
    "when",
    "request_id",
    "instance",
    "tenant",
];

thread_local! {
    static KEYS: Keys = Keys {
        kind: JsValue::from_str("type"),
        rows: JsValue::from_str("rows"),
        skipped: JsValue::from_str("skipped"),
        pruned: JsValue::from_str("pruned"),
        resume_after: JsValue::from_str("resume_after"),
        row: ROW_KEYS.map(JsValue::from_str),
    };
}

fn field(obj: &JsValue, key: &JsValue) -> Option<JsValue> {
    Reflect::get(obj, key).ok()
}

fn text(obj: &JsValue, key: &JsValue) -> Option<String> {
    field(obj, key)?.as_string()
}

/// Integers travel as JSON numbers; ids and microsecond times stay below 2^53.
fn int(obj: &JsValue, key: &JsValue) -> Option<i64> {
    field(obj, key)?.as_f64().map(|f| f as i64)
}

fn row(v: &JsValue, k: &[JsValue; 13]) -> Option<LiveRow> {
    let row = EventRow {
        id: int(v, &k[0])?,
        deployment_id: int(v, &k[1])?,
        deployment: text(v, &k[2])?,
        exchange: text(v, &k[3])?,
        routing_key: text(v, &k[4])?,
        event: text(v, &k[5])?,
        publisher: text(v, &k[6])?,
        service: text(v, &k[7])?,
        host: text(v, &k[8])?,
        when: Micros(int(v, &k[9])?),
        request_id: text(v, &k[10])?,
        instance: text(v, &k[11])?,
        tenant: text(v, &k[12])?,
    };
    // The page has no use for a row's commit time (the feed latency benchmark reads it from
    // the frame itself), so it is not read: one lookup less per row at 1,000 rows a second.
    Some(LiveRow {
        row,
        committed: None,
    })
}

/// One websocket text frame; `None` for anything malformed.
pub fn decode(frame: &str) -> Option<LiveMessage> {
    let v = JSON::parse(frame).ok()?;
    KEYS.with(|k| match text(&v, &k.kind)?.as_str() {
        "rows" => {
            let rows: Array = field(&v, &k.rows)?.dyn_into().ok()?;
            let rows = rows
                .iter()
                .map(|r| row(&r, &k.row))
                .collect::<Option<Vec<_>>>()?;
            // The send time is the benchmark's (it reads it from the frame); not read here.
            Some(LiveMessage::Rows { rows, sent: None })
        }
        "gap" => Some(LiveMessage::Gap {
            skipped: int(&v, &k.skipped)?.max(0) as u64,
        }),
        "pruned" => Some(LiveMessage::Pruned {
            pruned: int(&v, &k.pruned)?.max(0) as u64,
            resume_after: int(&v, &k.resume_after)?,
        }),
        _ => None,
    })
}
