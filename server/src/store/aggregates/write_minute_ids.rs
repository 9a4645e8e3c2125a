//! Widening `minute_ids` (migration 0018) by a batch's events: one upsert that keeps the lower
//! lowest id and the higher highest id and adds the count, so a row takes every batch's
//! share, in any order, from any process.
//!
//! Every batch of a busy minute updates that minute's row: the rows come sorted by minute
//! ([`crate::aggregate::Writes`]) and are written last in the batch, so concurrent PostgreSQL
//! batches lock them in one order and hold them only until their commits.

use sqlx::PgConnection;

use super::values::Values;
use crate::aggregate::MinuteIds;
use crate::store::backend::Conn;
use crate::store::sql::col;

/// Widens the stored id ranges by `rows`.
pub(super) async fn write(conn: &mut Conn<'_>, rows: &[MinuteIds]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    if let Conn::Postgres(c) = conn {
        return upsert_unnest(c, rows).await;
    }
    let insert = Values {
        head: "INSERT INTO minute_ids (minute_us, min_id, max_id, n) ",
        binds_per_row: 4,
        tail: if conn.is_mysql() {
            " ON DUPLICATE KEY UPDATE min_id = LEAST(min_id, VALUES(min_id)), \
             max_id = GREATEST(max_id, VALUES(max_id)), n = n + VALUES(n)"
        } else {
            " ON CONFLICT (minute_us) DO UPDATE SET min_id = MIN(min_id, excluded.min_id), \
             max_id = MAX(max_id, excluded.max_id), n = n + excluded.n"
        },
    };
    insert
        .execute(conn, rows, |row, r| {
            row.bind(r.minute_us)
                .bind(r.min_id)
                .bind(r.max_id)
                .bind(r.events);
        })
        .await
}

/// PostgreSQL: one statement whatever the batch's size.
async fn upsert_unnest(c: &mut PgConnection, rows: &[MinuteIds]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO minute_ids (minute_us, min_id, max_id, n) \
         SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::int8[], $4::int8[]) \
         ON CONFLICT (minute_us) DO UPDATE SET \
         min_id = LEAST(minute_ids.min_id, EXCLUDED.min_id), \
         max_id = GREATEST(minute_ids.max_id, EXCLUDED.max_id), n = minute_ids.n + EXCLUDED.n",
    )
    .bind(col(rows, |r| r.minute_us))
    .bind(col(rows, |r| r.min_id))
    .bind(col(rows, |r| r.max_id))
    .bind(col(rows, |r| r.events))
    .execute(c)
    .await?;
    Ok(())
}
