//! MySQL forms of the raw-event writes: the keys already stored, and an insert whose ids are
//! read back (MySQL has no `RETURNING`); and the byte budget every multi-row statement of a
//! MySQL batch stays under.
//!
//! Why a byte budget: MySQL refuses a statement larger than `@@max_allowed_packet` and drops
//! the connection, so the batch would fail and be redelivered forever; a multi-row statement
//! is cut by bytes as well as by binds.
//!
//! Why read the ids back instead of counting from the first one: the server reports only the
//! first id a statement generated, and the others need not follow it (with
//! `innodb_autoinc_lock_mode = 2`, MySQL 8's default, or `auto_increment_increment` above 1 on
//! Galera). The batch holds the `ingest_lock` row, so no other writer adds `raw_events` rows
//! meanwhile: the `rows` rows from the first id on are exactly this statement's.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::MySqlConnection;

use crate::store::backend::{insert_mysql, Conn, Db};
use crate::store::sql::Sql;
use crate::store::text::Text;

/// `(id or deployment id, when_us, dedupe_key)` of a stored event.
pub(super) type Key = (i64, i64, String);

/// The stored `(deployment_id, when_us, dedupe_key)` that may be among `keys`: every row of a
/// deployment of `keys` at one of its times, found with one scalar `IN` list per deployment
/// (a range of the unique index `raw_events_dedupe` per time). A row at the same time with
/// another key comes along and matches no key of the batch, which compares keys exactly.
///
/// Why not a row-value list, `(deployment_id, when_us, dedupe_key) IN ((…), …)`: MariaDB's
/// range optimizer spends time quadratic in its length on it. Timed on 10.11 with the `mysql`
/// client, whose start is included: 20 ms for 100 keys, 133 ms for 500, 464 ms for 1,000,
/// against 11–14 ms for the scalar list of the same keys. In ingest's slow log it was 67 ms
/// per batch of 500 for 8 rows read, which made larger batches slower than small ones.
pub(super) async fn stored_keys(
    c: &mut MySqlConnection,
    keys: &[(i64, i64, &str)],
) -> Result<Vec<Key>, sqlx::Error> {
    let mut times: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (deployment, when, _) in keys {
        times.entry(*deployment).or_default().insert(*when);
    }
    let mut stored = Vec::new();
    for (deployment, whens) in times {
        let whens: Vec<i64> = whens.into_iter().collect();
        let mut sql = Sql::new(
            "SELECT deployment_id, when_us, dedupe_key FROM raw_events WHERE deployment_id = ",
        );
        sql.int(deployment)
            .push(" AND when_us IN ")
            .int_list(&whens);
        sql.persistent(false);
        stored.extend(fetch_keys(c, &sql).await?);
    }
    Ok(stored)
}

/// Runs `insert`, an INSERT of `count` rows into `raw_events`, and answers `(id, when_us,
/// dedupe_key)` of each row it stored, in id order.
///
/// # Errors
/// Database errors; a statement that stored other than `count` rows (a protocol error: the
/// caller inserts only keys it found not stored).
pub(super) async fn insert_read_back(
    c: &mut MySqlConnection,
    insert: &Sql<'_>,
    count: usize,
) -> Result<Vec<Key>, sqlx::Error> {
    let (rows, first) = insert_mysql(c, insert).await?;
    if rows != count as u64 {
        return Err(sqlx::Error::Protocol(format!(
            "raw_events insert stored {rows} of {count} rows"
        )));
    }
    let mut sql = Sql::new("SELECT id, when_us, dedupe_key FROM raw_events WHERE id >= ");
    sql.int(first).push(" ORDER BY id LIMIT ").int(count as i64);
    let stored = fetch_keys(c, &sql).await?;
    if stored.len() != count {
        return Err(sqlx::Error::Protocol(format!(
            "raw_events read back {} of {count} inserted rows",
            stored.len()
        )));
    }
    Ok(stored)
}

/// The rows of `sql`, three columns of which the last is text.
async fn fetch_keys(c: &mut MySqlConnection, sql: &Sql<'_>) -> Result<Vec<Key>, sqlx::Error> {
    let mut conn: Conn<'_> = Db::MySql(c);
    let rows: Vec<(i64, i64, Text)> = conn.fetch_all(sql).await?;
    Ok(rows.into_iter().map(|(a, w, k)| (a, w, k.0)).collect())
}

/// The bytes one multi-row statement's values may take on a server whose packet limit is
/// `max_packet`: half of it, leaving room for the statement text and protocol overhead.
/// `None` (no limit) when the backend has no packet limit (SQLite, PostgreSQL).
pub(crate) fn statement_budget(max_packet: Option<u64>) -> Option<usize> {
    max_packet.map(|m| usize::try_from(m / 2).unwrap_or(usize::MAX))
}

/// `rows` cut into runs of at most `max_rows` rows whose `size`s add up to at most `budget`
/// bytes; a row larger than the budget goes alone. Without a budget: `rows.chunks(max_rows)`.
pub(crate) fn chunks<T>(
    rows: &[T],
    max_rows: usize,
    budget: Option<usize>,
    size: impl Fn(&T) -> usize,
) -> Vec<&[T]> {
    let max_rows = max_rows.max(1);
    let Some(budget) = budget else {
        return rows.chunks(max_rows).collect();
    };
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0_usize);
    for (i, row) in rows.iter().enumerate() {
        let row_bytes = size(row);
        let full = i - start == max_rows || bytes.saturating_add(row_bytes) > budget;
        if i > start && full {
            out.push(&rows[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes = bytes.saturating_add(row_bytes);
    }
    if start < rows.len() {
        out.push(&rows[start..]);
    }
    out
}

/// Bytes of an optional text value in a statement (its length; a NULL costs nothing).
pub(crate) fn text_bytes(value: Option<&str>) -> usize {
    value.map_or(0, str::len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_half_the_packet() {
        assert_eq!(statement_budget(None), None);
        assert_eq!(statement_budget(Some(16 << 20)), Some(8 << 20));
    }

    #[test]
    fn chunks_without_budget_are_by_rows() {
        let rows = [1, 2, 3, 4, 5];
        let cut = chunks(&rows, 2, None, |_| usize::MAX);
        assert_eq!(cut, vec![&rows[0..2], &rows[2..4], &rows[4..5]]);
    }

    #[test]
    fn chunks_close_at_the_byte_budget_and_row_limit() {
        let sizes = [4_usize, 4, 4, 9, 1, 1, 1, 1];
        let cut = chunks(&sizes, 3, Some(10), |s| *s);
        assert_eq!(
            cut,
            vec![&sizes[0..2], &sizes[2..3], &sizes[3..5], &sizes[5..8]],
            "4 + 4 + 4 > 10 closes the first, 4 + 9 the second, 9 + 1 + 1 the third"
        );
    }

    #[test]
    fn a_row_over_the_budget_goes_alone() {
        let sizes = [1_usize, 50, 1];
        let cut = chunks(&sizes, 10, Some(10), |s| *s);
        assert_eq!(cut, vec![&sizes[0..1], &sizes[1..2], &sizes[2..3]]);
        let none: [usize; 0] = [];
        assert!(chunks(&none, 10, Some(10), |s| *s).is_empty());
    }
}
