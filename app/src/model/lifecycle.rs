//! Aggregates of an instance's life: lifecycle, timings, request KPIs and usage rows.

use serde::{Deserialize, Serialize};

use super::{EventRow, Micros};

/// A request's KPI: from its API entry to the latest `.end` of the same request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpi {
    pub request_id: String,
    pub instance: String,
    pub start: Micros,
    /// 0 until an operation of the request ends.
    pub duration_us: i64,
    /// The operation whose `.end` set the duration.
    pub last_operation: Option<String>,
}

/// A `.start`/`.end` pair of one operation; either half may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimingView {
    pub name: String,
    pub start: Option<Micros>,
    pub end: Option<Micros>,
    pub start_id: Option<i64>,
    pub end_id: Option<i64>,
    pub diff_us: Option<i64>,
}

impl TimingView {
    /// v2's state column: `S` start only, `E` end only, `.` both.
    pub fn state(&self) -> &'static str {
        match (self.start.is_some(), self.end.is_some()) {
            (true, true) => ".",
            (true, false) => "S",
            _ => "E",
        }
    }
}

/// The instance's lifecycle row: its latest state and (v2 semantics) *old* task state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleView {
    pub state: String,
    pub task: String,
    pub last_event_id: Option<i64>,
}

/// One of the instance's usage, delete or exists rows, as labelled text columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    /// `usage`, `delete` or `exists`.
    pub kind: String,
    pub launched_at: Option<Micros>,
    pub deleted_at: Option<Micros>,
    /// Kind-specific details, e.g. `("request", "req-…")`, `("status", "pending")`.
    pub details: Vec<(String, String)>,
    /// The event the row came from, when known.
    pub raw_id: Option<i64>,
}

/// Everything the instance page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceData {
    pub instance: String,
    pub lifecycle: Option<LifecycleView>,
    /// Oldest first (by notification time).
    pub events: Vec<EventRow>,
    /// More events exist than [`InstanceData::EVENT_LIMIT`].
    pub events_capped: bool,
    pub timings: Vec<TimingView>,
    pub requests: Vec<Kpi>,
    pub usage: Vec<UsageLine>,
}

impl InstanceData {
    /// Events shown on the page; the search page has the rest.
    pub const EVENT_LIMIT: u32 = 2_000;
}

/// The request page: its events in order and its end-to-end duration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestData {
    pub request_id: String,
    /// Oldest first (by notification time).
    pub rows: Vec<EventRow>,
    /// Last event time − first event time.
    pub duration_us: Option<i64>,
    pub kpi: Option<Kpi>,
}

impl RequestData {
    /// Events shown on the page.
    pub const EVENT_LIMIT: u32 = 2_000;
}
