//! The database's size per table, measured from what each backend's catalog already knows
//! (never a `COUNT(*)`, which reads a whole table), and `table_size_samples`, where the
//! background sampler (`crate::telemetry::table_sizes`) keeps what it measured.
//!
//! How each backend measures ([`Store::measure_table_sizes`]):
//! - **PostgreSQL**: every table of the current schema, a partitioned one as the sum of its
//!   partitions. Bytes: `pg_total_relation_size` (table, indexes and TOAST). Rows:
//!   `pg_class.reltuples`, the planner's estimate as of the last `ANALYZE` or `VACUUM`; a table
//!   never analysed (`reltuples` −1, or 0 with no pages before PostgreSQL 14) falls back to
//!   the statistics system's live-tuple counter (`n_live_tup`), and says so
//!   ([`RowsBasis::LiveTuples`]). Catalog reads only: cheap at any size.
//! - **MySQL/MariaDB**: `information_schema.TABLES` of the current database: `TABLE_ROWS`
//!   (InnoDB's estimate) and `DATA_LENGTH + INDEX_LENGTH`. Catalog reads only.
//! - **SQLite**: bytes from the `dbstat` virtual table (compiled into the bundled SQLite), one
//!   aggregate row per b-tree, indexes added to their table. `dbstat` visits every page of the
//!   file, so only the background sampler measures, never a request. Rows: the span of row ids,
//!   `max(rowid) - min(rowid) + 1` (two b-tree descents, [`RowsBasis::RowidRange`]); a table
//!   without row ids takes `sqlite_stat1`'s count when `ANALYZE` ever ran, else
//!   [`RowsBasis::Unknown`].
//!
//! Samples are kept one per table and hour ([`SAMPLE_HOUR`]) and pruned after
//! [`SAMPLES_KEPT`], so the table holds a few thousand rows at most.

use std::collections::{BTreeMap, BTreeSet};

use app::model::RowsBasis;

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;

/// The microseconds of one sample slot: a later sample of the same table in the same hour
/// replaces the earlier one.
pub const SAMPLE_HOUR: i64 = 3_600_000_000;

/// How long samples are kept (microseconds): a week and a day, more than the day the status
/// page compares with.
pub const SAMPLES_KEPT: i64 = 8 * 24 * SAMPLE_HOUR;

/// One table's size now, as measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSizeNow {
    pub table: String,
    /// The backend's estimate of the rows (never negative).
    pub rows: i64,
    pub rows_basis: RowsBasis,
    /// Table, indexes and out-of-line storage together.
    pub bytes: i64,
}

/// One stored sample of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSizeSample {
    /// When it was measured (UTC µs).
    pub sampled_at: i64,
    pub size: TableSizeNow,
}

/// A stored sample as it is read.
#[derive(sqlx::FromRow)]
struct SampleRow {
    #[sqlx(try_from = "Text")]
    table_name: String,
    sampled_at: i64,
    row_count: i64,
    total_bytes: i64,
    #[sqlx(try_from = "Text")]
    rows_basis: String,
}

/// One PostgreSQL relation (a table or a partition) with the table it belongs to.
#[derive(sqlx::FromRow)]
struct PgRelation {
    #[sqlx(try_from = "Text")]
    name: String,
    reltuples: i64,
    relpages: i64,
    live: i64,
    bytes: i64,
}

/// Every table of the current schema (partitions under their root), its catalog estimates
/// and its total size. `relkind = 'r'`: plain tables and partitions (a partitioned parent has
/// no storage of its own).
const PG_SIZES: &str = "SELECT root.relname::text AS name, \
     CAST(c.reltuples AS BIGINT) AS reltuples, CAST(c.relpages AS BIGINT) AS relpages, \
     COALESCE(s.n_live_tup, 0) AS live, pg_total_relation_size(c.oid) AS bytes \
     FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_class root ON root.oid = COALESCE(pg_partition_root(c.oid), c.oid) \
     LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid \
     WHERE n.nspname = current_schema() AND c.relkind = 'r'";

