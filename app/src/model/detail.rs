//! One event in full (the event page) and one quarantined message (the status page).

use serde::{Deserialize, Serialize};

use super::{EventRow, Micros};

/// Everything stored about one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetail {
    /// The columns the event tables show (and link from).
    pub row: EventRow,
    /// Every other stored column as (name, value) text, in table order; NULL shows as "".
    pub columns: Vec<(String, String)>,
    /// The notification body, pretty-printed on the server. Untrusted: shown as text only.
    pub json: String,
}

/// A quarantined message as the status page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineRow {
    pub id: i64,
    pub deployment: String,
    pub exchange: String,
    pub routing_key: String,
    /// Why it could not be parsed.
    pub error: String,
    pub received: Micros,
    /// Size of the stored body in bytes.
    pub size: i64,
}

/// A quarantined message's stored bytes, made readable without trusting them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineDetail {
    pub row: QuarantineRow,
    /// The body as UTF-8, invalid sequences replaced by U+FFFD.
    pub text: String,
    /// A hex dump (offset, 16 bytes, ASCII) of at most [`QuarantineDetail::HEX_LIMIT`] bytes.
    pub hex: String,
    /// The body is longer than the hex dump.
    pub hex_truncated: bool,
}

impl QuarantineDetail {
    /// Bytes shown in the hex dump; the text view always has all of them.
    pub const HEX_LIMIT: usize = 16 * 1024;
}
