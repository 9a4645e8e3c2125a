//! Messages of the live feed websocket (server → browser).

use serde::{Deserialize, Serialize};

use super::EventRow;

/// One websocket text frame of the live feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// Newly committed rows, oldest first.
    Rows { rows: Vec<EventRow> },
    /// The subscriber fell behind and `skipped` rows were dropped for it; the browser says so
    /// instead of silently missing them.
    Gap { skipped: u64 },
}
