//! One event's every stored column, typed; a quarantined message's bytes made readable.

use std::fmt::Write;

use app::model::{EventColumns, EventDetail, Micros, QuarantineDetail};

use crate::notification::image_type;
use crate::store::{QuarantineRecord, Store, StoreError};

/// The event page's (and `/api/v1/events/{id}`'s) data: the table row, every other stored
/// column, and the notification as stored.
pub(super) async fn event(store: &Store, id: i64) -> Result<Option<EventDetail>, StoreError> {
    let Some((row, c)) = store.event_detail(id).await? else {
        return Ok(None);
    };
    let columns = EventColumns {
        message_id: c.message_id,
        dedupe_key: c.dedupe_key,
        received: Micros(c.received_us),
        state: c.state,
        old_state: c.old_state,
        old_task: c.old_task,
        task: c.task,
        image_type: c.image_type,
        image_type_names: c.image_type.map_or_else(Vec::new, |code| {
            let names = image_type::readable(code);
            names.into_iter().map(str::to_owned).collect()
        }),
        image_status: c.image_status,
        image_uuid: c.image_uuid,
        image_size: c.image_size,
        os_architecture: c.os_architecture,
        os_distro: c.os_distro,
        os_version: c.os_version,
        rax_options: c.rax_options,
    };
    Ok(Some(EventDetail {
        row,
        columns,
        json: c.json,
    }))
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
}
