//! Writes glance image usages, deletes and exists (multi-row `VALUES` on every backend: they
//! come with `image.exists` audits, not with every batch).

use super::values::{Returning, Values};
use crate::aggregate::{ImageDelete, ImageExists, ImageUsage, RowRef, Writes};
use crate::store::backend::Conn;

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
    let insert = Values {
        head: "INSERT INTO image_usages (uuid, created_at, owner, size, last_raw_id) ",
        binds_per_row: 5,
        tail: "",
    };
    let returning = Returning {
        table: "image_usages",
        columns: "id, last_raw_id",
    };
    let raw_id = |u: &ImageUsage| Some(u.last_raw_id);
    insert
        .insert_ids(conn, rows, &returning, raw_id, |row, u| {
            row.bind(u.uuid.as_deref())
                .bind(u.created_at)
                .bind(u.owner.as_deref())
                .bind(u.size)
                .bind(u.last_raw_id);
        })
        .await
}

/// Inserts image deletes; returns their ids in order (matched back by raw id).
async fn insert_deletes(
    conn: &mut Conn<'_>,
    rows: &[ImageDelete],
) -> Result<Vec<i64>, sqlx::Error> {
    let insert = Values {
        head: "INSERT INTO image_deletes (uuid, deleted_at, raw_id) ",
        binds_per_row: 3,
        tail: "",
    };
    let returning = Returning {
        table: "image_deletes",
        columns: "id, raw_id",
    };
    let raw_id = |d: &ImageDelete| Some(d.raw_id);
    insert
        .insert_ids(conn, rows, &returning, raw_id, |row, d| {
            row.bind(d.uuid.as_deref())
                .bind(d.deleted_at)
                .bind(d.raw_id);
        })
        .await
}

async fn insert_exists(
    conn: &mut Conn<'_>,
    rows: &[(&ImageExists, Option<i64>, Option<i64>)],
) -> Result<(), sqlx::Error> {
    let insert = Values {
        head: "INSERT INTO image_exists (message_id, uuid, created_at, deleted_at, \
               audit_period_beginning, audit_period_ending, owner, size, raw_id, usage_id, \
               delete_id) ",
        binds_per_row: 11,
        tail: "",
    };
    insert
        .execute(conn, rows, |row, (e, usage_id, delete_id)| {
            row.bind(e.message_id.as_deref())
                .bind(e.uuid.as_deref())
                .bind(e.created_at)
                .bind(e.deleted_at)
                .bind(e.audit_period_beginning)
                .bind(e.audit_period_ending)
                .bind(e.owner.as_deref())
                .bind(e.size)
                .bind(e.raw_id)
                .bind(*usage_id)
                .bind(*delete_id);
        })
        .await
}
