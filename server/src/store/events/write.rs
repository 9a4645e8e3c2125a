//! The write path of a batch's raw rows: `raw_events` (deduplicated by deployment, time and
//! dedupe key) and `raw_image_meta`, inside the batch's transaction, in the form each backend
//! does fastest (measured with `stacktach bench`).

use std::collections::{HashMap, HashSet};

use sqlx::MySqlConnection;

use super::write_mysql::{self, chunks, statement_budget, text_bytes, Key};
use crate::notification::{Detail, GlanceDetail, ImageMeta, NovaDetail};
use crate::store::backend::{Conn, SQLITE_PLACEHOLDERS};
use crate::store::batch::BatchTx;
use crate::store::error::StoreError;
use crate::store::sql::{col, Sql};
use crate::store::text::Text;

/// Rows per INSERT statement (23 binds each; well under every backend's bind limit).
const ROWS_PER_STATEMENT: usize = 500;

/// A parsed notification ready to insert.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub deployment_id: i64,
    pub exchange: String,
    pub routing_key: String,
    pub event: String,
    pub publisher: String,
    pub service: String,
    pub host: Option<String>,
    pub when_us: i64,
    pub request_id: String,
    pub instance: Option<String>,
    pub tenant: Option<String>,
    pub message_id: Option<String>,
    /// `message_id`, or a hash of the body when there is none; unique per deployment.
    pub dedupe_key: String,
    pub received_us: i64,
    pub json: String,
    /// The exchange-specific columns, stored and aggregated.
    pub detail: Detail,
}

impl NewEvent {
    fn nova(&self) -> Option<&NovaDetail> {
        match &self.detail {
            Detail::Nova(nova) => Some(nova),
            _ => None,
        }
    }

    fn glance(&self) -> Option<&GlanceDetail> {
        match &self.detail {
            Detail::Glance(glance) => Some(glance),
            _ => None,
        }
    }

    fn image_type(&self) -> Option<i64> {
        match &self.detail {
            Detail::Nova(nova) => Some(nova.image_type),
            Detail::Glance(glance) => glance.image_type,
            Detail::Generic => None,
        }
    }
}

impl BatchTx {
    /// Stores the events of `events` that are not stored yet (a redelivery is skipped by its
    /// deployment, timestamp and dedupe key), with their image meta. Returns `(index into
    /// events, assigned id)` of each new one, in id order: what aggregation and the live hub
    /// take next.
    ///
    /// # Errors
    /// Database errors; the batch must be dropped (rolled back) and retried.
    pub async fn insert_events(
        &mut self,
        events: &[NewEvent],
    ) -> Result<Vec<(usize, i64)>, StoreError> {
        let budget = statement_budget(self.max_packet());
        let mut inserted = Vec::with_capacity(events.len());
        let mut conn = self.conn();
        match &mut conn {
            // One statement for the whole batch whatever its size: the text never changes, so
            // PostgreSQL parses and plans it once per connection.
            Conn::Postgres(_) if events.is_empty() => {}
            Conn::Postgres(c) => {
                let rows = insert_events_unnest(c, events).await?;
                record_inserted(events, 0, rows, &mut inserted);
            }
            Conn::Sqlite(c) => {
                for (chunk_no, chunk) in events.chunks(ROWS_PER_STATEMENT).enumerate() {
                    insert_events(c, chunk, chunk_no * ROWS_PER_STATEMENT, &mut inserted).await?;
                }
            }
            // Cut by bytes too: a statement over the server's packet limit loses the connection.
            Conn::MySql(c) => {
                let mut base = 0;
                for chunk in chunks(events, ROWS_PER_STATEMENT, budget, NewEvent::row_bytes) {
                    insert_events_mysql(c, chunk, base, &mut inserted).await?;
                    base += chunk.len();
                }
            }
        }
        inserted.sort_unstable_by_key(|(_, id)| *id);
        insert_image_meta(&mut conn, events, &inserted, budget).await?;
        Ok(inserted)
    }
}

