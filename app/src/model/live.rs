//! The live feed on the wire: its first page (rendered by the server) and the websocket's
//! messages (server → browser).

use serde::{Deserialize, Serialize};

use super::event::EventRow;
use super::filter::EventFilter;

/// One websocket text frame of the live feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// Newly committed rows, oldest first.
    Rows { rows: Vec<EventRow> },
    /// The subscriber fell behind and `skipped` rows were dropped for it; the browser says so
    /// instead of silently missing them.
    Gap { skipped: u64 },
    /// Retention deleted the `pruned` events after the subscriber's cursor; the feed goes on
    /// after `resume_after`, just before the oldest kept event.
    Pruned { pruned: u64, resume_after: i64 },
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
