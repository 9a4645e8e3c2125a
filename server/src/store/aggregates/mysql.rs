//! MySQL forms of the per-batch aggregate writes, where SQLite's differ: upserts as
//! `ON DUPLICATE KEY UPDATE c = VALUES(c)` with the ids then read by key (there is no
//! `RETURNING`), and updates from a list of rows as `UPDATE t JOIN (SELECT … UNION ALL …) v`
//! (there is no `UPDATE … FROM`, and MariaDB has no `WITH … UPDATE`).
//!
//! Why not `INSERT IGNORE` for "do nothing": it also turns data errors (a value too long, a
//! NULL into NOT NULL) into warnings and stores a truncated or default value; the no-op
//! assignment `k = k` skips only the duplicate key.
//! Why ids by key after an upsert: its `rows_affected` counts 1 per insert and 2 per update,
//! and its first id is the first *inserted* row's, so neither gives an id range.

use super::load::select;
use crate::aggregate::{LifecycleWrite, Usage};
use crate::store::backend::Conn;
use crate::store::sql::{rows_per_statement, Sql, Tuple};
use crate::store::text::Text;

/// After the rows of the lifecycles upsert (by instance).
pub(super) const UPSERT_LIFECYCLES: &str = " ON DUPLICATE KEY UPDATE \
     last_state = VALUES(last_state), last_task_state = VALUES(last_task_state), \
     last_raw_id = VALUES(last_raw_id)";

/// After the rows of the request trackers insert: the first tracker of a request id wins.
pub(super) const INSERT_TRACKERS: &str = " ON DUPLICATE KEY UPDATE request_id = request_id";

/// After the rows of the instance usages upsert (by instance and request id).
pub(super) const UPSERT_USAGES: &str = " ON DUPLICATE KEY UPDATE \
     launched_at = VALUES(launched_at), instance_type_id = VALUES(instance_type_id), \
     instance_flavor_id = VALUES(instance_flavor_id), tenant = VALUES(tenant), \
     rax_options = VALUES(rax_options), os_architecture = VALUES(os_architecture), \
     os_version = VALUES(os_version), os_distro = VALUES(os_distro)";

/// `(id, instance)` of the lifecycles of `rows`, after their upsert.
pub(super) async fn lifecycle_ids(
    conn: &mut Conn<'_>,
    rows: &[LifecycleWrite],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let instances: Vec<&str> = rows.iter().map(|l| l.instance.as_str()).collect();
    let found: Vec<(i64, Text)> = select(
        conn,
        "SELECT id, instance FROM lifecycles WHERE instance IN ",
        &instances,
        "",
    )
    .await?;
    Ok(found.into_iter().map(|(id, i)| (id, i.0)).collect())
}

/// `(id, instance, request id)` of the usages of `rows`, after their upsert: one row-value
/// `IN` list per chunk, a range on the unique index of the pair.
pub(super) async fn usage_ids(
    conn: &mut Conn<'_>,
    rows: &[&Usage],
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let mut found = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(rows_per_statement(2)) {
        let mut sql = Sql::new(
            "SELECT id, instance, request_id FROM instance_usages \
             WHERE (instance, request_id) IN ",
        );
        sql.row_in(chunk, |row, u| {
            row.bind(u.instance.as_str()).bind(u.request_id.as_str());
        });
        sql.persistent(false);
        let stored: Vec<(i64, Text, Text)> = conn.fetch_all(&sql).await?;
        found.extend(stored.into_iter().map(|(id, i, r)| (id, i.0, r.0)));
    }
    Ok(found)
}

/// `UPDATE table t JOIN (SELECT ? AS names[0], … UNION ALL SELECT …) v ON t.id = v.id SET
/// set`: stored rows updated from a list of `(id, values…)`, sent in chunks under the bind
/// limit. (A derived table is materialized once and joined on the primary key.)
pub(super) struct Join<'s> {
    pub table: &'s str,
    /// The derived table's columns, `id` first.
    pub names: &'s [&'s str],
    /// The assignments, `t.c = v.c, …`.
    pub set: &'s str,
}

impl Join<'_> {
    /// Runs the update over `rows`, binding each (its columns in `names` order) with `row`.
    pub(super) async fn execute<'a, T>(
        &self,
        conn: &mut Conn<'_>,
        rows: &'a [T],
        row: impl Fn(&mut Tuple<'_, 'a>, &'a T),
    ) -> Result<(), sqlx::Error> {
        for chunk in rows.chunks(rows_per_statement(self.names.len())) {
            let mut sql = Sql::new("UPDATE ");
            sql.push(self.table).push(" t JOIN (");
            sql.union_rows(chunk, self.names, &row);
            sql.push(") v ON t.id = v.id SET ")
                .push(self.set)
                .persistent(false);
            conn.execute(&sql).await?;
        }
        Ok(())
    }
}
