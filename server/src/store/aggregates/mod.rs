//! The aggregate tables (lifecycles, timings, request trackers, instance and image usage,
//! deletes and exists): loading the state a batch touches, and writing what
//! [`crate::aggregate`] decided, in bulk, inside the batch's transaction.
//!
//! Per batch: at most six SELECTs (one per table the batch touches, `IN` lists) and one
//! multi-row statement per table written; never one round trip per event.
//!
//! # Layout
//! - [`Conn`] and `on_conn!`: one body of SQL code run on either backend's connection.
//! - `load`: the SELECTs; `write_lifecycle`, `write_usage`, `write_image`: the writes.
//! - `read`: queries of the aggregate tables for the pages and APIs.

mod load;
mod read;
mod unnest;
mod write_image;
mod write_lifecycle;
mod write_usage;

pub use read::{InstanceExistsRow, LifecycleRow, TimingRow, TrackerRow, UsageRow};

use sqlx::{PgConnection, QueryBuilder, SqliteConnection};

use super::NewEvent;
use crate::aggregate::{self, Input};

/// A connection (inside a transaction) of either backend.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl<'a> From<&'a mut SqliteConnection> for Conn<'a> {
    fn from(c: &'a mut SqliteConnection) -> Self {
        Self::Sqlite(c)
    }
}

impl<'a> From<&'a mut PgConnection> for Conn<'a> {
    fn from(c: &'a mut PgConnection) -> Self {
        Self::Postgres(c)
    }
}

impl Conn<'_> {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Runs `$body` with `$c` bound to the backend connection (`&mut &mut XConnection`; use
/// `&mut **$c` as the executor). The body is compiled once per backend.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::aggregates::Conn::Sqlite($c) => $body,
            $crate::store::aggregates::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_conn;

/// Bind parameters per statement we stay under (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;

/// Events aggregated per load → aggregate → write round: bounds every `IN` list.
const EVENTS_PER_ROUND: usize = 1_000;

/// Rows of `binds_per_row` parameters that fit in one statement.
pub(super) fn rows_per_statement(binds_per_row: usize) -> usize {
    (MAX_BINDS / binds_per_row.max(1)).max(1)
}

/// A column of `rows` as one array parameter (PostgreSQL's `UNNEST($1::type[], …)`).
pub(crate) fn col<'a, R, T>(rows: &'a [R], f: impl Fn(&'a R) -> T) -> Vec<T> {
    rows.iter().map(f).collect()
}

/// Appends `(v1, v2, ...)` as bind parameters.
pub(super) fn push_in_list<'a, DB>(qb: &mut QueryBuilder<'a, DB>, values: &'a [&'a str])
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push("(");
    let mut list = qb.separated(", ");
    for value in values {
        list.push_bind(*value);
    }
    list.push_unseparated(")");
}

/// Aggregates the newly stored `inserted` events (`(index into events, id)`, in id order).
///
/// Large batches go in consecutive rounds; each round sees the previous one's writes, so the
/// result is the same as one round.
///
/// # Errors
/// Database errors; the caller rolls the whole batch back.
pub(crate) async fn apply(
    conn: &mut Conn<'_>,
    events: &[NewEvent],
    inserted: &[(usize, i64)],
) -> Result<(), sqlx::Error> {
    for round in inserted.chunks(EVENTS_PER_ROUND) {
        let inputs: Vec<Input<'_>> = round
            .iter()
            .map(|&(index, raw_id)| input(&events[index], raw_id))
            .collect();
        apply_round(conn, &inputs).await?;
    }
    Ok(())
}

async fn apply_round(conn: &mut Conn<'_>, inputs: &[Input<'_>]) -> Result<(), sqlx::Error> {
    let keys = aggregate::keys(inputs);
    let stored = load::load(conn, &keys).await?;
    let writes = aggregate::aggregate(inputs, stored);
    if !writes.skipped.is_empty() {
        tracing::debug!(
            count = writes.skipped.len(),
            first = ?writes.skipped[0],
            "Skipped aggregation steps v2 would have abandoned."
        );
    }
    write_lifecycle::write(conn, &writes).await?;
    write_usage::write(conn, &writes).await?;
    write_image::write(conn, &writes).await
}

fn input(event: &NewEvent, raw_id: i64) -> Input<'_> {
    Input {
        raw_id,
        event: &event.event,
        service: &event.service,
        when: event.when_us,
        request_id: &event.request_id,
        instance: event.instance.as_deref(),
        tenant: event.tenant.as_deref(),
        message_id: event.message_id.as_deref(),
        detail: &event.detail,
    }
}
