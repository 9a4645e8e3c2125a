//! The write path of a batch: raw events, their image meta, aggregation, quarantine.

use std::collections::{HashMap, HashSet};

use sqlx::QueryBuilder;

use super::{NewEvent, NewQuarantine};
use crate::notification::{Detail, GlanceDetail, ImageMeta, NovaDetail};
use crate::store::aggregates::{self, col, on_conn, Conn};

/// Rows per INSERT statement (23 binds each; well under both backends' bind limits).
const ROWS_PER_STATEMENT: usize = 500;

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

/// The first statement of a PostgreSQL batch: the advisory lock that orders batches (see
/// `store_batch`), and no sequential scans for the rest of the transaction.
///
/// Why the second: every lookup of a batch (trackers by request id, usages by instance, open
/// timings by instance, the `UPDATE … FROM UNNEST` joins) has an index, but the statements are
/// prepared once per connection, and PostgreSQL caches a generic plan after five runs. A
/// connection that starts on empty tables (a new deployment, a fresh database) caches sequential
/// scans, which are right for ten rows and then read the whole table for every batch, growing
/// with it for as long as the connection lives (measured: 393 scans reading 362,000 `timings`
/// rows after 20,000 events). With sequential scans priced out while planning, the cached plans
/// are index scans whatever the table's size was then. `set_config(…, true)` is `SET LOCAL`:
/// it ends with the transaction and never touches the pages' and APIs' queries.
const POSTGRES_BATCH_START: &str =
    "SELECT pg_advisory_xact_lock(727001), set_config('enable_seqscan', 'off', true)";

/// Everything `store_batch` writes, inside its transaction.
pub(super) async fn write_batch(
    conn: &mut Conn<'_>,
    events: &[NewEvent],
    quarantined: &[NewQuarantine],
    inserted: &mut Vec<(usize, i64)>,
) -> Result<(), sqlx::Error> {
    if conn.is_postgres() {
        on_conn!(&mut *conn, |c| {
            sqlx::query(POSTGRES_BATCH_START).execute(&mut **c).await?;
        });
    }
    match conn {
        // One statement for the whole batch whatever its size: the text never changes, so
        // PostgreSQL parses and plans it once per connection (PERFORMANCE.md lesson 4).
        Conn::Postgres(_) if events.is_empty() => {}
        Conn::Postgres(c) => {
            let rows = insert_events_unnest(c, events).await?;
            record_inserted(events, rows, inserted);
        }
        Conn::Sqlite(c) => {
            for (chunk_no, chunk) in events.chunks(ROWS_PER_STATEMENT).enumerate() {
                insert_events(c, chunk, chunk_no * ROWS_PER_STATEMENT, inserted).await?;
            }
        }
    }
    inserted.sort_unstable_by_key(|(_, id)| *id);
    insert_image_meta(conn, events, inserted).await?;
    aggregates::apply(conn, events, inserted).await?;
    insert_quarantine(conn, quarantined).await
}

