//! The write path of a batch: raw events, their image meta, aggregation, quarantine.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::{NewEvent, NewQuarantine};
use crate::notification::{Detail, GlanceDetail, ImageMeta, NovaDetail};
use crate::store::aggregates::{self, on_conn, Conn};

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

/// Everything `store_batch` writes, inside its transaction.
pub(super) async fn write_batch(
    conn: &mut Conn<'_>,
    events: &[NewEvent],
    quarantined: &[NewQuarantine],
    inserted: &mut Vec<(usize, i64)>,
) -> Result<(), sqlx::Error> {
    if conn.is_postgres() {
        on_conn!(&mut *conn, |c| {
            sqlx::query("SELECT pg_advisory_xact_lock(727001)")
                .execute(&mut **c)
                .await?;
        });
    }
    match conn {
        // One statement for the whole batch whatever its size: the text never changes, so
        // PostgreSQL parses and plans it once per connection (PERFORMANCE.md lesson 4).
        Conn::Postgres(_) if events.is_empty() => {}
        Conn::Postgres(c) => {
            let rows = insert_events_unnest(c, events).await?;
            record_inserted(events, 0, rows, inserted);
        }
        Conn::Sqlite(_) => {
            for (chunk_no, chunk) in events.chunks(ROWS_PER_STATEMENT).enumerate() {
                insert_events(conn, chunk, chunk_no * ROWS_PER_STATEMENT, inserted).await?;
            }
        }
    }
    inserted.sort_unstable_by_key(|(_, id)| *id);
    insert_image_meta(conn, events, inserted).await?;
    aggregates::apply(conn, events, inserted).await?;
    insert_quarantine(conn, quarantined).await
}

/// SQLite: one multi-row INSERT of `chunk` (which starts at `base` in the batch); records the
/// `(index, id)` of the rows that were new.
async fn insert_events(
    conn: &mut Conn<'_>,
    chunk: &[NewEvent],
    base: usize,
    inserted: &mut Vec<(usize, i64)>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, String)> = on_conn!(&mut *conn, |c| {
        let mut qb = QueryBuilder::new(
            "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, \
             service, host, when_us, request_id, instance, tenant, message_id, dedupe_key, \
             received_us, json, state, old_state, old_task, task, image_type, image_status, \
             image_uuid, image_size) ",
        );
        qb.push_values(chunk, |mut b, e| {
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
        qb.push(" ON CONFLICT (deployment_id, dedupe_key) DO NOTHING RETURNING id, dedupe_key");
        // Full chunks repeat the same text: worth a cached prepared statement.
        let persistent = chunk.len() == ROWS_PER_STATEMENT;
        qb.build_query_as()
            .persistent(persistent)
            .fetch_all(&mut **c)
            .await?
    });
    record_inserted(chunk, base, rows, inserted);
    Ok(())
}

/// PostgreSQL: the batch as one `INSERT … SELECT FROM UNNEST(arrays)`, one array per column;
/// returns the `(id, dedupe key)` of the rows that were new.
async fn insert_events_unnest(
    c: &mut sqlx::PgConnection,
    events: &[NewEvent],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    fn col<'a, T>(events: &'a [NewEvent], f: impl Fn(&'a NewEvent) -> T) -> Vec<T> {
        events.iter().map(f).collect()
    }
    sqlx::query_as(
        "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, \
         service, host, when_us, request_id, instance, tenant, message_id, dedupe_key, \
         received_us, json, state, old_state, old_task, task, image_type, image_status, \
         image_uuid, image_size) \
         SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], \
         $6::text[], $7::text[], $8::int8[], $9::text[], $10::text[], $11::text[], $12::text[], \
         $13::text[], $14::int8[], $15::text[], $16::text[], $17::text[], $18::text[], \
         $19::text[], $20::int8[], $21::text[], $22::text[], $23::int8[]) \
         ON CONFLICT (deployment_id, dedupe_key) DO NOTHING RETURNING id, dedupe_key",
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

/// Matches the returned `(id, dedupe key)` rows back to their index in the batch. A key
/// repeated within the batch was stored from its first occurrence.
fn record_inserted(
    chunk: &[NewEvent],
    base: usize,
    rows: Vec<(i64, String)>,
    inserted: &mut Vec<(usize, i64)>,
) {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(chunk.len());
    for (i, e) in chunk.iter().enumerate() {
        index.entry(e.dedupe_key.as_str()).or_insert(base + i);
    }
    for (id, key) in rows {
        if let Some(&i) = index.get(key.as_str()) {
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
