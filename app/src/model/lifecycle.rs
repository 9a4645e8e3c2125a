//! Aggregates of an instance's life: lifecycle, timings, request KPIs and usage rows.

use serde::{Deserialize, Serialize};

use super::event::EventRow;
use super::time::Micros;

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

/// The table a [`UsageLine`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UsageKind {
    /// A launch (v2's `InstanceUsage`).
    Usage,
    /// A deletion (`InstanceDeletes`).
    Delete,
    /// An audit-period record (`InstanceExists`).
    Exists,
}

impl UsageKind {
    /// The word the instance page and the API show.
    pub fn label(self) -> &'static str {
        match self {
            Self::Usage => "usage",
            Self::Delete => "delete",
            Self::Exists => "exists",
        }
    }
}

/// One of the instance's usage, delete or exists rows. The kind-specific columns are `None`
/// where the kind has no such column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub kind: UsageKind,
    pub launched_at: Option<Micros>,
    pub deleted_at: Option<Micros>,
    /// `usage`: the request that launched the instance.
    pub request_id: Option<String>,
    /// `exists`: the verification status, e.g. `pending`.
    pub status: Option<String>,
    /// `exists`: the audit period the row covers.
    pub audit_period_beginning: Option<Micros>,
    pub audit_period_ending: Option<Micros>,
    /// `usage` and `exists`.
    pub instance_type_id: Option<String>,
    /// `usage`.
    pub instance_flavor_id: Option<String>,
    /// `usage`.
    pub tenant: Option<String>,
    /// `usage`.
    pub os_distro: Option<String>,
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