/// SQLite: stores the events of `chunk` (which starts at `base` in the batch) that are not
/// stored yet, with one multi-row INSERT; records the `(index, id)` of each.
///
/// No `RETURNING`: sqlx hands every returned row from its SQLite thread to ours, a thread
/// switch per row. Instead one SELECT finds the keys that are stored already (a redelivery;
/// usually none, so one empty answer), and the new rows' ids follow from the last one: in a
/// transaction holding the write lock, one INSERT gives its rows consecutive ids. A conflict
/// would be an error (no `ON CONFLICT` clause), never a silently shifted id.
async fn insert_events(
    c: &mut sqlx::SqliteConnection,
    chunk: &[NewEvent],
    base: usize,
    inserted: &mut Vec<(usize, i64)>,
) -> Result<(), sqlx::Error> {
    let stored: Vec<(i64, i64, String)> = {
        let mut qb = QueryBuilder::new("SELECT e.deployment_id, e.when_us, e.dedupe_key FROM (");
        qb.push_values(chunk, |mut b, e| {
            b.push_bind(e.deployment_id)
                .push_bind(e.when_us)
                .push_bind(e.dedupe_key.as_str());
        });
        qb.push(
            ") k JOIN raw_events e ON e.deployment_id = k.column1 AND e.when_us = k.column2 \
             AND e.dedupe_key = k.column3",
        );
        qb.build_query_as()
            .persistent(false)
            .fetch_all(&mut *c)
            .await?
    };
    let mut seen: HashSet<(i64, i64, &str)> = stored
        .iter()
        .map(|(d, w, k)| (*d, *w, k.as_str()))
        .collect();
    let fresh: Vec<usize> = (0..chunk.len())
        .filter(|&i| {
            let e = &chunk[i];
            seen.insert((e.deployment_id, e.when_us, e.dedupe_key.as_str()))
        })
        .collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::new(
        "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, \
         service, host, when_us, request_id, instance, tenant, message_id, dedupe_key, \
         received_us, json, state, old_state, old_task, task, image_type, image_status, \
         image_uuid, image_size) ",
    );
    qb.push_values(fresh.iter().map(|&i| &chunk[i]), |mut b, e| {
        let nova = e.nova();
        let glance = e.glance();
        b.push_bind(e.deployment_id)
            .push_bind(e.exchange.as_str())
            .push_bind(e.routing_key.as_str())
            .push_bind(e.event.as_str())
            .push_bind(e.publisher.as_str())
            .push_bind(e.service.as_str())
            .push_bind(e.host.as_deref())
            .push_bind(e.when_us)
            .push_bind(e.request_id.as_str())
            .push_bind(e.instance.as_deref())
            .push_bind(e.tenant.as_deref())
            .push_bind(e.message_id.as_deref())
            .push_bind(e.dedupe_key.as_str())
            .push_bind(e.received_us)
            .push_bind(e.json.as_str())
            .push_bind(nova.and_then(|n| n.state.as_deref()))
            .push_bind(nova.and_then(|n| n.old_state.as_deref()))
            .push_bind(nova.and_then(|n| n.old_task.as_deref()))
            .push_bind(nova.and_then(|n| n.task.as_deref()))
            .push_bind(e.image_type())
            .push_bind(glance.and_then(|g| g.status.as_deref()))
            .push_bind(glance.and_then(|g| g.uuid.as_deref()))
            .push_bind(glance.and_then(|g| g.size));
    });
    // Full chunks repeat the same text: worth a cached prepared statement.
    let persistent = fresh.len() == ROWS_PER_STATEMENT;
    let done = qb.build().persistent(persistent).execute(&mut *c).await?;
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

/// PostgreSQL: the batch as one `INSERT … SELECT FROM UNNEST(arrays)`, one array per column;
/// returns the rows that were new.
async fn insert_events_unnest(
    c: &mut sqlx::PgConnection,
    events: &[NewEvent],
) -> Result<Vec<Returned>, sqlx::Error> {
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
}

/// `(id, when_us, dedupe_key)` of a newly stored event, as `RETURNING` gives it.
type Returned = (i64, i64, String);

/// PostgreSQL: matches the returned rows back to their index in the batch by their unique key
/// (timestamp and dedupe key, see migration 0010; a batch is of one deployment). A key repeated
/// within the batch was stored from its first occurrence.
fn record_inserted(chunk: &[NewEvent], rows: Vec<Returned>, inserted: &mut Vec<(usize, i64)>) {
    let mut index: HashMap<(i64, &str), usize> = HashMap::with_capacity(chunk.len());
    for (i, e) in chunk.iter().enumerate() {
        index.entry((e.when_us, e.dedupe_key.as_str())).or_insert(i);
    }
    for (id, when_us, key) in rows {
        if let Some(&i) = index.get(&(when_us, key.as_str())) {
            inserted.push((i, id));
        }
    }
}

/// v2's `RawDataImageMeta`: one row per stored nova event whose image meta is not all empty
/// (a missing row reads as four empty strings).
async fn insert_image_meta(
    conn: &mut Conn<'_>,
    events: &[NewEvent],
    inserted: &[(usize, i64)],
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
        .bind(rows.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind(
            rows.iter()
                .map(|(_, m)| m.os_architecture.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|(_, m)| m.os_distro.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|(_, m)| m.os_version.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|(_, m)| m.rax_options.as_deref())
                .collect::<Vec<_>>(),
        )
        .execute(&mut **c)
        .await?;
        return Ok(());
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO raw_image_meta (raw_id, os_architecture, os_distro, os_version, \
                 rax_options) ",
            );
            qb.push_values(chunk, |mut b, (id, meta)| {
                b.push_bind(*id)
                    .push_bind(meta.os_architecture.as_deref())
                    .push_bind(meta.os_distro.as_deref())
                    .push_bind(meta.os_version.as_deref())
                    .push_bind(meta.rax_options.as_deref());
            });
            let persistent = chunk.len() == ROWS_PER_STATEMENT;
            qb.build().persistent(persistent).execute(&mut **c).await?;
        });
    }
    Ok(())
}

async fn insert_quarantine(
    conn: &mut Conn<'_>,
    quarantined: &[NewQuarantine],
) -> Result<(), sqlx::Error> {
    for chunk in quarantined.chunks(ROWS_PER_STATEMENT) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO quarantine (deployment_id, exchange, routing_key, error, body, \
                 received_us) ",
            );
            qb.push_values(chunk, |mut b, q| {
                b.push_bind(q.deployment_id)
                    .push_bind(q.exchange.as_str())
                    .push_bind(q.routing_key.as_str())
                    .push_bind(q.error.as_str())
                    .push_bind(q.body.as_slice())
                    .push_bind(q.received_us);
            });
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}
