//! Retention's SQL: deleting what [`crate::retention::Policy`] no longer keeps, table by
//! table, in bounded chunks, on all three backends.
//!
//! Why it cannot stall ingest: each table is read by id in pages of `chunk` rows (a plain
//! read, no locks); a page's doomed rows are deleted by primary key in one short transaction
//! (`DELETE … WHERE id IN (…)`: no range or gap locks on MySQL, no long lock on SQLite's one
//! writer), and the walk pauses between pages. Why it never leaves a dangling reference: the
//! steps run children before parents, and a row another kept row still points at (a foreign
//! key, or a usage row's raw event) is not doomed; see `steps` and the class table in
//! [`crate::retention`].
//!
//! # Layout
//! - `steps`: [`Step`], one per table: its order, class, conditions and children.
//! - `walk`: [`Store::prune_step`], the paged walk and the chunk deletes.
//! - `refs`: what readers ask after a prune (the oldest kept event id for the live cursor,
//!   which of a page's event ids still exist).
//! - `partition_plan` (pure) and `partition_drop` (its I/O): the events step on PostgreSQL,
//!   whose `raw_events` is partitioned by day (migration 0014): a partition wholly past the
//!   horizon goes as a table, its referenced events moved into a replacement; the other
//!   partitions are walked as above.

mod partition_drop;
mod partition_plan;
mod refs;
mod steps;
mod walk;

use std::time::Duration;

use crate::retention::TableClass;

pub use partition_plan::{PartitionAction, PartitionOutcome};
pub use steps::Step;

/// Rows per page (and so at most per delete transaction) unless configured: small enough
/// that one delete holds SQLite's writer or MySQL's row locks for tens of milliseconds.
pub const DEFAULT_CHUNK: u32 = 1_000;

/// The share of wall time a prune spends in its own statements unless configured: after a
/// page that took `t`, it rests `t × 9`, so ingest keeps about 90 % of the database's time
/// however slow a page is on this database (measured by `stacktach bench-prune`).
pub const DEFAULT_BUSY_SHARE: f64 = 0.1;

/// How a prune runs.
#[derive(Debug, Clone)]
pub struct PruneOptions {
    /// Rows read per page; a page's doomed rows are deleted in one transaction.
    pub chunk: u32,
    /// The least pause between pages, for ingest to get the database.
    pub pause: Duration,
    /// The largest share of wall time spent in the prune's statements (0 < share ≤ 1): the
    /// pause after a page is stretched to `worked × (1 − share) / share` when that is longer
    /// than `pause`. A fixed pause cannot do this: a page takes 5 ms on one database and
    /// 300 ms on another. `1.0`: only `pause`.
    pub busy_share: f64,
    /// Count what would go; delete nothing. Each table is counted as the database is now, so
    /// rows held only by rows an earlier step would delete (a timing by a tracker, a usage
    /// by an exists) are not counted: a real run may delete more.
    pub dry_run: bool,
    /// A dry run stops counting a table after this many pages (its count is then a lower
    /// bound, [`TableOutcome::capped`]); a real run always reads to the cutoff.
    pub max_pages: Option<u32>,
}

impl Default for PruneOptions {
    fn default() -> Self {
        Self {
            chunk: DEFAULT_CHUNK,
            pause: Duration::from_millis(20),
            busy_share: DEFAULT_BUSY_SHARE,
            dry_run: false,
            max_pages: Some(200),
        }
    }
}

impl PruneOptions {
    /// How long to rest after a page whose statements took `worked`.
    #[must_use]
    pub fn rest_after(&self, worked: Duration) -> Duration {
        let share = if self.busy_share.is_finite() {
            self.busy_share.clamp(0.01, 1.0)
        } else {
            1.0
        };
        self.pause.max(worked.mul_f64((1.0 - share) / share))
    }

    /// Rests after a page that took `worked` (yields at least, so a zero rest still lets the
    /// runtime's other tasks in).
    pub(crate) async fn rest(&self, worked: Duration) {
        let rest = self.rest_after(worked);
        if rest.is_zero() {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(rest).await;
        }
    }
}

/// What a prune did to one table (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableOutcome {
    pub table: &'static str,
    pub class: TableClass,
    /// Rows deleted (dry run: rows that would be).
    pub rows: u64,
    /// Delete transactions run (dry run: pages with rows to delete); a partition dropped
    /// counts as one.
    pub chunks: u32,
    /// A dry run stopped counting at [`PruneOptions::max_pages`]: `rows` is a lower bound.
    pub capped: bool,
    pub elapsed: Duration,
    /// PostgreSQL's `raw_events`: the partitions wholly past the horizon, each dropped (its
    /// rows are in `rows` too) or, in a dry run, what would go. Empty for every other table.
    pub partitions: Vec<PartitionOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_keeps_the_prune_to_its_share_of_the_time() {
        let options = PruneOptions::default();
        // A slow page (SQLite deleting wide rows): rest nine times as long.
        assert_eq!(
            options.rest_after(Duration::from_millis(100)),
            Duration::from_millis(900)
        );
        // A quick page: the fixed pause still applies.
        assert_eq!(
            options.rest_after(Duration::from_millis(1)),
            Duration::from_millis(20)
        );
        let flat_out = PruneOptions {
            pause: Duration::ZERO,
            busy_share: 1.0,
            ..PruneOptions::default()
        };
        assert_eq!(flat_out.rest_after(Duration::from_secs(1)), Duration::ZERO);
        // Out-of-range shares are clamped: never a division by zero or a negative rest.
        for share in [0.0, -1.0, f64::NAN, 7.0] {
            let odd = PruneOptions {
                busy_share: share,
                ..flat_out.clone()
            };
            assert!(odd.rest_after(Duration::from_millis(10)) <= Duration::from_secs(1));
        }
    }
}
