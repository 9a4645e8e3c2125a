//! The live feed on the wire: its first page (rendered by the server) and the websocket's
//! messages (server → browser).

use serde::{Deserialize, Serialize};

use super::event::EventRow;
use super::filter::EventFilter;
use super::time::Micros;

/// One websocket text frame of the live feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// Newly committed rows, oldest first.
    Rows {
        rows: Vec<LiveRow>,
        /// When the server handed the frame to the socket (UTC µs): with the rows' commit
        /// times it splits the feed's latency into the server's part and the browser's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent: Option<Micros>,
    },
    /// The subscriber fell behind and `skipped` rows were dropped for it; the browser says so
    /// instead of silently missing them.
    Gap { skipped: u64 },
    /// Retention deleted the `pruned` events after the subscriber's cursor; the feed goes on
    /// after `resume_after`, just before the oldest kept event.
    Pruned { pruned: u64, resume_after: i64 },
}

/// One row of the live feed as the server pushes it.
///
/// The commit time lets a client measure commit → screen instead of bounding it (the feed
/// latency benchmark reads it from the frames). It travels as one more field of the row's
/// JSON object, and only when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRow {
    #[serde(flatten)]
    pub row: EventRow,
    /// When the transaction that stored the row returned from its commit (UTC µs), if the
    /// pushing process committed it itself; `None` for rows committed by another process and
    /// for a subscriber's backfill, which is read from the database long after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed: Option<Micros>,
}

impl LiveRow {
    /// A row read from the database, whose commit time nobody here saw.
    pub fn stored(row: EventRow) -> Self {
        Self {
            row,
            committed: None,
        }
    }
}

/// The first page of a live feed: its title and the newest matching rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedData {
    pub filter: EventFilter,
    /// "All" or the deployment's name.
    pub title: String,
    /// Newest first.
    pub rows: Vec<EventRow>,
    /// The id the websocket resumes after: every matching row up to it is in `rows` (or older
    /// than the page), so the socket backfills exactly what is missing, even when `rows` is
    /// empty.
    pub cursor: i64,
}
