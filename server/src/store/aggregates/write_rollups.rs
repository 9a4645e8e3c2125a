//! Adding a batch's completed timings to `timing_rollups` (migration 0016) and
//! `timing_day_rollups` (0022), and its events to `scope_rollups` (0017): one upsert per chunk
//! that sums counts (and totals, keeping the extremes), so a row takes every batch's share, in
//! any order, from any process.
//!
//! Concurrent PostgreSQL batches that complete timings of the same operation in the same hour,
//! or store events of the same host or tenant, type and hour, update the same rows; the rows
//! come sorted by key ([`crate::aggregate::Writes`]), so two batches lock shared rows in the
//! same order, and the upserts run last in the batch, so the locks are held only until the
//! commit.

use sqlx::PgConnection;

use super::values::Values;
use crate::aggregate::{ScopeRollup, TimingRollup};
use crate::store::backend::Conn;
use crate::store::events::scope_column;
use crate::store::sql::col;

/// Which timing rollups a write adds to: one row per hour (`timing_rollups`, migration
/// 0016) or per UTC day (`timing_day_rollups`, 0022) of the timings' ends.
#[derive(Debug, Clone, Copy)]
pub(super) enum Period {
    Hour,
    Day,
}

/// A timing rollup table's statements, from its name and its period column: SQLite's and
/// MySQL's multi-row head and conflict tails, PostgreSQL's `UNNEST` upsert. Literals, so each
/// statement's text never changes (planned once per connection).
macro_rules! rollup_statements {
    ($table:literal, $key:literal) => {
        [
            concat!(
                "INSERT INTO ", $table,
                " (", $key, ", name, bucket, n, total_us, min_us, max_us) "
            ),
            concat!(
                " ON CONFLICT (", $key, ", name, bucket) DO UPDATE SET n = n + excluded.n, \
                 total_us = total_us + excluded.total_us, min_us = MIN(min_us, excluded.min_us), \
                 max_us = MAX(max_us, excluded.max_us)"
            ),
            " ON DUPLICATE KEY UPDATE n = n + VALUES(n), total_us = total_us + VALUES(total_us), \
             min_us = LEAST(min_us, VALUES(min_us)), max_us = GREATEST(max_us, VALUES(max_us))",
            concat!(
                "INSERT INTO ", $table, " (", $key, ", name, bucket, n, total_us, min_us, max_us) \
                 SELECT * FROM UNNEST($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::int8[], \
                 $6::int8[], $7::int8[]) ON CONFLICT (", $key, ", name, bucket) DO UPDATE SET \
                 n = ", $table, ".n + EXCLUDED.n, \
                 total_us = ", $table, ".total_us + EXCLUDED.total_us, \
                 min_us = LEAST(", $table, ".min_us, EXCLUDED.min_us), \
                 max_us = GREATEST(", $table, ".max_us, EXCLUDED.max_us)"
            ),
        ]
    };
}

impl Period {
    /// The period's statements (`rollup_statements!`).
    fn statements(self) -> [&'static str; 4] {
        match self {
            Self::Hour => rollup_statements!("timing_rollups", "hour_us"),
            Self::Day => rollup_statements!("timing_day_rollups", "day_us"),
        }
    }
}

/// Adds `rows` to the stored timing rollups of `period`.
pub(super) async fn write(
    conn: &mut Conn<'_>,
    period: Period,
    rows: &[TimingRollup],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let [head, sqlite_tail, mysql_tail, unnest] = period.statements();
    if let Conn::Postgres(c) = conn {
        return upsert_unnest(c, unnest, rows).await;
    }
    let insert = Values {
        head,
        binds_per_row: 7,
        tail: if conn.is_mysql() {
            mysql_tail
        } else {
            sqlite_tail
        },
    };
    insert
        .execute(conn, rows, |row, r| {
            row.bind(r.period_us)
                .bind(r.name.as_str())
                .bind(r.bucket)
                .bind(r.count)
                .bind(r.total)
                .bind(r.min_us)
                .bind(r.max_us);
        })
        .await
}

/// PostgreSQL: one statement whatever the batch's size (its text never changes, so it is
/// planned once per connection).
async fn upsert_unnest(
    c: &mut PgConnection,
    statement: &'static str,
    rows: &[TimingRollup],
) -> Result<(), sqlx::Error> {
    sqlx::query(statement)
        .bind(col(rows, |r| r.period_us))
        .bind(col(rows, |r| r.name.as_str()))
        .bind(col(rows, |r| r.bucket))
        .bind(col(rows, |r| r.count))
        .bind(col(rows, |r| r.total))
        .bind(col(rows, |r| r.min_us))
        .bind(col(rows, |r| r.max_us))
        .execute(c)
        .await?;
    Ok(())
}

/// Adds `rows` to the stored host and tenant rollups.
pub(super) async fn write_scopes(
    conn: &mut Conn<'_>,
    rows: &[ScopeRollup],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    if let Conn::Postgres(c) = conn {
        return upsert_scopes_unnest(c, rows).await;
    }
    let insert = Values {
        head: "INSERT INTO scope_rollups (kind, scope, hour_us, event, n, errors) ",
        binds_per_row: 6,
        tail: if conn.is_mysql() {
            " ON DUPLICATE KEY UPDATE n = n + VALUES(n), errors = errors + VALUES(errors)"
        } else {
            " ON CONFLICT (kind, scope, hour_us, event) DO UPDATE SET n = n + excluded.n, \
             errors = errors + excluded.errors"
        },
    };
    insert
        .execute(conn, rows, |row, r| {
            row.bind(scope_column(r.kind))
                .bind(r.scope.as_str())
                .bind(r.hour_us)
                .bind(r.event.as_str())
                .bind(r.count)
                .bind(r.errors);
        })
        .await
}

/// PostgreSQL: [`write_scopes`] as one statement whatever the batch's size.
async fn upsert_scopes_unnest(
    c: &mut PgConnection,
    rows: &[ScopeRollup],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO scope_rollups (kind, scope, hour_us, event, n, errors) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::int8[], \
         $6::int8[]) \
         ON CONFLICT (kind, scope, hour_us, event) DO UPDATE SET \
         n = scope_rollups.n + EXCLUDED.n, errors = scope_rollups.errors + EXCLUDED.errors",
    )
    .bind(col(rows, |r| scope_column(r.kind)))
    .bind(col(rows, |r| r.scope.as_str()))
    .bind(col(rows, |r| r.hour_us))
    .bind(col(rows, |r| r.event.as_str()))
    .bind(col(rows, |r| r.count))
    .bind(col(rows, |r| r.errors))
    .execute(c)
    .await?;
    Ok(())
}
