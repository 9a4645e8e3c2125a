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

/// Rows per page (and so at most per delete transaction) unless configured.
pub const DEFAULT_CHUNK: u32 = 5_000;

/// How a prune runs.
#[derive(Debug, Clone)]
pub struct PruneOptions {
    /// Rows read per page; a page's doomed rows are deleted in one transaction.
    pub chunk: u32,
    /// The pause between pages, for ingest to get the database.
    pub pause: Duration,
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
            dry_run: false,
            max_pages: Some(200),
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
