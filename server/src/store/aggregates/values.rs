//! The one multi-row form the aggregate writes share ([`Values`]: chunk → `VALUES` →
//! `RETURNING` → ids), and matching returned ids back to the rows that made them
//! ([`ids_by_raw`]).

use std::collections::HashMap;

use crate::store::backend::{Conn, Row};
use crate::store::sql::{rows_per_statement, Sql, Tuple};

/// A multi-row statement, `head VALUES (…), (…) tail`, sent in chunks that fit under the
/// backends' bind limits. Each text changes with its row count, so it is not kept prepared.
pub(super) struct Values<'s> {
    pub head: &'s str,
    pub binds_per_row: usize,
    /// After the rows: `ON CONFLICT …`, `RETURNING …` or, for an `UPDATE … FROM v`, the rest.
    pub tail: &'s str,
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

    /// Runs the statement over `rows`, binding each with `row`.
    pub(super) async fn execute<'a, T>(
        &self,
        conn: &mut Conn<'_>,
        rows: &'a [T],
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<(), sqlx::Error> {
        for chunk in rows.chunks(rows_per_statement(self.binds_per_row)) {
            conn.execute(&self.statement(chunk, &row)).await?;
        }
        Ok(())
    }

    /// Runs the statement over `rows` and collects what its `RETURNING` clause returned.
    pub(super) async fn fetch<'a, T, R: Row>(
        &self,
        conn: &mut Conn<'_>,
        rows: &'a [T],
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<Vec<R>, sqlx::Error> {
        let mut returned = Vec::new();
        for chunk in rows.chunks(rows_per_statement(self.binds_per_row)) {
            returned.extend(conn.fetch_all::<R>(&self.statement(chunk, &row)).await?);
        }
        Ok(returned)
    }

    /// Runs an insert whose `RETURNING` clause gives `(id, raw id)` over `rows`, and answers
    /// the new ids in the order of `rows` (see [`ids_by_raw`]).
    pub(super) async fn insert_ids<'a, T>(
        &self,
        conn: &mut Conn<'_>,
        rows: &'a [T],
        raw_id: impl Fn(&T) -> Option<i64>,
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<Vec<i64>, sqlx::Error> {
        let returned = self.fetch(conn, rows, row).await?;
        Ok(ids_by_raw(rows, returned, raw_id))
    }
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
