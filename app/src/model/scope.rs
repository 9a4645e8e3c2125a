//! Host and tenant pages: recent events and error counts of one host or tenant.

use serde::{Deserialize, Serialize};

use super::event::EventRow;

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
    /// Error rows among the scanned window, newest first.
    pub recent_errors: Vec<EventRow>,
    /// Per event type over the last 24 hours (by notification time), most frequent first.
    pub by_event: Vec<EventCount>,
    /// Errors in the last hour and the last 24 hours.
    pub errors_hour: i64,
    pub errors_day: i64,
    /// The counts cover only the newest [`ScopeData::SCAN_LIMIT`] events (a busy host).
    pub capped: bool,
}

impl ScopeData {
    /// Newest events scanned for the counts: bounds the page's cost on a busy host.
    pub const SCAN_LIMIT: u32 = 10_000;
}
