//! The verifier's progress as the Usage section shows it: exists counted by status and by send
//! status class, over all periods and per audit period.

use serde::{Deserialize, Serialize};

use super::time::Micros;
use super::usage::{UsageService, EXISTS_STATUSES};

/// The class of an exists row's `send_status` (the HTTP status the billing feed confirmed
/// through `/db/confirm/*`; 0 until then), as v2's nova usage audit counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SendClass {
    Unsent,
    Success,
    Redirect,
    ClientError,
    ServerError,
    /// Anything else (negative or out-of-range codes).
    Other,
}

impl SendClass {
    pub const ALL: [Self; 6] = [
        Self::Unsent,
        Self::Success,
        Self::Redirect,
        Self::ClientError,
        Self::ServerError,
        Self::Other,
    ];

    pub fn of(send_status: i64) -> Self {
        match send_status {
            0 => Self::Unsent,
            200..=299 => Self::Success,
            300..=399 => Self::Redirect,
            400..=499 => Self::ClientError,
            500..=599 => Self::ServerError,
            _ => Self::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unsent => "unsent",
            Self::Success => "2xx",
            Self::Redirect => "3xx",
            Self::ClientError => "4xx",
            Self::ServerError => "5xx",
            Self::Other => "other",
        }
    }
}

/// Exists counts of one audit period (or of all of them), by status and by send class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRow {
    /// `None` for the row of all periods (and for glance exists without a period).
    pub beginning: Option<Micros>,
    pub ending: Option<Micros>,
    /// Indexed like [`EXISTS_STATUSES`]; statuses outside it are not counted here.
    pub by_status: Vec<u64>,
    /// Indexed like [`SendClass::ALL`].
    pub by_send: Vec<u64>,
    pub total: u64,
}

impl ProgressRow {
    /// An empty row for a period.
    pub fn new(beginning: Option<Micros>, ending: Option<Micros>) -> Self {
        Self {
            beginning,
            ending,
            by_status: vec![0; EXISTS_STATUSES.len()],
            by_send: vec![0; SendClass::ALL.len()],
            total: 0,
        }
    }

    /// Adds `count` exists of `status` and `send_status`.
    pub fn add(&mut self, status: &str, send_status: i64, count: u64) {
        if let Some(i) = EXISTS_STATUSES.iter().position(|s| *s == status) {
            self.by_status[i] += count;
        }
        let class = SendClass::of(send_status);
        if let Some(i) = SendClass::ALL.iter().position(|c| *c == class) {
            self.by_send[i] += count;
        }
        self.total += count;
    }

    /// The share of exists the verifier is done with (verified, reconciled, failed,
    /// sent_failed), in percent; `sent_unverified` rows still await verification.
    pub fn done_percent(&self) -> f64 {
        let done: u64 = EXISTS_STATUSES
            .iter()
            .zip(&self.by_status)
            .filter(|(s, _)| matches!(**s, "verified" | "reconciled" | "failed" | "sent_failed"))
            .map(|(_, n)| n)
            .sum();
        if self.total == 0 {
            100.0
        } else {
            done as f64 * 100.0 / self.total as f64
        }
    }
}

/// One service's verifier progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceProgress {
    pub service: UsageService,
    /// Every exists of the service.
    pub all: ProgressRow,
    /// The latest audit periods (by ending), newest first, at most
    /// [`UsageOverview::PERIODS`].
    pub periods: Vec<ProgressRow>,
    /// Whether older periods exist than those listed (the `all` row counts them; the exists
    /// table lists their rows). Not counted: that would read every exists row.
    pub older_periods: bool,
}

/// The Usage section's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageOverview {
    pub services: Vec<ServiceProgress>,
}

impl UsageOverview {
    /// Audit periods listed per service.
    pub const PERIODS: usize = 10;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_classes_and_progress() {
        let classes: Vec<_> = [0, 201, 302, 404, 503, -1]
            .into_iter()
            .map(|s| SendClass::of(s).label())
            .collect();
        assert_eq!(classes, ["unsent", "2xx", "3xx", "4xx", "5xx", "other"]);
        let mut row = ProgressRow::new(None, None);
        row.add("verified", 201, 3);
        row.add("pending", 0, 1);
        row.add("unknown", 0, 1);
        assert_eq!(row.by_status[2], 3);
        assert_eq!(row.by_status[0], 1);
        assert_eq!(row.by_send, [2, 3, 0, 0, 0, 0]);
        assert_eq!(row.total, 5);
        assert!((row.done_percent() - 60.0).abs() < 1e-9);
        assert!((ProgressRow::new(None, None).done_percent() - 100.0).abs() < 1e-9);
    }
}
