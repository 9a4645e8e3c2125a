//! One event in full (the event page) and one quarantined message (the status page).

use serde::{Deserialize, Serialize};

use super::event::EventRow;
use super::time::Micros;

/// Everything stored about one event, typed: the event page formats it, `/api/v1/events/{id}`
/// serves it as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetail {
    /// The columns the event tables show (and link from).
    pub row: EventRow,
    /// Every other stored column.
    pub columns: EventColumns,
    /// The notification body as stored (JSON). Untrusted: shown as text only.
    pub json: String,
}

/// The stored columns of one event beyond its table row, in table order; unset (NULL) ones
/// are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventColumns {
    pub message_id: Option<String>,
    /// `message_id`, or a hash of the body when there is none.
    pub dedupe_key: String,
    /// When StackTach received it.
    pub received: Micros,
    pub state: Option<String>,
    pub old_state: Option<String>,
    pub old_task: Option<String>,
    pub task: Option<String>,
    /// v2's image type bit code.
    pub image_type: Option<i64>,
    /// The flags `image_type` sets (`base`, `linux`, `ubuntu`, …), in flag order: decoded on
    /// the server, where the flag table lives.
    pub image_type_names: Vec<String>,
    pub image_status: Option<String>,
    pub image_uuid: Option<String>,
    pub image_size: Option<i64>,
    pub os_architecture: Option<String>,
    pub os_distro: Option<String>,
    pub os_version: Option<String>,
    pub rax_options: Option<String>,
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
