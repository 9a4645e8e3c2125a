//! The status page and the live hub's activity counters.

use serde::{Deserialize, Serialize};

use super::deployment::DeploymentSummary;
use super::detail::QuarantineRow;
use super::verifier::VerifierStatus;

/// Recent ingest activity of one deployment, counted by the live hub as rows are committed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub deployment_id: i64,
    /// Events committed in the last 60 seconds.
    pub per_minute: u64,
    /// Error events committed in the last hour.
    pub errors_hour: u64,
}

/// The database as the status page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInfo {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// On-disk size in bytes (SQLite: pages × page size; PostgreSQL: `pg_database_size`).
    pub size_bytes: i64,
}

/// Everything the status page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusData {
    pub deployments: Vec<DeploymentSummary>,
    /// Newest first.
    pub quarantine: Vec<QuarantineRow>,
    pub quarantine_total: i64,
    pub database: DbInfo,
    /// Browsers watching a live feed right now.
    pub subscribers: u64,
    /// The usage verifier: exists per status, and its passes when it runs in this process.
    #[serde(default)]
    pub verifier: VerifierStatus,
}

impl StatusData {
    /// Quarantined messages listed.
    pub const QUARANTINE_LIMIT: u32 = 100;
}

/// `1.5 MiB`-style sizes, integer arithmetic only.
pub fn format_bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n.max(0) as u128 * 10;
    let mut unit = 0;
    while value >= 10_240 && unit + 1 < UNITS.len() {
        value /= 1_024;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{}.{} {}", value / 10, value % 10, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(4096), "4.0 KiB");
        assert_eq!(format_bytes(1_572_864), "1.5 MiB");
    }
}
