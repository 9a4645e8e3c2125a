//! Host and tenant pages: recent events and error counts of one host or tenant.

use serde::{Deserialize, Serialize};

use super::event::EventRow;
use super::time::Micros;

/// What a scope page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScopeKind {
    Host,
    Tenant,
}

impl ScopeKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Host => "Host",
            Self::Tenant => "Tenant",
        }
    }
}

/// Events of one type seen in the window, and how many of them were errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCount {
    pub event: String,
    pub count: i64,
    pub errors: i64,
}

/// A host or tenant page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeData {
    pub kind: ScopeKind,
    pub value: String,
    /// Newest first.
    pub recent: Vec<EventRow>,
    /// The newest error events, by notification time, newest first.
    pub recent_errors: Vec<EventRow>,
    /// Per event type, most frequent first, over whole hours of notification time from
    /// `counts_since` on (24 to 25 hours: the rollups count per hour).
    pub by_event: Vec<EventCount>,
    /// The start of the first hour `by_event` counts.
    pub counts_since: Micros,
    /// Errors in the last hour and the last 24 hours (by notification time, exact).
    pub errors_hour: i64,
    pub errors_day: i64,
}
