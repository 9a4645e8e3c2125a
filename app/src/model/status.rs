//! The status page and the live hub's activity counters.

use serde::{Deserialize, Serialize};

use super::deployment::{DeploymentSummary, ProcessStatus};
use super::detail::QuarantineRow;
use super::time::Micros;
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
    /// Rows and bytes per table from the newest sample, with the growth over the last day.
    #[serde(default)]
    pub table_sizes: TableSizes,
    /// Every process that beat within the day (the one that answered first, then by host,
    /// kind and start), running, exited or silent.
    #[serde(default)]
    pub processes: Vec<ProcessStatus>,
}

/// The database's tables as the background sampler last measured them (catalog statistics,
/// never a `COUNT(*)`), largest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSizes {
    /// When the newest sample was taken; `None` before the first one.
    pub sampled_at: Option<Micros>,
    /// By bytes, largest first.
    pub tables: Vec<TableSize>,
}

/// One table's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSize {
    pub table: String,
    /// The database's estimate of the rows (see `rows_basis` for where it comes from).
    pub rows: u64,
    pub rows_basis: RowsBasis,
    /// Table, indexes and out-of-line storage (TOAST, overflow pages) together.
    pub bytes: u64,
    /// The change since the sample nearest 24 hours before the newest; `None` while no sample
    /// is that old.
    pub growth: Option<Growth>,
    /// The retention that applies to the table, as the retention settings describe it;
    /// `None` when none does (or none is known to this process).
    pub retention: Option<String>,
}

/// A table's change between two samples (negative when it shrank, e.g. after a prune).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Growth {
    /// When the older sample was taken.
    pub since: Micros,
    pub rows: i64,
    pub bytes: i64,
}

/// Where a table's row estimate comes from; each backend's catalog offers something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowsBasis {
    /// The planner's statistics: PostgreSQL's `reltuples`, MySQL's `TABLE_ROWS`, SQLite's
    /// `sqlite_stat1`.
    Statistics,
    /// PostgreSQL's live-tuple counter (`n_live_tup`), for a table never analysed yet.
    LiveTuples,
    /// SQLite's span of row ids (`max(rowid) - min(rowid) + 1`): exact until rows are
    /// deleted from the middle, an upper bound after.
    RowidRange,
    /// No estimate is available (a SQLite table without row ids and never analysed).
    Unknown,
}

impl RowsBasis {
    /// The name stored with a sample and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Statistics => "statistics",
            Self::LiveTuples => "live_tuples",
            Self::RowidRange => "rowid_range",
            Self::Unknown => "unknown",
        }
    }

    /// The basis named `name` ([`RowsBasis::as_str`]); `Unknown` for any other text.
    pub fn parse(name: &str) -> Self {
        match name {
            "statistics" => Self::Statistics,
            "live_tuples" => Self::LiveTuples,
            "rowid_range" => Self::RowidRange,
            _ => Self::Unknown,
        }
    }

    /// What the status page says about the estimate.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Statistics => "estimate from the planner statistics",
            Self::LiveTuples => "estimate from the live-tuple counter (never analysed yet)",
            Self::RowidRange => "estimate from the span of row ids",
            Self::Unknown => "no estimate available",
        }
    }
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

/// A byte count with its sign: `+1.5 MiB`, `−512 B`, `0 B`.
pub fn format_signed_bytes(n: i64) -> String {
    let size = format_bytes(i64::try_from(n.unsigned_abs()).unwrap_or(i64::MAX));
    match n.signum() {
        1 => format!("+{size}"),
        -1 => format!("\u{2212}{size}"),
        _ => size,
    }
}

/// A count with thousands separated: `1,234,567`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its sign and thousands separated: `+1,234`, `−12`, `0`.
pub fn format_signed_count(n: i64) -> String {
    let count = format_count(n.unsigned_abs());
    match n.signum() {
        1 => format!("+{count}"),
        -1 => format!("\u{2212}{count}"),
        _ => count,
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

    #[test]
    fn signed_sizes_and_counts() {
        assert_eq!(format_signed_bytes(1_572_864), "+1.5 MiB");
        assert_eq!(format_signed_bytes(-512), "\u{2212}512 B");
        assert_eq!(format_signed_bytes(0), "0 B");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_000), "1,000");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_signed_count(12_345), "+12,345");
        assert_eq!(format_signed_count(-7), "\u{2212}7");
        assert_eq!(format_signed_count(0), "0");
    }

    #[test]
    fn rows_basis_round_trips_through_its_stored_name() {
        for basis in [
            RowsBasis::Statistics,
            RowsBasis::LiveTuples,
            RowsBasis::RowidRange,
            RowsBasis::Unknown,
        ] {
            assert_eq!(RowsBasis::parse(basis.as_str()), basis);
            let json = serde_json::to_string(&basis).expect("serialises");
            assert_eq!(json, format!("\"{}\"", basis.as_str()));
        }
        assert_eq!(RowsBasis::parse("other"), RowsBasis::Unknown);
    }
}