/// The indexes of the events of `chunk` whose key is not among the `stored` keys, each key
/// once (its first occurrence).
fn fresh(chunk: &[NewEvent], stored: &[Key]) -> Vec<usize> {
    let mut seen: HashSet<(i64, i64, &str)> = stored
        .iter()
        .map(|(d, w, k)| (*d, *w, k.as_str()))
        .collect();
    (0..chunk.len())
        .filter(|&i| {
            let e = &chunk[i];
            seen.insert((e.deployment_id, e.when_us, e.dedupe_key.as_str()))
        })
        .collect()
}

/// SQLite: the indexes of the events of `chunk` that are not stored yet, each key once. One
/// SELECT finds the keys that are stored already (a redelivery; usually none, so one empty
/// answer).
async fn fresh_rows(
    c: &mut sqlx::SqliteConnection,
    chunk: &[NewEvent],
) -> Result<Vec<usize>, sqlx::Error> {
    let mut sql = Sql::new("SELECT e.deployment_id, e.when_us, e.dedupe_key FROM (");
    sql.values(chunk, |row, e| {
        row.bind(e.deployment_id)
            .bind(e.when_us)
            .bind(e.dedupe_key.as_str());
    });
    sql.push(
        ") k JOIN raw_events e ON e.deployment_id = k.column1 AND e.when_us = k.column2 \
         AND e.dedupe_key = k.column3",
    );
    sql.persistent(false);
    let text = sql.render(SQLITE_PLACEHOLDERS);
    let stored: Vec<(i64, i64, Text)> = sql.query_as(&text)?.fetch_all(&mut *c).await?;
    Ok(fresh(chunk, &keys(stored)))
}

/// SQLite: stores the events of `chunk` (which starts at `base` in the batch) that are not
/// stored yet, with one multi-row INSERT; records the `(index, id)` of each.
///
/// No `RETURNING`: sqlx hands every returned row from its SQLite thread to ours, a thread
/// switch per row. Instead [`fresh_rows`] skips the keys that are stored already, and the new
/// rows' ids follow from the last one: in a transaction holding the write lock, one INSERT
/// gives its rows consecutive ids. A conflict would be an error (no `ON CONFLICT` clause),
/// never a silently shifted id.
async fn insert_events(
    c: &mut sqlx::SqliteConnection,
    chunk: &[NewEvent],
    base: usize,
    inserted: &mut Vec<(usize, i64)>,
) -> Result<(), sqlx::Error> {
    let fresh = fresh_rows(c, chunk).await?;
    if fresh.is_empty() {
        return Ok(());
    }
    let mut sql = insert_sql(fresh.iter().map(|&i| &chunk[i]));
    // Full chunks repeat the same text: worth a cached prepared statement.
    sql.persistent(fresh.len() == ROWS_PER_STATEMENT);
    let text = sql.render(SQLITE_PLACEHOLDERS);
    let done = sql.query(&text)?.execute(&mut *c).await?;
    let count = fresh.len() as i64;
    if done.rows_affected() != fresh.len() as u64 {
        return Err(sqlx::Error::Protocol(format!(
            "raw_events insert stored {} of {count} rows",
            done.rows_affected()
        )));
    }
    let first = done.last_insert_rowid() - count + 1;
    inserted.extend(fresh.iter().zip(first..).map(|(&i, id)| (base + i, id)));
    Ok(())
}

/// MySQL: as [`insert_events`] (the keys stored already are skipped, one multi-row INSERT),
/// with the new rows' ids read back (see [`write_mysql`]).
async fn insert_events_mysql(
    c: &mut MySqlConnection,
    chunk: &[NewEvent],
    base: usize,
    inserted: &mut Vec<(usize, i64)>,
) -> Result<(), sqlx::Error> {
    let keys: Vec<(i64, i64, &str)> = chunk
        .iter()
        .map(|e| (e.deployment_id, e.when_us, e.dedupe_key.as_str()))
        .collect();
    let stored = write_mysql::stored_keys(c, &keys).await?;
    let fresh = fresh(chunk, &stored);
    if fresh.is_empty() {
        return Ok(());
    }
    let mut sql = insert_sql(fresh.iter().map(|&i| &chunk[i]));
    sql.persistent(fresh.len() == ROWS_PER_STATEMENT);
    let rows = write_mysql::insert_read_back(c, &sql, fresh.len()).await?;
    record_inserted(chunk, base, rows, inserted);
    Ok(())
}