/// Every base table of the current database: InnoDB's row estimate, data and index bytes
/// (UNSIGNED columns, cast to decode as `i64`).
const MYSQL_SIZES: &str = "SELECT TABLE_NAME, \
     CAST(COALESCE(TABLE_ROWS, 0) AS SIGNED), \
     CAST(COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS SIGNED) \
     FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";

impl Store {
    /// Every table's rows and bytes now, from catalog statistics (how, per backend: the
    /// module's documentation). Largest first.
    ///
    /// # Errors
    /// Database errors; on SQLite also a library built without `dbstat`.
    pub async fn measure_table_sizes(&self) -> Result<Vec<TableSizeNow>, StoreError> {
        let mut sizes = match self {
            Self::Postgres(_) => {
                let rows: Vec<PgRelation> = self.fetch_all(&Sql::new(PG_SIZES)).await?;
                sum_partitions(rows)
            }
            Self::MySql(_) => {
                let rows: Vec<(Text, i64, i64)> = self.fetch_all(&Sql::new(MYSQL_SIZES)).await?;
                rows.into_iter()
                    .map(|(name, rows, bytes)| TableSizeNow {
                        table: name.into(),
                        rows: rows.max(0),
                        rows_basis: RowsBasis::Statistics,
                        bytes: bytes.max(0),
                    })
                    .collect()
            }
            Self::Sqlite(_) => sqlite_sizes(self).await?,
        };
        sizes.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.table.cmp(&b.table)));
        Ok(sizes)
    }

    /// Stores `sizes` as measured at `at` (UTC µs), replacing a sample of the same table taken
    /// earlier in the same hour (never a later one), then deletes the samples older than
    /// [`SAMPLES_KEPT`].
    ///
    /// # Errors
    /// Database errors.
    pub async fn record_table_sizes(
        &self,
        at: i64,
        sizes: &[TableSizeNow],
    ) -> Result<(), StoreError> {
        if sizes.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new(
            "INSERT INTO table_size_samples \
             (table_name, sample_hour, sampled_at, row_count, total_bytes, rows_basis) ",
        );
        sql.values(sizes, |t, s| {
            t.bind(s.table.as_str())
                .bind(at.div_euclid(SAMPLE_HOUR))
                .bind(at)
                .bind(s.rows)
                .bind(s.bytes)
                .bind(s.rows_basis.as_str());
        });
        sql.persistent(false);
        // The newer sample wins, whichever process stores last; MySQL applies the assignments
        // in order, so `sampled_at` moves last.
        if self.is_mysql() {
            sql.push(
                " ON DUPLICATE KEY UPDATE \
                 row_count = IF(VALUES(sampled_at) >= sampled_at, VALUES(row_count), row_count), \
                 total_bytes = IF(VALUES(sampled_at) >= sampled_at, VALUES(total_bytes), \
                 total_bytes), \
                 rows_basis = IF(VALUES(sampled_at) >= sampled_at, VALUES(rows_basis), rows_basis), \
                 sampled_at = GREATEST(sampled_at, VALUES(sampled_at))",
            );
        } else {
            sql.push(
                " ON CONFLICT (table_name, sample_hour) DO UPDATE SET \
                 sampled_at = excluded.sampled_at, row_count = excluded.row_count, \
                 total_bytes = excluded.total_bytes, rows_basis = excluded.rows_basis \
                 WHERE excluded.sampled_at >= table_size_samples.sampled_at",
            );
        }
        self.execute(&sql).await?;
        let mut prune = Sql::new("DELETE FROM table_size_samples WHERE sampled_at < ");
        prune.int(at - SAMPLES_KEPT);
        self.execute(&prune).await
    }

    /// The samples taken in the `span` microseconds up to the newest one (index
    /// `(sampled_at)`); none before the first sample.
    ///
    /// # Errors
    /// Database errors.
    pub async fn table_size_samples(&self, span: i64) -> Result<Vec<TableSizeSample>, StoreError> {
        let newest = self
            .fetch_int(&Sql::new("SELECT MAX(sampled_at) FROM table_size_samples"))
            .await?;
        let mut sql = Sql::new(
            "SELECT table_name, sampled_at, row_count, total_bytes, rows_basis \
             FROM table_size_samples WHERE sampled_at >= ",
        );
        sql.int(newest - span);
        let rows: Vec<SampleRow> = self.fetch_all(&sql).await?;
        Ok(rows
            .into_iter()
            .map(|r| TableSizeSample {
                sampled_at: r.sampled_at,
                size: TableSizeNow {
                    table: r.table_name,
                    rows: r.row_count,
                    rows_basis: RowsBasis::parse(&r.rows_basis),
                    bytes: r.total_bytes,
                },
            })
            .collect())
    }
}

