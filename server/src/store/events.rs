//! The `raw_events` and `raw_image_meta` tables: batched idempotent inserts (which also drive
//! aggregation, in the same transaction) and the feed queries.

use app::model::{EventRow, Micros};
use sqlx::QueryBuilder;

use super::aggregates::Conn;
use super::{with_pool, Store, StoreError};
use crate::notification::Detail;

mod write;

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

/// A message that could not be parsed, kept as received.
#[derive(Debug, Clone)]
pub struct NewQuarantine {
    pub deployment_id: i64,
    pub exchange: String,
    pub routing_key: String,
    pub error: String,
    pub body: Vec<u8>,
    pub received_us: i64,
}

const EVENT_COLUMNS: &str = "e.id, e.deployment_id, d.name, e.exchange, e.routing_key, e.event, \
     e.publisher, e.service, e.host, e.when_us, e.request_id, e.instance, e.tenant";

type EventRecord = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<String>,
);

fn to_row(r: EventRecord) -> EventRow {
    EventRow {
        id: r.0,
        deployment_id: r.1,
        deployment: r.2,
        exchange: r.3,
        routing_key: r.4,
        event: r.5,
        publisher: r.6,
        service: r.7,
        host: r.8.unwrap_or_default(),
        when: Micros(r.9),
        request_id: r.10,
        instance: r.11.unwrap_or_default(),
        tenant: r.12.unwrap_or_default(),
    }
}

/// What one committed batch stored.
#[derive(Debug, Default)]
pub struct Committed {
    /// `(index into the events slice, assigned id)` of every newly stored event, in id order.
    pub inserted: Vec<(usize, i64)>,
    /// Events that were already stored (redeliveries).
    pub duplicates: usize,
    pub quarantined: usize,
}

impl Store {
    /// Stores a batch in ONE transaction: new events (duplicates by deployment, timestamp and
    /// dedupe key are skipped), their image meta, everything they aggregate into (lifecycles,
    /// timings, trackers, usages, deletes, exists; duplicates are not aggregated again) and
    /// quarantined messages. Nothing is visible, and nothing may be acked, before this returns
    /// `Ok`.
    ///
    /// On PostgreSQL the transaction takes an advisory lock first, so ids are assigned in
    /// commit order there too (the live feed resumes by id and must never see a smaller id
    /// commit after a larger one), and aggregation never races another batch. On SQLite the
    /// transaction is `BEGIN IMMEDIATE`: it holds the database's write lock from the start.
    ///
    /// # Errors
    /// Database errors; the transaction is rolled back and the batch must be retried.
    pub async fn store_batch(
        &self,
        events: &[NewEvent],
        quarantined: &[NewQuarantine],
    ) -> Result<Committed, StoreError> {
        let mut inserted = Vec::with_capacity(events.len());
        // SQLite: the write lock up front. The batch reads (which keys are stored already)
        // before it writes, and a deferred transaction could not upgrade its read snapshot to
        // a write if another batch committed in between.
        let begin = match self {
            Self::Sqlite(_) => "BEGIN IMMEDIATE",
            Self::Postgres(_) => "BEGIN",
        };
        with_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            write::write_batch(&mut Conn::from(&mut *tx), events, quarantined, &mut inserted)
                .await?;
            tx.commit().await?;
        });
        Ok(Committed {
            duplicates: events.len() - inserted.len(),
            inserted,
            quarantined: quarantined.len(),
        })
    }

    /// The newest `limit` events, newest first, of one deployment or all.
    ///
    /// # Errors
    /// Database errors.
    pub async fn recent_events(
        &self,
        deployment: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows: Vec<EventRecord> = with_pool!(self, pool => match deployment {
            Some(dep) => sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM raw_events e JOIN deployments d ON d.id = e.deployment_id \
                 WHERE e.deployment_id = $1 ORDER BY e.id DESC LIMIT $2"))
                .bind(dep).bind(i64::from(limit)).fetch_all(pool).await?,
            None => sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM raw_events e JOIN deployments d ON d.id = e.deployment_id \
                 ORDER BY e.id DESC LIMIT $1"))
                .bind(i64::from(limit)).fetch_all(pool).await?,
        });
        Ok(rows.into_iter().map(to_row).collect())
    }

    /// Events with an id above `after`, oldest first, at most `limit`: the live feed's backfill.
    ///
    /// # Errors
    /// Database errors.
    pub async fn events_after(
        &self,
        after: i64,
        deployment: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows: Vec<EventRecord> = with_pool!(self, pool => match deployment {
            Some(dep) => sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM raw_events e JOIN deployments d ON d.id = e.deployment_id \
                 WHERE e.deployment_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3"))
                .bind(dep).bind(after).bind(i64::from(limit)).fetch_all(pool).await?,
            None => sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM raw_events e JOIN deployments d ON d.id = e.deployment_id \
                 WHERE e.id > $1 ORDER BY e.id LIMIT $2"))
                .bind(after).bind(i64::from(limit)).fetch_all(pool).await?,
        });
        Ok(rows.into_iter().map(to_row).collect())
    }

    /// The highest stored event id (0 when empty).
    ///
    /// # Errors
    /// Database errors.
    pub async fn max_event_id(&self) -> Result<i64, StoreError> {
        with_pool!(self, pool => {
            let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM raw_events")
                .fetch_one(pool)
                .await?;
            Ok(id.unwrap_or(0))
        })
    }

    /// Stored events whose message id is one of `ids`: how tests check "published = stored".
    ///
    /// # Errors
    /// Database errors.
    pub async fn count_events_with_message_ids(&self, ids: &[String]) -> Result<i64, StoreError> {
        let mut total = 0;
        for chunk in ids.chunks(500) {
            with_pool!(self, pool => {
                let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM raw_events WHERE message_id IN (");
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(id);
                }
                qb.push(")");
                let n: i64 = qb.build_query_scalar().fetch_one(pool).await?;
                total += n;
            });
        }
        Ok(total)
    }
}

impl Store {
    /// Events with `after < id <= upto` (of one deployment or all): what a lagging live
    /// subscriber skipped.
    ///
    /// # Errors
    /// Database errors.
    pub async fn count_events_between(
        &self,
        after: i64,
        upto: i64,
        deployment: Option<i64>,
    ) -> Result<i64, StoreError> {
        with_pool!(self, pool => {
            let n: i64 = match deployment {
                Some(dep) => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM raw_events WHERE deployment_id = $1 AND id > $2 AND id <= $3")
                    .bind(dep).bind(after).bind(upto).fetch_one(pool).await?,
                None => sqlx::query_scalar("SELECT COUNT(*) FROM raw_events WHERE id > $1 AND id <= $2")
                    .bind(after).bind(upto).fetch_one(pool).await?,
            };
            Ok(n)
        })
    }
}
