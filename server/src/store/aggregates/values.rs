//! The one multi-row form the aggregate writes share ([`Values`]: chunk → `VALUES` → ids),
//! and matching returned ids back to the rows that made them ([`ids_by_raw`]).
//!
//! Ids come back per backend: `RETURNING` on SQLite and PostgreSQL; on MySQL, which has none,
//! the statement's first id and a read-back of the rows from it on (the batch holds the
//! `ingest_lock` row, so no other writer adds rows to these tables meanwhile; the ids of one
//! statement need not be consecutive, so they are read, not counted).

use std::collections::HashMap;

use crate::store::backend::{insert_mysql, Conn, Row};
use crate::store::events::write_mysql::chunks;
use crate::store::sql::{rows_per_statement, Sql, Tuple};

/// A multi-row statement, `head VALUES (…), (…) tail`, sent in chunks that fit under the
/// backends' bind limits. Each text changes with its row count, so it is not kept prepared.
pub(super) struct Values<'s> {
    pub head: &'s str,
    pub binds_per_row: usize,
    /// After the rows: `ON CONFLICT …`, `RETURNING …` or, for an `UPDATE … FROM v`, the rest.
    pub tail: &'s str,
}

/// What an insert answers per row: `columns` (an id, then the raw id that made the row) of
/// `table`, read back on MySQL.
pub(super) struct Returning<'s> {
    pub table: &'s str,
    pub columns: &'s str,
}

impl Values<'_> {
    /// The statement of one chunk.
    fn statement<'a, T>(
        &self,
        chunk: &'a [T],
        row: &impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Sql<'a> {
        let mut sql = Sql::new(self.head);
        sql.values(chunk, row);
        sql.push(self.tail).persistent(false);
        sql
    }

    /// `rows` cut to fit the bind limit.
    pub(super) fn chunks<'a, T>(&self, rows: &'a [T]) -> Vec<&'a [T]> {
        rows.chunks(rows_per_statement(self.binds_per_row))
            .collect()
    }

    /// `rows` cut to fit the bind limit and, when there is one, the byte `budget` per statement
    /// (MySQL's packet limit), `size` being a row's bytes: for rows with long free text.
    pub(super) fn chunks_within<'a, T>(
        &self,
        rows: &'a [T],
        budget: Option<usize>,
        size: impl Fn(&T) -> usize,
    ) -> Vec<&'a [T]> {
        chunks(rows, rows_per_statement(self.binds_per_row), budget, size)
    }

    /// Runs the statement over `rows`, binding each with `row`.
    pub(super) async fn execute<'a, T>(
        &self,
        conn: &mut Conn<'_>,
        rows: &'a [T],
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<(), sqlx::Error> {
        self.execute_chunks(conn, self.chunks(rows), row).await
    }

    /// Runs the statement once per chunk of `chunks`, binding each row with `row`.
    pub(super) async fn execute_chunks<'a, T>(
        &self,
        conn: &mut Conn<'_>,
        chunks: Vec<&'a [T]>,
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<(), sqlx::Error> {
        for chunk in chunks {
            conn.execute(&self.statement(chunk, &row)).await?;
        }
        Ok(())
    }

    /// Runs the statement once per chunk of `chunks` and collects what its `RETURNING` clause
    /// returned (SQLite and PostgreSQL).
    pub(super) async fn fetch_chunks<'a, T, R: Row>(
        &self,
        conn: &mut Conn<'_>,
        chunks: Vec<&'a [T]>,
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<Vec<R>, sqlx::Error> {
        let mut returned = Vec::new();
        for chunk in chunks {
            returned.extend(conn.fetch_all::<R>(&self.statement(chunk, &row)).await?);
        }
        Ok(returned)
    }

    /// Runs an insert over `rows` that answers `returning`'s `(id, raw id)` per row, and
    /// answers the new ids in the order of `rows` (see [`ids_by_raw`]).
    pub(super) async fn insert_ids<'a, T>(
        &self,
        conn: &mut Conn<'_>,
        rows: &'a [T],
        returning: &Returning<'_>,
        raw_id: impl Fn(&T) -> Option<i64>,
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<Vec<i64>, sqlx::Error> {
        let mut returned: Vec<(i64, i64)> = Vec::with_capacity(rows.len());
        for chunk in self.chunks(rows) {
            let mut sql = self.statement(chunk, &row);
            if let Conn::MySql(c) = conn {
                returned.extend(read_back(c, &sql, chunk.len(), returning).await?);
            } else {
                sql.push(" RETURNING ").push(returning.columns);
                returned.extend(conn.fetch_all::<(i64, i64)>(&sql).await?);
            }
        }
        Ok(ids_by_raw(rows, returned, raw_id))
    }
}

/// MySQL: runs `insert` (of `count` rows) and reads back `returning`'s columns of the rows it
/// inserted, from the statement's first id on.
async fn read_back(
    c: &mut sqlx::MySqlConnection,
    insert: &Sql<'_>,
    count: usize,
    returning: &Returning<'_>,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let (rows, first) = insert_mysql(c, insert).await?;
    let text = format!(
        "SELECT {} FROM {} WHERE id >= ",
        returning.columns, returning.table
    );
    let mut sql = Sql::new(&text);
    sql.int(first).push(" ORDER BY id LIMIT ").int(count as i64);
    let returned: Vec<(i64, i64)> = Conn::MySql(c).fetch_all(&sql).await?;
    if rows != count as u64 || returned.len() != count {
        return Err(sqlx::Error::Protocol(format!(
            "{} insert stored {rows} and read back {} of {count} rows",
            returning.table,
            returned.len()
        )));
    }
    Ok(returned)
}

/// The ids of `rows`, in order, from the `(id, raw id)` pairs their insert returned: each row
/// is found by the raw event that created it (0 when none matches).
pub(super) fn ids_by_raw<T>(
    rows: &[T],
    returned: Vec<(i64, i64)>,
    raw_id: impl Fn(&T) -> Option<i64>,
) -> Vec<i64> {
    let by_raw: HashMap<i64, i64> = returned.into_iter().map(|(id, raw)| (raw, id)).collect();
    rows.iter()
        .map(|r| {
            raw_id(r)
                .and_then(|raw| by_raw.get(&raw).copied())
                .unwrap_or_default()
        })
        .collect()
}
