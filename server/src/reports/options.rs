//! [`BuildOptions`]: what a report is built for, and the period that makes for each report.

use super::kind::ReportKind;
use super::period::{Period, PeriodLength};

/// What a report is built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    pub length: PeriodLength,
    /// `--date` (UTC µs): the reference time or the start of the period, per report.
    pub date: Option<i64>,
    /// `--region` (the summary only): a substring of the deployment names, any case.
    pub region: Option<String>,
    /// Now (UTC µs): the default reference time.
    pub now: i64,
}

impl BuildOptions {
    /// The period `kind` covers.
    pub fn period(&self, kind: ReportKind) -> Period {
        if kind.date_starts_period() {
            Period::starting(self.date, self.now, self.length)
        } else {
            Period::before(self.date.unwrap_or(self.now), self.length)
        }
    }
}
