//! The SELECTs that load the stored state a batch touches: one per table, `IN` lists on SQLite,
//! one array parameter (`= ANY($1)`, a text that never changes) on PostgreSQL.

use crate::aggregate::{InstanceDelete, Keys, Stored, Timing, Usage};
use crate::store::backend::{Conn, Row};
use crate::store::batch::BatchTx;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

/// `(id, instance, launched_at, deleted_at, raw_id)` of an `instance_deletes` row.
type DeleteRecord = (i64, String, i64, Option<i64>, Option<i64>);

type UsageRecord = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl BatchTx {
    /// The stored state `keys` names (see [`crate::aggregate::keys`]), as this batch sees it
    /// (including what its earlier rounds wrote), for [`crate::aggregate::aggregate`].
    ///
    /// # Errors
    /// Database errors; the batch must be dropped (rolled back) and retried.
    pub async fn load(&mut self, keys: &Keys<'_>) -> Result<Stored, StoreError> {
        Ok(load(&mut self.conn(), keys).await?)
    }
}

/// Loads what `keys` names; empty key lists cost nothing.
async fn load(conn: &mut Conn<'_>, keys: &Keys<'_>) -> Result<Stored, sqlx::Error> {
    let mut stored = Stored::default();
    if !keys.timing_instances.is_empty() {
        stored.open_timings = load_open_timings(conn, &keys.timing_instances).await?;
    }
    if !keys.request_ids.is_empty() {
        stored.trackers = select(
            conn,
            "SELECT id, request_id, start FROM request_trackers WHERE request_id IN ",
            &keys.request_ids,
            " ORDER BY id",
        )
        .await?;
    }
    if !keys.usage_instances.is_empty() {
        load_usages(conn, &keys.usage_instances, &mut stored).await?;
    }
    if !keys.image_uuids.is_empty() {
        stored.image_usages = select(
            conn,
            "SELECT id, uuid FROM image_usages WHERE uuid IN ",
            &keys.image_uuids,
            " ORDER BY id",
        )
        .await?;
        stored.image_deletes = select(
            conn,
            "SELECT id, uuid FROM image_deletes WHERE uuid IN ",
            &keys.image_uuids,
            " ORDER BY id",
        )
        .await?;
    }
    Ok(stored)
}

/// Timings with a start and no end of the lifecycles of `instances`, by id.
async fn load_open_timings(
    conn: &mut Conn<'_>,
    instances: &[&str],
) -> Result<Vec<(i64, Timing)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, i64)> = select(
        conn,
        "SELECT t.id, l.instance, t.name, t.start_raw_id, t.start_when \
         FROM timings t JOIN lifecycles l ON l.id = t.lifecycle_id \
         WHERE t.end_raw_id IS NULL AND t.start_raw_id IS NOT NULL \
         AND t.start_when IS NOT NULL AND l.instance IN ",
        instances,
        " ORDER BY t.id",
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, instance, name, start_raw_id, start_when)| {
            let timing = Timing {
                instance,
                name,
                start_raw_id: Some(start_raw_id),
                start_when: Some(start_when),
                ..Timing::default()
            };
            (id, timing)
        })
        .collect())
}

async fn load_usages(
    conn: &mut Conn<'_>,
    instances: &[&str],
    stored: &mut Stored,
) -> Result<(), sqlx::Error> {
    let rows: Vec<UsageRecord> = select(
        conn,
        "SELECT id, instance, request_id, launched_at, instance_type_id, instance_flavor_id, \
         tenant, rax_options, os_architecture, os_version, os_distro \
         FROM instance_usages WHERE instance IN ",
        instances,
        " ORDER BY id",
    )
    .await?;
    stored.usages = rows
        .into_iter()
        .map(|r| {
            let usage = Usage {
                instance: r.1,
                request_id: r.2,
                launched_at: r.3,
                instance_type_id: r.4,
                instance_flavor_id: r.5,
                tenant: r.6,
                rax_options: r.7,
                os_architecture: r.8,
                os_version: r.9,
                os_distro: r.10,
            };
            (r.0, usage)
        })
        .collect();
    stored.deletes = load_deletes(conn, instances).await?;
    Ok(())
}

/// The deletes of `instances`, by id.
async fn load_deletes(
    conn: &mut Conn<'_>,
    instances: &[&str],
) -> Result<Vec<(i64, InstanceDelete)>, sqlx::Error> {
    let deletes: Vec<DeleteRecord> = select(
        conn,
        "SELECT id, instance, launched_at, deleted_at, raw_id FROM instance_deletes \
         WHERE instance IN ",
        instances,
        " ORDER BY id",
    )
    .await?;
    Ok(deletes
        .into_iter()
        .map(|(id, instance, launched_at, deleted_at, raw_id)| {
            let delete = InstanceDelete {
                instance,
                launched_at,
                deleted_at,
                raw_id,
            };
            (id, delete)
        })
        .collect())
}

/// `head (k1, k2, ...) tail` (`head` ends with `IN `), as rows of `R`.
///
/// On PostgreSQL the keys go in one array parameter (`= ANY($1)`), so the text never changes
/// and the statement is prepared once per connection; on SQLite the list length varies from
/// batch to batch and the statement is not cached.
async fn select<R: Row>(
    conn: &mut Conn<'_>,
    head: &str,
    keys: &[&str],
    tail: &str,
) -> Result<Vec<R>, sqlx::Error> {
    match conn {
        Conn::Postgres(c) => {
            let column = head.strip_suffix("IN ").unwrap_or(head);
            let text = format!("{column}= ANY($1){tail}");
            sqlx::query_as::<_, R>(&text)
                .bind(keys)
                .fetch_all(&mut **c)
                .await
        }
        Conn::Sqlite(_) => {
            let mut sql = Sql::new(head);
            sql.in_list(keys).push(tail).persistent(false);
            conn.fetch_all(&sql).await
        }
    }
}