/// PostgreSQL's relations summed per table (a partitioned table's partitions into it). A
/// relation's rows are `reltuples` once analysed, else the live-tuple counter; a table with
/// any relation on the counter says so, unless that relation is empty (no pages, no live
/// tuples: an empty partition, which PostgreSQL before 14 shows as never analysed) and
/// another relation of the table was analysed.
fn sum_partitions(relations: Vec<PgRelation>) -> Vec<TableSizeNow> {
    let mut tables: BTreeMap<String, TableSizeNow> = BTreeMap::new();
    let mut analysed_any: BTreeSet<String> = BTreeSet::new();
    for r in relations {
        // Never analysed: −1 since PostgreSQL 14; before, 0 with no pages counted either.
        let analysed = r.reltuples > 0 || (r.reltuples == 0 && r.relpages > 0);
        let (rows, basis) = if analysed {
            analysed_any.insert(r.name.clone());
            (r.reltuples, RowsBasis::Statistics)
        } else {
            (r.live.max(0), RowsBasis::LiveTuples)
        };
        let empty = r.relpages == 0 && r.live <= 0;
        let table = tables.entry(r.name.clone()).or_insert(TableSizeNow {
            table: r.name,
            rows: 0,
            rows_basis: RowsBasis::Statistics,
            bytes: 0,
        });
        table.rows += rows;
        table.bytes += r.bytes.max(0);
        if basis == RowsBasis::LiveTuples && !empty {
            table.rows_basis = basis;
        }
    }
    for (name, table) in &mut tables {
        if !analysed_any.contains(name) {
            table.rows_basis = RowsBasis::LiveTuples;
        }
    }
    tables.into_values().collect()
}

/// SQLite: bytes per table from `dbstat` (its indexes added), rows from the row-id span or
/// `sqlite_stat1`. Internal `sqlite_*` tables are left out.
async fn sqlite_sizes(store: &Store) -> Result<Vec<TableSizeNow>, StoreError> {
    let schema: Vec<(Text, Text, Text)> = store
        .fetch_all(&Sql::new(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')",
        ))
        .await?;
    let owner: BTreeMap<String, String> = schema
        .iter()
        .map(|(_, name, table)| (name.0.clone(), table.0.clone()))
        .collect();
    let mut bytes: BTreeMap<String, i64> = BTreeMap::new();
    let pages: Vec<(Text, i64)> = store
        .fetch_all(&Sql::new(
            // `pageno` is the b-tree's page count here; the aggregate `pgsize` is summed in
            // 32 bits by SQLite and wraps past 2 GiB (a 4 GB raw_events read as negative).
            "SELECT name, pageno * (SELECT page_size FROM pragma_page_size()) \
             FROM dbstat WHERE aggregate = 1",
        ))
        .await?;
    for (btree, size) in pages {
        if let Some(table) = owner.get(&btree.0) {
            *bytes.entry(table.clone()).or_default() += size;
        }
    }
    let stat1 = sqlite_stat1(store, &schema).await?;
    let mut sizes = Vec::new();
    for (kind, name, _) in &schema {
        if kind.0 != "table" || name.0.starts_with("sqlite_") {
            continue;
        }
        let (rows, rows_basis) = match rowid_span(store, &name.0).await {
            Ok(rows) => (rows, RowsBasis::RowidRange),
            // No row ids (a `WITHOUT ROWID` table): the statistics, if ever gathered.
            Err(StoreError::Sql(sqlx::Error::Database(_))) => match stat1.get(&name.0) {
                Some(rows) => (*rows, RowsBasis::Statistics),
                None => (0, RowsBasis::Unknown),
            },
            Err(e) => return Err(e),
        };
        sizes.push(TableSizeNow {
            table: name.0.clone(),
            rows,
            rows_basis,
            bytes: bytes.get(&name.0).copied().unwrap_or(0),
        });
    }
    Ok(sizes)
}