/// The multi-row INSERT of `rows` into `raw_events` (SQLite and MySQL).
fn insert_sql<'a>(rows: impl Iterator<Item = &'a NewEvent>) -> Sql<'a> {
    let mut sql = Sql::new(
        "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, \
         service, host, when_us, request_id, instance, tenant, message_id, dedupe_key, \
         received_us, json, state, old_state, old_task, task, image_type, image_status, \
         image_uuid, image_size) ",
    );
    sql.values(rows, |row, e| {
        let nova = e.nova();
        let glance = e.glance();
        row.bind(e.deployment_id)
            .bind(e.exchange.as_str())
            .bind(e.routing_key.as_str())
            .bind(e.event.as_str())
            .bind(e.publisher.as_str())
            .bind(e.service.as_str())
            .bind(e.host.as_deref())
            .bind(e.when_us)
            .bind(e.request_id.as_str())
            .bind(e.instance.as_deref())
            .bind(e.tenant.as_deref())
            .bind(e.message_id.as_deref())
            .bind(e.dedupe_key.as_str())
            .bind(e.received_us)
            .bind(e.json.as_str())
            .bind(nova.and_then(|n| n.state.as_deref()))
            .bind(nova.and_then(|n| n.old_state.as_deref()))
            .bind(nova.and_then(|n| n.old_task.as_deref()))
            .bind(nova.and_then(|n| n.task.as_deref()))
            .bind(e.image_type())
            .bind(glance.and_then(|g| g.status.as_deref()))
            .bind(glance.and_then(|g| g.uuid.as_deref()))
            .bind(glance.and_then(|g| g.size));
    });
    sql
}

/// PostgreSQL: the batch as one `INSERT … SELECT FROM UNNEST(arrays)`, one array per column;
/// returns the rows that were new.
async fn insert_events_unnest(
    c: &mut sqlx::PgConnection,
    events: &[NewEvent],
) -> Result<Vec<Key>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, \
         service, host, when_us, request_id, instance, tenant, message_id, dedupe_key, \
         received_us, json, state, old_state, old_task, task, image_type, image_status, \
         image_uuid, image_size) \
         SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], \
         $6::text[], $7::text[], $8::int8[], $9::text[], $10::text[], $11::text[], $12::text[], \
         $13::text[], $14::int8[], $15::text[], $16::text[], $17::text[], $18::text[], \
         $19::text[], $20::int8[], $21::text[], $22::text[], $23::int8[]) \
         ON CONFLICT (deployment_id, when_us, dedupe_key) DO NOTHING \
         RETURNING id, when_us, dedupe_key",
    )
    .bind(col(events, |e| e.deployment_id))
    .bind(col(events, |e| e.exchange.as_str()))
    .bind(col(events, |e| e.routing_key.as_str()))
    .bind(col(events, |e| e.event.as_str()))
    .bind(col(events, |e| e.publisher.as_str()))
    .bind(col(events, |e| e.service.as_str()))
    .bind(col(events, |e| e.host.as_deref()))
    .bind(col(events, |e| e.when_us))
    .bind(col(events, |e| e.request_id.as_str()))
    .bind(col(events, |e| e.instance.as_deref()))
    .bind(col(events, |e| e.tenant.as_deref()))
    .bind(col(events, |e| e.message_id.as_deref()))
    .bind(col(events, |e| e.dedupe_key.as_str()))
    .bind(col(events, |e| e.received_us))
    .bind(col(events, |e| e.json.as_str()))
    .bind(col(events, |e| e.nova().and_then(|n| n.state.as_deref())))
    .bind(col(events, |e| {
        e.nova().and_then(|n| n.old_state.as_deref())
    }))
    .bind(col(events, |e| {
        e.nova().and_then(|n| n.old_task.as_deref())
    }))
    .bind(col(events, |e| e.nova().and_then(|n| n.task.as_deref())))
    .bind(col(events, |e| e.image_type()))
    .bind(col(events, |e| {
        e.glance().and_then(|g| g.status.as_deref())
    }))
    .bind(col(events, |e| e.glance().and_then(|g| g.uuid.as_deref())))
    .bind(col(events, |e| e.glance().and_then(|g| g.size)))
    .fetch_all(c)
    .await
    .map(keys)
}

