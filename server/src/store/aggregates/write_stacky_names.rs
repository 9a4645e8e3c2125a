//! Upserting a batch's event and host names per v2 service into `stacky_names` (migration
//! 0024), keeping the later of the stored and the batch's newest time: any batch, in any
//! order, from any process.
//!
//! Every batch of a busy service updates its names' rows: they come sorted by key
//! ([`crate::aggregate::Writes`]) and are written last in the batch, beside `minute_ids`, so
//! concurrent PostgreSQL batches lock them in one order and hold them only until their
//! commits.

use sqlx::PgConnection;

use super::values::Values;
use crate::aggregate::StackyName;
use crate::store::backend::Conn;
use crate::store::sql::col;

/// Adds `rows` to the stored names.
pub(super) async fn write(conn: &mut Conn<'_>, rows: &[StackyName]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    if let Conn::Postgres(c) = conn {
        return upsert_unnest(c, rows).await;
    }
    let insert = Values {
        head: "INSERT INTO stacky_names (kind, service, name, last_when) ",
        binds_per_row: 4,
        tail: if conn.is_mysql() {
            " ON DUPLICATE KEY UPDATE last_when = GREATEST(last_when, VALUES(last_when))"
        } else {
            " ON CONFLICT (kind, service, name) DO UPDATE SET \
             last_when = MAX(last_when, excluded.last_when)"
        },
    };
    insert
        .execute(conn, rows, |row, r| {
            row.bind(r.kind.as_str())
                .bind(r.service)
                .bind(r.name.as_str())
                .bind(r.last_when);
        })
        .await
}

/// PostgreSQL: one statement whatever the batch's size.
async fn upsert_unnest(c: &mut PgConnection, rows: &[StackyName]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stacky_names (kind, service, name, last_when) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[]) \
         ON CONFLICT (kind, service, name) DO UPDATE SET \
         last_when = GREATEST(stacky_names.last_when, EXCLUDED.last_when)",
    )
    .bind(col(rows, |r| r.kind.as_str()))
    .bind(col(rows, |r| r.service))
    .bind(col(rows, |r| r.name.as_str()))
    .bind(col(rows, |r| r.last_when))
    .execute(c)
    .await?;
    Ok(())
}
