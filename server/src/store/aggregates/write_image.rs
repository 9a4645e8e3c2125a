//! Writes glance image usages, deletes and exists.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::{on_conn, rows_per_statement, Conn};
use crate::aggregate::{ImageDelete, ImageExists, ImageUsage, RowRef, Writes};

/// Writes the image group of `writes`, in dependency order.
pub(super) async fn write(conn: &mut Conn<'_>, writes: &Writes) -> Result<(), sqlx::Error> {
    let usage_ids = insert_usages(conn, &writes.image_usages).await?;
    let delete_ids = insert_deletes(conn, &writes.image_deletes).await?;
    let id = |r: Option<RowRef>, new: &[i64]| match r? {
        RowRef::Stored(id) => Some(id),
        RowRef::New(i) => new.get(i).copied(),
    };
    let rows: Vec<(&ImageExists, Option<i64>, Option<i64>)> = writes
        .image_exists
        .iter()
        .map(|e| (e, id(e.usage, &usage_ids), id(e.delete, &delete_ids)))
        .collect();
    insert_exists(conn, &rows).await
}

/// Inserts image usages; returns their ids in order (matched back by raw id).
async fn insert_usages(conn: &mut Conn<'_>, rows: &[ImageUsage]) -> Result<Vec<i64>, sqlx::Error> {
    let mut by_raw = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(rows_per_statement(5)) {
        let returned: Vec<(i64, i64)> = on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO image_usages (uuid, created_at, owner, size, last_raw_id) ",
            );
            qb.push_values(chunk, |mut b, u| {
                b.push_bind(u.uuid.as_deref())
                    .push_bind(u.created_at)
                    .push_bind(u.owner.as_deref())
                    .push_bind(u.size)
                    .push_bind(u.last_raw_id);
            });
            qb.push(" RETURNING id, last_raw_id");
            qb.build_query_as()
                .persistent(false)
                .fetch_all(&mut **c)
                .await?
        });
        by_raw.extend(returned.into_iter().map(|(id, raw)| (raw, id)));
    }
    Ok(rows
        .iter()
        .map(|u| by_raw.get(&u.last_raw_id).copied().unwrap_or_default())
        .collect())
}

/// Inserts image deletes; returns their ids in order (matched back by raw id).
async fn insert_deletes(
    conn: &mut Conn<'_>,
    rows: &[ImageDelete],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut by_raw = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(rows_per_statement(3)) {
        let returned: Vec<(i64, i64)> = on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new("INSERT INTO image_deletes (uuid, deleted_at, raw_id) ");
            qb.push_values(chunk, |mut b, d| {
                b.push_bind(d.uuid.as_deref())
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
        .map(|d| by_raw.get(&d.raw_id).copied().unwrap_or_default())
        .collect())
}

async fn insert_exists(
    conn: &mut Conn<'_>,
    rows: &[(&ImageExists, Option<i64>, Option<i64>)],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(rows_per_statement(11)) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO image_exists (message_id, uuid, created_at, deleted_at, \
                 audit_period_beginning, audit_period_ending, owner, size, raw_id, usage_id, \
                 delete_id) ",
            );
            qb.push_values(chunk, |mut b, (e, usage_id, delete_id)| {
                b.push_bind(e.message_id.as_deref())
                    .push_bind(e.uuid.as_deref())
                    .push_bind(e.created_at)
                    .push_bind(e.deleted_at)
                    .push_bind(e.audit_period_beginning)
                    .push_bind(e.audit_period_ending)
                    .push_bind(e.owner.as_deref())
                    .push_bind(e.size)
                    .push_bind(e.raw_id)
                    .push_bind(*usage_id)
                    .push_bind(*delete_id);
            });
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}
