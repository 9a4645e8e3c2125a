//! The SELECTs that load the stored state a batch touches: one per table, `IN` lists on SQLite
//! and MySQL, one array parameter (`= ANY($1)`, a text that never changes) on PostgreSQL.
//! Text columns decode through [`Text`]/[`OptText`] (see `store::text`).

use std::collections::HashMap;

use crate::aggregate::{InstanceDelete, Keys, Stored, Timing, Usage};
use crate::store::backend::{Conn, Row};
use crate::store::batch::BatchTx;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// `(id, instance, launched_at, deleted_at, raw_id)` of an `instance_deletes` row.
type DeleteRecord = (i64, Text, i64, Option<i64>, Option<i64>);

type UsageRecord = (
    i64,
    Text,
    Text,
    Option<i64>,
    OptText,
    OptText,
    OptText,
    OptText,
    OptText,
    OptText,
    OptText,
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
        let trackers: Vec<(i64, Text, i64)> = select(
            conn,
            "SELECT id, request_id, start FROM request_trackers WHERE request_id IN ",
            &keys.request_ids,
            " ORDER BY id",
        )
        .await?;
        stored.trackers = trackers
            .into_iter()
            .map(|(id, r, s)| (id, r.0, s))
            .collect();
    }
    if !keys.usage_instances.is_empty() {
        load_usages(conn, &keys.usage_instances, &mut stored).await?;
    }
    if !keys.image_uuids.is_empty() {
        stored.image_usages = select_ids(
            conn,
            "SELECT id, uuid FROM image_usages WHERE uuid IN ",
            &keys.image_uuids,
        )
        .await?;
        stored.image_deletes = select_ids(
            conn,
            "SELECT id, uuid FROM image_deletes WHERE uuid IN ",
            &keys.image_uuids,
        )
        .await?;
    }
    Ok(stored)
}

/// `(id, key)` rows of `head (keys…) ORDER BY id`.
async fn select_ids(
    conn: &mut Conn<'_>,
    head: &str,
    keys: &[&str],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, Text)> = select(conn, head, keys, " ORDER BY id").await?;
    Ok(rows.into_iter().map(|(id, key)| (id, key.0)).collect())
}

/// Timings with a start and no end of the lifecycles of `instances`, by id.
///
/// In two statements: the lifecycles' ids of `instances`, then the open timings of those ids.
/// One join let PostgreSQL's planner, with statistics from when few timings were open, read
/// every open timing (or every timing) and hash them against the lifecycles: 34–76 ms a
/// batch at a few million events, most of the server's time near ten million. By ids, every plan
/// probes an index per id (`timings_open`, migration 0023, on PostgreSQL; `timings_lifecycle`
/// elsewhere).
async fn load_open_timings(
    conn: &mut Conn<'_>,
    instances: &[&str],
) -> Result<Vec<(i64, Timing)>, sqlx::Error> {
    let lifecycles = select_ids(
        conn,
        "SELECT id, instance FROM lifecycles WHERE instance IN ",
        instances,
    )
    .await?;
    if lifecycles.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = lifecycles.iter().map(|(id, _)| *id).collect();
    let instance_of: HashMap<i64, String> = lifecycles.into_iter().collect();
    const HEAD: &str = "SELECT id, lifecycle_id, name, start_raw_id, start_when FROM timings \
         WHERE end_raw_id IS NULL AND start_raw_id IS NOT NULL AND start_when IS NOT NULL \
         AND lifecycle_id ";
    let rows: Vec<(i64, i64, Text, i64, i64)> = match conn {
        Conn::Postgres(c) => {
            sqlx::query_as(&format!("{HEAD}= ANY($1) ORDER BY id"))
                .bind(&ids)
                .fetch_all(&mut **c)
                .await?
        }
        Conn::Sqlite(_) | Conn::MySql(_) => {
            let mut sql = Sql::new(HEAD);
            sql.push("IN ")
                .int_list(&ids)
                .push(" ORDER BY id")
                .persistent(false);
            conn.fetch_all(&sql).await?
        }
    };
    Ok(rows
        .into_iter()
        .filter_map(|(id, lifecycle, name, start_raw_id, start_when)| {
            let timing = Timing {
                instance: instance_of.get(&lifecycle)?.clone(),
                name: name.0,
                start_raw_id: Some(start_raw_id),
                start_when: Some(start_when),
                ..Timing::default()
            };
            Some((id, timing))
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
                instance: r.1 .0,
                request_id: r.2 .0,
                launched_at: r.3,
                instance_type_id: r.4 .0,
                instance_flavor_id: r.5 .0,
                tenant: r.6 .0,
                rax_options: r.7 .0,
                os_architecture: r.8 .0,
                os_version: r.9 .0,
                os_distro: r.10 .0,
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
                instance: instance.0,
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
/// and the statement is prepared once per connection; on SQLite and MySQL the list length
/// varies from batch to batch and the statement is not cached.
pub(super) async fn select<R: Row>(
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
        Conn::Sqlite(_) | Conn::MySql(_) => {
            let mut sql = Sql::new(head);
            sql.in_list(keys).push(tail).persistent(false);
            conn.fetch_all(&sql).await
        }
    }
}
