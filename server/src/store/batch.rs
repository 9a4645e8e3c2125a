//! [`BatchTx`]: the one transaction an ingested batch is stored in: its raw events, what they
//! aggregate into and its quarantined messages. Nothing is visible, and nothing may be acked,
//! before [`BatchTx::commit`] returns `Ok`; dropping the transaction rolls it back.
//!
//! The store offers the steps (`insert_events` in `events::write`, `load` and `write` in
//! `aggregates`, `insert_quarantine` in `quarantine`); `crate::ingest` drives them in order.

use sqlx::{MySql, Postgres, Sqlite, Transaction};

use crate::store::backend::{on_db, Conn, Db, Store};
use crate::store::error::StoreError;
use crate::store::pool::sqlite_begin_immediate;

/// The first statement of a PostgreSQL batch: the locks that announce the event and
/// quarantine ids it may take (above each id sequence's value now) to the feed horizons
/// (`store::horizon`; shared locks: batches never wait for each other on them), and no
/// sequential scans for the rest of the transaction.
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
pub(crate) const POSTGRES_BATCH_START: &str = "SELECT pg_advisory_xact_lock_shared(\
     4611686018427387904 + (SELECT CASE WHEN is_called THEN last_value ELSE 0 END \
     FROM raw_events_id_seq)), pg_advisory_xact_lock_shared(\
     2305843009213693952 + (SELECT CASE WHEN is_called THEN last_value ELSE 0 END \
     FROM quarantine_id_seq)), set_config('enable_seqscan', 'off', true)";

/// The aggregate-key locks of a PostgreSQL batch: one transaction-scoped advisory lock per
/// key hash (the two-`int4` form, namespace 727002), taken in ascending order in one statement,
/// so two batches touching the same instance, request or image wait for each other and two
/// that share no key never do, and no two batches can deadlock on them.
const POSTGRES_KEY_LOCKS: &str =
    "SELECT pg_advisory_xact_lock(727002, k) FROM UNNEST($1::int4[]) AS k";

/// The gate every PostgreSQL batch passes before its key locks: shared by the batches that
/// lock their keys one by one, exclusive for one with more than [`MAX_KEY_LOCKS`] keys, which
/// then aggregates alone instead of filling PostgreSQL's lock table (it holds
/// `max_locks_per_transaction` × `max_connections` locks for the whole server, 6,400 by
/// default: a few batches of a thousand events, an instance and a request each, would exhaust
/// it and every transaction would fail with "out of shared memory").
const POSTGRES_GATE_SHARED: &str = "SELECT pg_advisory_xact_lock_shared(727003, 0)";
const POSTGRES_GATE_ALONE: &str = "SELECT pg_advisory_xact_lock(727003, 0)";

/// The most key locks one batch takes. A batch of a few hundred events names more and
/// aggregates alone; its inserts still overlap other batches' (two consumers at the default
/// prefetch, batches of up to 1,000, store 1.28× as fast as one: `stacktach bench-workers`).
pub const MAX_KEY_LOCKS: usize = 256;

/// The first statement of a MySQL batch: it locks the one row of `ingest_lock` until the
/// transaction ends (MySQL's `pg_advisory_xact_lock`; see [`Store::begin_batch`]), and reads
/// the largest statement the server accepts, which the batch's inserts stay under.
///
/// Why a row and not `GET_LOCK`: a named lock belongs to the session, survives a rollback, and
/// a batch dropped on an error would hand its pooled connection back still holding it, so
/// every later batch would wait forever. A row lock ends with COMMIT or ROLLBACK, including
/// sqlx's rollback when a transaction is dropped. (The cast makes the value UNSIGNED BIGINT on
/// MySQL and MariaDB alike: `u64`.)
const MYSQL_BATCH_START: &str =
    "SELECT CAST(@@max_allowed_packet AS UNSIGNED) FROM ingest_lock WHERE id = 1 FOR UPDATE";

