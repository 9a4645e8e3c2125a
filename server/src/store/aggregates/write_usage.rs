//! Writes instance usages (upsert by instance and request), deletes and exists.
//!
//! The usage upsert, the statement of this group that runs on most batches, takes the
//! fixed-text form of [`super::unnest`] on PostgreSQL.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::{on_conn, rows_per_statement, unnest, Conn};
use crate::aggregate::{InstanceDelete, InstanceExists, RowRef, Usage, Writes};

/// Writes the usage group of `writes`, in dependency order.
pub(super) async fn write(conn: &mut Conn<'_>, writes: &Writes) -> Result<(), sqlx::Error> {
    let changed = writes.changed_usages.iter().map(|(_, u)| u);
    let all: Vec<&Usage> = writes.usages.iter().chain(changed).collect();
    let usage_ids = upsert_usages(conn, &all).await?;
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
    insert_exists(conn, &rows).await
}

/// Upserts usages; returns ids by (instance, request id).
async fn upsert_usages(
    conn: &mut Conn<'_>,
    rows: &[&Usage],
) -> Result<HashMap<(String, String), i64>, sqlx::Error> {
    let mut ids = HashMap::with_capacity(rows.len());
    if let Conn::Postgres(c) = conn {
        if !rows.is_empty() {
            let returned = unnest::upsert_usages(c, rows).await?;
            ids.extend(
                returned
                    .into_iter()
                    .map(|(id, instance, request)| ((instance, request), id)),
            );
        }
        return Ok(ids);
    }
    for chunk in rows.chunks(rows_per_statement(10)) {
        let returned: Vec<(i64, String, String)> = on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO instance_usages (instance, request_id, launched_at, \
                 instance_type_id, instance_flavor_id, tenant, rax_options, os_architecture, \
                 os_version, os_distro) ",
            );
            qb.push_values(chunk, |mut b, u| {
                b.push_bind(u.instance.as_str())
                    .push_bind(u.request_id.as_str())
                    .push_bind(u.launched_at)
                    .push_bind(u.instance_type_id.as_deref())
                    .push_bind(u.instance_flavor_id.as_deref())
                    .push_bind(u.tenant.as_deref())
                    .push_bind(u.rax_options.as_deref())
                    .push_bind(u.os_architecture.as_deref())
                    .push_bind(u.os_version.as_deref())
                    .push_bind(u.os_distro.as_deref());
            });
            qb.push(
                " ON CONFLICT (instance, request_id) DO UPDATE SET \
                 launched_at = excluded.launched_at, instance_type_id = excluded.instance_type_id, \
                 instance_flavor_id = excluded.instance_flavor_id, tenant = excluded.tenant, \
                 rax_options = excluded.rax_options, os_architecture = excluded.os_architecture, \
                 os_version = excluded.os_version, os_distro = excluded.os_distro \
                 RETURNING id, instance, request_id",
            );
            qb.build_query_as()
                .persistent(false)
                .fetch_all(&mut **c)
                .await?
        });
        ids.extend(
            returned
                .into_iter()
                .map(|(id, instance, request)| ((instance, request), id)),
        );
    }
    Ok(ids)
}

/// Inserts new deletes; returns their ids in order (matched back by raw id).
async fn insert_deletes(
    conn: &mut Conn<'_>,
    rows: &[InstanceDelete],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut by_raw = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(rows_per_statement(4)) {
        let returned: Vec<(i64, i64)> = on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO instance_deletes (instance, launched_at, deleted_at, raw_id) ",
            );
            qb.push_values(chunk, |mut b, d| {
                b.push_bind(d.instance.as_str())
                    .push_bind(d.launched_at)
                    .push_bind(d.deleted_at)
                    .push_bind(d.raw_id);
            });
            qb.push(" RETURNING id, raw_id");
            qb.build_query_as()
                .persistent(false)
                .fetch_all(&mut **c)
                .await?
        });
        by_raw.extend(returned.into_iter().map(|(id, raw)| (raw, id)));
    }
    Ok(rows
        .iter()
        .map(|d| {
            d.raw_id
                .and_then(|raw| by_raw.get(&raw).copied())
                .unwrap_or_default()
        })
        .collect())
}

/// Points stored deletes at the raw event that repeated them.
async fn update_deletes(conn: &mut Conn<'_>, rows: &[(i64, i64)]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(rows_per_statement(2)) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new("WITH v (id, raw_id) AS (");
            qb.push_values(chunk, |mut b, (id, raw_id)| {
                b.push_bind(*id).push_bind(*raw_id);
            });
            qb.push(
                ") UPDATE instance_deletes SET raw_id = v.raw_id FROM v \
                 WHERE instance_deletes.id = v.id",
            );
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}

/// Inserts exists rows with their resolved usage and delete ids.
async fn insert_exists(
    conn: &mut Conn<'_>,
    rows: &[(&InstanceExists, Option<i64>, Option<i64>)],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(rows_per_statement(17)) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO instance_exists (message_id, instance, launched_at, deleted_at, \
                 audit_period_beginning, audit_period_ending, instance_type_id, \
                 instance_flavor_id, tenant, rax_options, os_architecture, os_version, \
                 os_distro, bandwidth_public_out, raw_id, usage_id, delete_id) ",
            );
            qb.push_values(chunk, |mut b, (e, usage_id, delete_id)| {
                b.push_bind(e.message_id.as_deref())
                    .push_bind(e.instance.as_str())
                    .push_bind(e.launched_at)
                    .push_bind(e.deleted_at)
                    .push_bind(e.audit_period_beginning)
                    .push_bind(e.audit_period_ending)
                    .push_bind(e.instance_type_id.as_deref())
                    .push_bind(e.instance_flavor_id.as_deref())
                    .push_bind(e.tenant.as_deref())
                    .push_bind(e.rax_options.as_deref())
                    .push_bind(e.os_architecture.as_deref())
                    .push_bind(e.os_version.as_deref())
                    .push_bind(e.os_distro.as_deref())
                    .push_bind(e.bandwidth_public_out)
                    .push_bind(e.raw_id)
                    .push_bind(*usage_id)
                    .push_bind(*delete_id);
            });
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}
