//! One event's every column and pretty JSON; a quarantined message's bytes made readable.

use std::fmt::Write;

use app::model::{format_micros, EventDetail, Micros, QuarantineDetail};

use crate::notification::image_type;
use crate::store::{QuarantineRecord, Store, StoreError};

/// The event page's data: the table row, every other column as text, the JSON pretty-printed.
pub(super) async fn event(store: &Store, id: i64) -> Result<Option<EventDetail>, StoreError> {
    let Some((row, c)) = store.event_detail(id).await? else {
        return Ok(None);
    };
    let text = |v: Option<String>| v.unwrap_or_default();
    let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let image_type = c.image_type.map_or_else(String::new, |code| {
        let names = image_type::readable(code);
        if names.is_empty() {
            code.to_string()
        } else {
            format!("{code} ({})", names.join(", "))
        }
    });
    let columns = vec![
        ("message_id", text(c.message_id)),
        ("dedupe_key", c.dedupe_key),
        ("received", format_micros(Micros(c.received_us))),
        ("state", text(c.state)),
        ("old_state", text(c.old_state)),
        ("old_task", text(c.old_task)),
        ("task", text(c.task)),
        ("image_type", image_type),
        ("image_status", text(c.image_status)),
        ("image_uuid", text(c.image_uuid)),
        ("image_size", number(c.image_size)),
        ("os_architecture", text(c.os_architecture)),
        ("os_distro", text(c.os_distro)),
        ("os_version", text(c.os_version)),
        ("rax_options", text(c.rax_options)),
    ];
    Ok(Some(EventDetail {
        row,
        columns: columns
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        json: pretty(&c.json),
    }))
}

/// The JSON body pretty-printed; text that is not JSON (it always is, but it is untrusted)
/// is shown as stored.
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}

/// A quarantined message as lossy UTF-8 text and a hex dump.
pub(super) fn quarantined(record: QuarantineRecord) -> QuarantineDetail {
    let shown = &record.body[..record.body.len().min(QuarantineDetail::HEX_LIMIT)];
    QuarantineDetail {
        text: String::from_utf8_lossy(&record.body).into_owned(),
        hex: hex_dump(shown),
        hex_truncated: record.body.len() > QuarantineDetail::HEX_LIMIT,
        row: record.row,
    }
}

/// `00000000  7b 22 61 22 …  |{"a"…|`: offset, 16 bytes in hex, printable ASCII.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x} ", i * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => {
                    let _ = write!(out, " {b:02x}");
                }
                None => out.push_str("   "),
            }
        }
        out.push_str("  |");
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dumps_bytes_as_text() {
        let dump = hex_dump(b"{\"a\":1}\xff<b>");
        assert_eq!(
            dump,
            "00000000  7b 22 61 22 3a 31 7d ff 3c 62 3e                 |{\"a\":1}.<b>|\n"
        );
        assert_eq!(hex_dump(&[0u8; 17]).lines().count(), 2);
    }

    #[test]
    fn pretty_prints_json_and_keeps_other_text() {
        assert_eq!(
            pretty(r#"{"a":[1,2]}"#),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
        assert_eq!(pretty("not json <x>"), "not json <x>");
    }
}
