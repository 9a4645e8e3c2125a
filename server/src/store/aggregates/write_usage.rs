//! Writes instance usages (upsert by instance and request), deletes and exists.
//!
//! The usage upsert, the statement of this group that runs on most batches, takes the
//! fixed-text form of [`super::unnest`] on PostgreSQL. Usages and exists carry free text (image
//! meta), so on MySQL their statements are also cut by bytes (`budget`).

use std::collections::HashMap;

use super::values::{Returning, Values};
use super::{mysql, unnest};
use crate::aggregate::{InstanceDelete, InstanceExists, RowRef, Usage, Writes};
use crate::store::backend::Conn;
use crate::store::events::write_mysql::text_bytes;
use crate::store::sql::Tuple;
use crate::store::text::Text;

/// Writes the usage group of `writes`, in dependency order; `budget`: bytes per statement
/// (MySQL).
pub(super) async fn write(
    conn: &mut Conn<'_>,
    writes: &Writes,
    budget: Option<usize>,
) -> Result<(), sqlx::Error> {
    let changed = writes.changed_usages.iter().map(|(_, u)| u);
    let all: Vec<&Usage> = writes.usages.iter().chain(changed).collect();
    let usage_ids = upsert_usages(conn, &all, budget).await?;
    let new_usage = |i: usize| {
        let u = writes.usages.get(i)?;
        usage_ids
            .get(&(u.instance.clone(), u.request_id.clone()))
            .copied()
    };
    let delete_ids = insert_deletes(conn, &writes.deletes).await?;
    update_deletes(conn, &writes.delete_updates).await?;
    let resolve = |r: Option<RowRef>, new: &dyn Fn(usize) -> Option<i64>| match r? {
        RowRef::Stored(id) => Some(id),
        RowRef::New(i) => new(i),
    };
    let new_delete = |i: usize| delete_ids.get(i).copied();
    let rows: Vec<(&InstanceExists, Option<i64>, Option<i64>)> = writes
        .exists
        .iter()
        .map(|e| {
            (
                e,
                resolve(e.usage, &new_usage),
                resolve(e.delete, &new_delete),
            )
        })
        .collect();
    insert_exists(conn, &rows, budget).await
}

/// Upserts usages; returns ids by (instance, request id).
async fn upsert_usages(
    conn: &mut Conn<'_>,
    rows: &[&Usage],
    budget: Option<usize>,
) -> Result<HashMap<(String, String), i64>, sqlx::Error> {
    let returned: Vec<(i64, String, String)> = match conn {
        Conn::Postgres(_) if rows.is_empty() => Vec::new(),
        Conn::Postgres(c) => unnest::upsert_usages(c, rows).await?,
        Conn::Sqlite(_) | Conn::MySql(_) => {
            let mysql = conn.is_mysql();
            let upsert = Values {
                head: "INSERT INTO instance_usages (instance, request_id, launched_at, \
                       instance_type_id, instance_flavor_id, tenant, rax_options, \
                       os_architecture, os_version, os_distro) ",
                binds_per_row: 10,
                tail: if mysql {
                    mysql::UPSERT_USAGES
                } else {
                    " ON CONFLICT (instance, request_id) DO UPDATE SET \
                     launched_at = excluded.launched_at, \
                     instance_type_id = excluded.instance_type_id, \
                     instance_flavor_id = excluded.instance_flavor_id, tenant = excluded.tenant, \
                     rax_options = excluded.rax_options, \
                     os_architecture = excluded.os_architecture, \
                     os_version = excluded.os_version, os_distro = excluded.os_distro \
                     RETURNING id, instance, request_id"
                },
            };
            let chunks = upsert.chunks_within(rows, budget, |u| usage_bytes(u));
            if mysql {
                upsert.execute_chunks(conn, chunks, bind_usage).await?;
                mysql::usage_ids(conn, rows).await?
            } else {
                let returned: Vec<(i64, Text, Text)> =
                    upsert.fetch_chunks(conn, chunks, bind_usage).await?;
                returned
                    .into_iter()
                    .map(|(id, i, r)| (id, i.0, r.0))
                    .collect()
            }
        }
    };
    Ok(returned
        .into_iter()
        .map(|(id, instance, request)| ((instance, request), id))
        .collect())
}

fn bind_usage<'a>(row: &mut Tuple<'_, 'a>, u: &'a &Usage) {
    row.bind(u.instance.as_str())
        .bind(u.request_id.as_str())
        .bind(u.launched_at)
        .bind(u.instance_type_id.as_deref())
        .bind(u.instance_flavor_id.as_deref())
        .bind(u.tenant.as_deref())
        .bind(u.rax_options.as_deref())
        .bind(u.os_architecture.as_deref())
        .bind(u.os_version.as_deref())
        .bind(u.os_distro.as_deref());
}

