//! One notification of a template, pre-split into literal chunks and slots, with what the
//! generator needs to know about it without rendering it (event type, error routing, the slots
//! of its timestamp and message id, its publisher), and the [`Counts`] of numbered placeholders
//! a template's bodies use.

use serde_json::Value;

use super::slots::{split, whole, Slot};

/// How many values of each numbered placeholder an operation needs.
#[derive(Default, Clone, Copy)]
pub(crate) struct Counts {
    pub uuid: usize,
    pub xuuid: usize,
    pub v4: usize,
    pub v6: usize,
}

/// Which service publishes a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Publisher {
    Api = 0,
    Scheduler = 1,
    Compute = 2,
}

/// One notification of a template, pre-split.
pub(crate) struct Body {
    /// Literal text followed by the slot that comes after it.
    pub parts: Vec<(Box<str>, Slot)>,
    /// Literal text after the last slot.
    pub tail: Box<str>,
    /// Capacity to reserve when rendering.
    pub size_hint: usize,
    pub event_type: String,
    /// `.error` event or `ERROR` priority: published with routing key `monitor.error`.
    pub is_error: bool,
    /// The `DT_n` of the top-level `timestamp` (the emission time).
    pub timestamp_dt: u16,
    /// The `UUID_n` of the top-level `message_id`.
    pub message_id_uuid: u16,
    pub publisher: Publisher,
}

/// Pre-splits one notification of a template and widens `counts` to the slots it uses.
///
/// # Errors
/// A missing `event_type`, a `timestamp` or `message_id` that is not one placeholder, or an
/// unknown placeholder.
pub(crate) fn parse_body(item: &Value, counts: &mut Counts) -> Result<Body, String> {
    let event_type = item["event_type"].as_str().ok_or("no event_type")?;
    let priority = item["priority"].as_str().unwrap_or("INFO");
    let single = |field: &str| {
        let text = item[field].as_str().unwrap_or("");
        whole(text).ok_or_else(|| format!("{field} of {event_type} is not one placeholder"))
    };
    let Slot::Dt(timestamp_dt) = single("timestamp")? else {
        return Err("timestamp is not a DT".into());
    };
    let Slot::Uuid(message_id_uuid) = single("message_id")? else {
        return Err("message_id is not a UUID".into());
    };
    let text = serde_json::to_string(item).map_err(|e| e.to_string())?;
    let (parts, tail) = split(&text)?;
    for (_, slot) in &parts {
        let (count, index) = match *slot {
            Slot::Uuid(i) => (&mut counts.uuid, i),
            Slot::Xuuid(i) => (&mut counts.xuuid, i),
            Slot::V4(i) => (&mut counts.v4, i),
            Slot::V6(i) => (&mut counts.v6, i),
            Slot::Dt(_) | Slot::Named(_) => continue,
        };
        *count = (*count).max(usize::from(index) + 1);
    }
    Ok(Body {
        size_hint: text.len() + parts.len() * 24,
        parts,
        tail,
        event_type: event_type.to_owned(),
        is_error: event_type.ends_with(".error") || priority == "ERROR",
        timestamp_dt,
        message_id_uuid,
        publisher: Publisher::Compute,
    })
}