/// An open batch transaction of any backend.
pub struct BatchTx {
    tx: Db<
        Transaction<'static, Sqlite>,
        Transaction<'static, Postgres>,
        Transaction<'static, MySql>,
    >,
    /// MySQL's `max_allowed_packet`: the most bytes one statement may carry.
    max_packet: Option<u64>,
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
    /// Opens the transaction of one batch.
    ///
    /// On PostgreSQL batches run concurrently: the first statement announces the ids the
    /// batch may take to the feed horizon (so a reader resuming by id never passes one still
    /// uncommitted, `store::horizon`), and [`BatchTx::lock_keys`] makes batches that aggregate
    /// into the same rows wait for each other. MySQL orders batches with a locked row (waiting
    /// up to `innodb_lock_wait_timeout`, 50 s by default, then failing the batch, which is
    /// retried), so ids commit in order there: concurrent batches would need per-key locks
    /// that end with the transaction, which MySQL has only as row locks (`GET_LOCK` belongs to
    /// the session and outlives a rollback). On SQLite the
    /// transaction is `BEGIN IMMEDIATE`: it holds the database's write lock from the start,
    /// because the batch reads (which keys are stored already) before it writes, and a
    /// deferred transaction could not upgrade its read snapshot to a write if another batch
    /// committed in between.
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin_batch(&self) -> Result<BatchTx, StoreError> {
        let mut max_packet = None;
        let tx = match self {
            Self::Sqlite(pool) => Db::Sqlite(sqlite_begin_immediate(pool).await?),
            Self::Postgres(pool) => {
                let mut tx = pool.begin_with("BEGIN").await?;
                sqlx::query(POSTGRES_BATCH_START).execute(&mut *tx).await?;
                Db::Postgres(tx)
            }
            Self::MySql(pool) => {
                let mut tx = pool.begin().await?;
                let packet: u64 = sqlx::query_scalar(MYSQL_BATCH_START)
                    .fetch_one(&mut *tx)
                    .await?;
                max_packet = Some(packet);
                Db::MySql(tx)
            }
        };
        Ok(BatchTx { tx, max_packet })
    }
}

impl BatchTx {
    /// The transaction's connection, for the statements of each table's module.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match &mut self.tx {
            Db::Sqlite(tx) => Db::Sqlite(&mut **tx),
            Db::Postgres(tx) => Db::Postgres(&mut **tx),
            Db::MySql(tx) => Db::MySql(&mut **tx),
        }
    }

    /// Makes this batch the only open one aggregating into the rows of `keys` (hashes of the
    /// instances, requests and images its events touch, see `aggregate::lock_keys`) until it
    /// ends: on PostgreSQL, where batches run concurrently, the aggregate rows are read,
    /// changed in memory and written back, and two batches doing that to one row at once would
    /// lose one's change. A batch with more than [`MAX_KEY_LOCKS`] keys aggregates alone
    /// instead (one lock, waiting for every other batch's aggregation). Call it once, before
    /// the first load. Elsewhere a no-op (batches already run one at a time).
    ///
    /// # Errors
    /// Database errors (a deadlock with a batch waiting on this one's inserts is transient).
    pub async fn lock_keys(&mut self, keys: &[i32]) -> Result<(), StoreError> {
        let (Db::Postgres(tx), false) = (&mut self.tx, keys.is_empty()) else {
            return Ok(());
        };
        if keys.len() > MAX_KEY_LOCKS {
            sqlx::query(POSTGRES_GATE_ALONE).execute(&mut **tx).await?;
            return Ok(());
        }
        sqlx::query(POSTGRES_GATE_SHARED).execute(&mut **tx).await?;
        sqlx::query(POSTGRES_KEY_LOCKS)
            .bind(keys)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// MySQL's `max_allowed_packet` (read when the batch began): one statement, binds
    /// included, must stay under it or the server drops the connection. `None` on the other
    /// backends, which have no such limit.
    pub(crate) fn max_packet(&self) -> Option<u64> {
        self.max_packet
    }

    /// Commits everything the batch wrote.
    ///
    /// # Errors
    /// Database errors: nothing of the batch is stored and it must be retried.
    pub async fn commit(self) -> Result<(), StoreError> {
        on_db!(self.tx, tx => tx.commit().await?);
        Ok(())
    }
}