/// About the bytes of a usage row (its text values).
fn usage_bytes(u: &Usage) -> usize {
    let texts = [
        &u.instance_type_id,
        &u.instance_flavor_id,
        &u.tenant,
        &u.rax_options,
    ];
    let meta = [&u.os_architecture, &u.os_version, &u.os_distro];
    u.instance.len()
        + u.request_id.len()
        + texts
            .iter()
            .chain(&meta)
            .map(|t| text_bytes(t.as_deref()))
            .sum::<usize>()
        + 64
}

/// Inserts new deletes; returns their ids in order (matched back by raw id).
async fn insert_deletes(
    conn: &mut Conn<'_>,
    rows: &[InstanceDelete],
) -> Result<Vec<i64>, sqlx::Error> {
    let insert = Values {
        head: "INSERT INTO instance_deletes (instance, launched_at, deleted_at, raw_id) ",
        binds_per_row: 4,
        tail: "",
    };
    let returning = Returning {
        table: "instance_deletes",
        columns: "id, raw_id",
    };
    let raw_id = |d: &InstanceDelete| d.raw_id;
    insert
        .insert_ids(conn, rows, &returning, raw_id, |row, d| {
            row.bind(d.instance.as_str())
                .bind(d.launched_at)
                .bind(d.deleted_at)
                .bind(d.raw_id);
        })
        .await
}

/// Points stored deletes at the raw event that repeated them.
async fn update_deletes(conn: &mut Conn<'_>, rows: &[(i64, i64)]) -> Result<(), sqlx::Error> {
    let bind = |row: &mut Tuple<'_, '_>, (id, raw_id): &(i64, i64)| {
        row.bind(*id).bind(*raw_id);
    };
    if conn.is_mysql() {
        let update = mysql::Join {
            table: "instance_deletes",
            names: &["id", "raw_id"],
            set: "t.raw_id = v.raw_id",
        };
        return update.execute(conn, rows, bind).await;
    }
    let update = Values {
        head: "WITH v (id, raw_id) AS (",
        binds_per_row: 2,
        tail: ") UPDATE instance_deletes SET raw_id = v.raw_id FROM v \
               WHERE instance_deletes.id = v.id",
    };
    update.execute(conn, rows, bind).await
}

/// Inserts exists rows with their resolved usage and delete ids.
async fn insert_exists(
    conn: &mut Conn<'_>,
    rows: &[(&InstanceExists, Option<i64>, Option<i64>)],
    budget: Option<usize>,
) -> Result<(), sqlx::Error> {
    let insert = Values {
        head: "INSERT INTO instance_exists (message_id, instance, launched_at, deleted_at, \
               audit_period_beginning, audit_period_ending, instance_type_id, \
               instance_flavor_id, tenant, rax_options, os_architecture, os_version, \
               os_distro, bandwidth_public_out, raw_id, usage_id, delete_id) ",
        binds_per_row: 17,
        tail: "",
    };
    let chunks = insert.chunks_within(rows, budget, |(e, _, _)| exists_bytes(e));
    insert
        .execute_chunks(conn, chunks, |row, (e, usage_id, delete_id)| {
            row.bind(e.message_id.as_deref())
                .bind(e.instance.as_str())
                .bind(e.launched_at)
                .bind(e.deleted_at)
                .bind(e.audit_period_beginning)
                .bind(e.audit_period_ending)
                .bind(e.instance_type_id.as_deref())
                .bind(e.instance_flavor_id.as_deref())
                .bind(e.tenant.as_deref())
                .bind(e.rax_options.as_deref())
                .bind(e.os_architecture.as_deref())
                .bind(e.os_version.as_deref())
                .bind(e.os_distro.as_deref())
                .bind(e.bandwidth_public_out)
                .bind(e.raw_id)
                .bind(*usage_id)
                .bind(*delete_id);
        })
        .await
}

/// About the bytes of an exists row (its text values).
fn exists_bytes(e: &InstanceExists) -> usize {
    let ids = [
        &e.message_id,
        &e.instance_type_id,
        &e.instance_flavor_id,
        &e.tenant,
    ];
    let meta = [
        &e.rax_options,
        &e.os_architecture,
        &e.os_version,
        &e.os_distro,
    ];
    e.instance.len()
        + ids
            .iter()
            .chain(&meta)
            .map(|t| text_bytes(t.as_deref()))
            .sum::<usize>()
        + 128
}
