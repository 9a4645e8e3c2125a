//! The verifier's progress for the Usage overview: the exists of one table per status and send
//! status, in all (the counts migration 0019's triggers keep) and for the latest audit periods.
//!
//! Counting every exists row per period on each view grew with the table (61–200 ms at a
//! million events, where nearly every exists row has a period of its own). The latest periods
//! are found instead by probing `(audit_period_ending, …)` (`*_exists_period`, migration 0011)
//! for the next lower ending, one index lookup per period, and only the rows of those periods
//! are counted, by the same covering index. What that still reads grows with the periods'
//! size: a day of glance image exists is about 11,000 rows at a million events.

use std::cmp::Ordering;

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::exists_counts::ExistsCount;
use crate::store::sql::Sql;
use crate::store::text::Text;
use crate::store::verifier::exists_table;
use crate::verifier::model::Service;

/// How many exists of one audit period have one status and send status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProgressCount {
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub status: String,
    pub send_status: i64,
    pub n: i64,
}

/// One exists table's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistsProgress {
    /// Every row, per (status, send status).
    pub all: Vec<ExistsCount>,
    /// The rows of at least the latest `periods` audit periods asked for (every period whose
    /// ending is among the latest `periods` endings; a period without an ending is older
    /// than any with one), per period, status and send status.
    pub periods: Vec<ProgressCount>,
    /// Whether older periods exist than those counted (rows without an ending count as older).
    pub older: bool,
}

/// The newest audit period ending below `below` (the newest of all when `None`): how
/// [`Store::exists_progress`] walks the endings, newest first, one index lookup each.
fn next_ending(table: &'static str, below: Option<i64>) -> Sql<'static> {
    let mut sql = Sql::new("SELECT MAX(audit_period_ending) FROM ");
    sql.push(table);
    if let Some(below) = below {
        sql.push(" WHERE audit_period_ending < ").int(below);
    }
    sql
}

/// 1 when a row has no audit period ending, else 0 (an index lookup).
fn any_undated(table: &'static str) -> Sql<'static> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM (SELECT 1 AS one FROM ");
    sql.push(table)
        .push(" WHERE audit_period_ending IS NULL LIMIT 1) undated");
    sql
}

/// The rows of the periods ending at or after `from` (a range of the period index), counted
/// per period, status and send status.
fn dated_counts(table: &'static str, from: i64) -> Sql<'static> {
    let mut sql = counts_of(table);
    sql.push(" WHERE audit_period_ending >= ").int(from);
    sql.push(COUNTS_GROUP);
    sql
}

/// The rows without an audit period ending, counted the same way.
fn undated_counts(table: &'static str) -> Sql<'static> {
    let mut sql = counts_of(table);
    sql.push(" WHERE audit_period_ending IS NULL")
        .push(COUNTS_GROUP);
    sql
}

const COUNTS_GROUP: &str =
    " GROUP BY audit_period_beginning, audit_period_ending, status, send_status";

/// The count per period, status and send status of `table`'s rows, before its `WHERE`.
fn counts_of(table: &'static str) -> Sql<'static> {
    let mut sql = Sql::new(
        "SELECT audit_period_beginning, audit_period_ending, status, send_status, COUNT(*) AS n \
         FROM ",
    );
    sql.push(table);
    sql
}

impl Store {
    /// `service`'s exists in all and in its latest `periods` audit periods: at most
    /// `periods + 1` index lookups for the endings, then one count of those periods' rows.
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_progress(
        &self,
        service: Service,
        periods: usize,
    ) -> Result<ExistsProgress, StoreError> {
        let table = exists_table(service);
        let all = self.exists_counts(table).await?;
        let periods = periods.max(1);
        let mut endings: Vec<i64> = Vec::new();
        while endings.len() <= periods {
            let sql = next_ending(table, endings.last().copied());
            let (ending,): (Option<i64>,) = self.fetch_one(&sql).await?;
            match ending {
                Some(ending) => endings.push(ending),
                None => break,
            }
        }
        // With fewer endings than periods, the periods without one are among the latest;
        // with as many, they are the older ones, if any.
        let undated = endings.len() < periods;
        let older = match endings.len().cmp(&periods) {
            Ordering::Greater => true,
            Ordering::Equal => self.fetch_int(&any_undated(table)).await? > 0,
            Ordering::Less => false,
        };
        endings.truncate(periods);
        // Each a range of the period index (one statement with an `OR` of the two was read
        // as a scan of the whole index by SQLite).
        let mut counts = match endings.last() {
            Some(&from) => self.fetch_all(&dated_counts(table, from)).await?,
            None => Vec::new(),
        };
        if undated {
            counts.extend(
                self.fetch_all::<ProgressCount>(&undated_counts(table))
                    .await?,
            );
        }
        Ok(ExistsProgress {
            all,
            periods: counts,
            older,
        })
    }

    /// Every exists row of `service`'s table counted per audit period, status and send
    /// status: what [`Store::exists_progress`]' periods must agree with (the tests compare).
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_progress_scanned(
        &self,
        service: Service,
    ) -> Result<Vec<ProgressCount>, StoreError> {
        let mut sql = counts_of(exists_table(service));
        sql.push(COUNTS_GROUP);
        self.fetch_all(&sql).await
    }
}