/// Keys as decoded (the text column through [`Text`]).
fn keys(rows: Vec<(i64, i64, Text)>) -> Vec<Key> {
    rows.into_iter().map(|(a, w, k)| (a, w, k.0)).collect()
}

/// PostgreSQL and MySQL: matches the `(id, when_us, dedupe_key)` of the newly stored rows of
/// `chunk` (which starts at `base` in the batch) back to their index in the batch by their
/// unique key (timestamp and dedupe key, see migration 0010; a batch is of one deployment).
/// A key repeated within the batch was stored from its first occurrence.
fn record_inserted(
    chunk: &[NewEvent],
    base: usize,
    rows: Vec<Key>,
    inserted: &mut Vec<(usize, i64)>,
) {
    let mut index: HashMap<(i64, &str), usize> = HashMap::with_capacity(chunk.len());
    for (i, e) in chunk.iter().enumerate() {
        index.entry((e.when_us, e.dedupe_key.as_str())).or_insert(i);
    }
    for (id, when_us, key) in rows {
        if let Some(&i) = index.get(&(when_us, key.as_str())) {
            inserted.push((base + i, id));
        }
    }
}

/// v2's `RawDataImageMeta`: one row per stored nova event whose image meta is not all empty
/// (a missing row reads as four empty strings). `budget`: bytes per statement (MySQL).
async fn insert_image_meta(
    conn: &mut Conn<'_>,
    events: &[NewEvent],
    inserted: &[(usize, i64)],
    budget: Option<usize>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, &ImageMeta)> = inserted
        .iter()
        .filter_map(|&(i, id)| Some((id, &events[i].nova()?.image_meta)))
        .filter(|(_, meta)| !meta.is_empty())
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    if let Conn::Postgres(c) = conn {
        // As for the events: one statement text, prepared once per connection.
        sqlx::query(
            "INSERT INTO raw_image_meta (raw_id, os_architecture, os_distro, os_version, \
             rax_options) SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], \
             $5::text[])",
        )
        .bind(col(&rows, |(id, _)| *id))
        .bind(col(&rows, |(_, m)| m.os_architecture.as_deref()))
        .bind(col(&rows, |(_, m)| m.os_distro.as_deref()))
        .bind(col(&rows, |(_, m)| m.os_version.as_deref()))
        .bind(col(&rows, |(_, m)| m.rax_options.as_deref()))
        .execute(&mut **c)
        .await?;
        return Ok(());
    }
    let bytes = |(_, m): &(i64, &ImageMeta)| {
        let texts = [
            &m.os_architecture,
            &m.os_distro,
            &m.os_version,
            &m.rax_options,
        ];
        texts
            .iter()
            .map(|t| text_bytes(t.as_deref()))
            .sum::<usize>()
            + 64
    };
    for chunk in chunks(&rows, ROWS_PER_STATEMENT, budget, bytes) {
        let mut sql = Sql::new(
            "INSERT INTO raw_image_meta (raw_id, os_architecture, os_distro, os_version, \
             rax_options) ",
        );
        sql.values(chunk, |row, (id, meta)| {
            row.bind(*id)
                .bind(meta.os_architecture.as_deref())
                .bind(meta.os_distro.as_deref())
                .bind(meta.os_version.as_deref())
                .bind(meta.rax_options.as_deref());
        });
        sql.persistent(chunk.len() == ROWS_PER_STATEMENT);
        conn.execute(&sql).await?;
    }
    Ok(())
}
