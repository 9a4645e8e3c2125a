//! Stored reports (v2's `JsonReport`): the list and one report with its JSON.

use serde::{Deserialize, Serialize};

use super::time::Micros;

/// A stored report without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub id: i64,
    /// v2's name, e.g. `nova usage audit` or `summary for region: all`.
    pub name: String,
    pub version: i64,
    pub period_start: Micros,
    pub period_end: Micros,
    pub created: Micros,
}

/// The list's filter and page: newest first, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportsQuery {
    /// Only reports with this exact name; empty: all.
    pub name: String,
    /// Reports with a smaller id than this (the next page).
    pub before: Option<i64>,
}

impl ReportsQuery {
    /// Reports per page.
    pub const PAGE: u32 = 50;
}

/// One page of stored reports, and every stored name (for the filter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsPage {
    pub rows: Vec<ReportSummary>,
    pub next_before: Option<i64>,
    /// Distinct names of the stored reports, sorted.
    pub names: Vec<String>,
}

/// One report: its summary and its JSON text as stored (untrusted: rendered as text only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub summary: ReportSummary,
    pub json: String,
}

impl ReportDetail {
    /// Whether this is pretty.py's KPI summary, which gets the percentile chart.
    pub fn is_kpi_summary(&self) -> bool {
        self.summary.name.starts_with("summary for region:")
    }
}