/// `max(rowid) - min(rowid) + 1` of `table` (0 when empty): each end one b-tree descent.
/// The name comes from `sqlite_master`, never from a user, and is quoted as an identifier.
async fn rowid_span(store: &Store, table: &str) -> Result<i64, StoreError> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut sql = Sql::new(&format!("SELECT MAX(rowid) - MIN(rowid) + 1 FROM {quoted}"));
    sql.persistent(false);
    Ok(store.fetch_int(&sql).await?.max(0))
}

/// `sqlite_stat1`'s row count per table (the first number of its `stat` column), when
/// `ANALYZE` ever created the table; empty otherwise.
async fn sqlite_stat1(
    store: &Store,
    schema: &[(Text, Text, Text)],
) -> Result<BTreeMap<String, i64>, StoreError> {
    if !schema.iter().any(|(_, name, _)| name.0 == "sqlite_stat1") {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Text, Text)> = store
        .fetch_all(&Sql::new("SELECT tbl, stat FROM sqlite_stat1"))
        .await?;
    let mut counts = BTreeMap::new();
    for (table, stat) in rows {
        let first = stat.0.split(' ').next().and_then(|n| n.parse::<i64>().ok());
        if let Some(n) = first {
            let count = counts.entry(table.0).or_insert(0);
            *count = n.max(*count);
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relation(name: &str, reltuples: i64, relpages: i64, live: i64, bytes: i64) -> PgRelation {
        PgRelation {
            name: name.into(),
            reltuples,
            relpages,
            live,
            bytes,
        }
    }

    #[test]
    fn partitions_add_up_and_a_table_never_analysed_uses_the_live_counter() {
        let tables = sum_partitions(vec![
            relation("raw_events", 1_000, 40, 990, 8192),
            relation("raw_events", -1, 0, 25, 16_384),
            relation("deployments", 3, 1, 3, 8192),
            relation("json_reports", 0, 0, 0, 16_384),
            relation("quarantine", 0, 2, 7, 8192),
            // An analysed partition and an empty one (0 and 0: "never analysed" before 14).
            relation("timings", 50, 3, 50, 8192),
            relation("timings", 0, 0, 0, 8192),
        ]);
        let by_name = |n: &str| tables.iter().find(|t| t.table == n).expect(n).clone();
        let raw = by_name("raw_events");
        assert_eq!((raw.rows, raw.bytes), (1_025, 24_576));
        assert_eq!(raw.rows_basis, RowsBasis::LiveTuples);
        let deployments = by_name("deployments");
        assert_eq!(
            (deployments.rows, deployments.rows_basis),
            (3, RowsBasis::Statistics)
        );
        // PostgreSQL before 14: 0 tuples and 0 pages is "never analysed".
        assert_eq!(by_name("json_reports").rows_basis, RowsBasis::LiveTuples);
        // Analysed and emptied: the statistics say 0.
        let quarantine = by_name("quarantine");
        assert_eq!(
            (quarantine.rows, quarantine.rows_basis),
            (0, RowsBasis::Statistics)
        );
        let timings = by_name("timings");
        assert_eq!(
            (timings.rows, timings.rows_basis),
            (50, RowsBasis::Statistics)
        );
        assert_eq!(tables.len(), 5);
    }
}
