//! `process_heartbeats`: the shared status board. Every `serve` and `worker` process writes
//! its consumers' state here every few seconds (`crate::telemetry::heartbeat`), one row per
//! process and consumer, and every web node reads the rows of the last day, so the status
//! page and `/api/v1/status` show every process's consumers, not only its own.
//!
//! A process's rows are written in one statement (an upsert of all of them) inside one
//! transaction: a reader never sees half a beat. Only the process itself writes its rows, so
//! no beat can overwrite a newer one. Rows whose beat is older than the writers' horizon are
//! deleted by the writers ([`Store::expire_heartbeats`]), so a process that died without its
//! final beat vanishes after a day and the table stays as small as the region.

use app::model::{ConsumerState, ProcessKind};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// One row of `process_heartbeats`: a process as of its last beat, and one of its consumers
/// (or, for a process without consumers, none: `deployment` and `exchange` are empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatRow {
    /// The random id the process chose at start.
    pub process_id: String,
    pub pid: u32,
    pub host: String,
    pub kind: ProcessKind,
    /// When the process started (UTC µs).
    pub started_at: i64,
    /// When the process wrote this beat (UTC µs, its own clock).
    pub beat_at: i64,
    /// The final beat's time, when the process shut down cleanly; `None` while it runs.
    pub stopped_at: Option<i64>,
    /// Empty on a process's only row when it runs no consumer.
    pub deployment: String,
    pub exchange: String,
    /// A state this version does not know reads as [`ConsumerState::Stopped`].
    pub state: ConsumerState,
    pub stored: u64,
    pub quarantined: u64,
    pub reconnects: u64,
    pub last_minute: u64,
    /// When the consumer last committed a batch (UTC µs).
    pub last_message: Option<i64>,
    /// Sanitised and bounded by the writer.
    pub last_error: Option<String>,
}

impl HeartbeatRow {
    /// Whether this row stands for the process alone (it runs no consumer).
    pub fn is_process_only(&self) -> bool {
        self.deployment.is_empty() && self.exchange.is_empty()
    }
}

/// A row as it is read.
#[derive(sqlx::FromRow)]
struct Stored {
    #[sqlx(try_from = "Text")]
    process_id: String,
    #[sqlx(try_from = "Text")]
    deployment: String,
    #[sqlx(try_from = "Text")]
    exchange: String,
    pid: i64,
    #[sqlx(try_from = "Text")]
    host: String,
    #[sqlx(try_from = "Text")]
    kind: String,
    started_at: i64,
    beat_at: i64,
    stopped_at: Option<i64>,
    #[sqlx(try_from = "Text")]
    state: String,
    stored_count: i64,
    quarantined: i64,
    reconnects: i64,
    last_minute: i64,
    last_message: Option<i64>,
    #[sqlx(try_from = "OptText")]
    last_error: Option<String>,
}

impl From<Stored> for HeartbeatRow {
    fn from(r: Stored) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Self {
            process_id: r.process_id,
            pid: u32::try_from(r.pid).unwrap_or(0),
            host: r.host,
            kind: ProcessKind::parse(&r.kind),
            started_at: r.started_at,
            beat_at: r.beat_at,
            stopped_at: r.stopped_at,
            deployment: r.deployment,
            exchange: r.exchange,
            state: ConsumerState::parse(&r.state).unwrap_or(ConsumerState::Stopped),
            stored: count(r.stored_count),
            quarantined: count(r.quarantined),
            reconnects: count(r.reconnects),
            last_minute: count(r.last_minute),
            last_message: r.last_message,
            last_error: r.last_error,
        }
    }
}

/// The most rows a status read returns (the newest beats): hundreds of processes with a
/// handful of consumers each.
pub const MAX_HEARTBEAT_ROWS: i64 = 2_000;

const COLUMNS: &str = "process_id, deployment, exchange, pid, host, kind, started_at, beat_at, \
     stopped_at, state, stored_count, quarantined, reconnects, last_minute, last_message, \
     last_error";

/// What a beat updates of a row that exists (identity and start never change).
const UPDATED: [&str; 9] = [
    "beat_at",
    "stopped_at",
    "state",
    "stored_count",
    "quarantined",
    "reconnects",
    "last_minute",
    "last_message",
    "last_error",
];

impl Store {
    /// Writes one beat of a process: `rows` (all of the same process) inserted or, where the
    /// process already has them, updated, in one transaction.
    ///
    /// # Errors
    /// Database errors (nothing of the beat is stored then).
    pub async fn record_heartbeat(&self, rows: &[HeartbeatRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut sql = Sql::new(&format!("INSERT INTO process_heartbeats ({COLUMNS}) "));
        sql.values(rows, |t, r| {
            t.bind(r.process_id.as_str())
                .bind(r.deployment.as_str())
                .bind(r.exchange.as_str())
                .bind(i64::from(r.pid))
                .bind(r.host.as_str())
                .bind(r.kind.as_str())
                .bind(r.started_at)
                .bind(r.beat_at)
                .bind(r.stopped_at)
                .bind(r.state.label())
                .bind(to_i64(r.stored))
                .bind(to_i64(r.quarantined))
                .bind(to_i64(r.reconnects))
                .bind(to_i64(r.last_minute))
                .bind(r.last_message)
                .bind(r.last_error.as_deref());
        });
        sql.persistent(false);
        if self.is_mysql() {
            let set: Vec<String> = UPDATED
                .iter()
                .map(|c| format!("{c} = VALUES({c})"))
                .collect();
            sql.push(&format!(" ON DUPLICATE KEY UPDATE {}", set.join(", ")));
        } else {
            let set: Vec<String> = UPDATED
                .iter()
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            sql.push(&format!(
                " ON CONFLICT (process_id, deployment, exchange) DO UPDATE SET {}",
                set.join(", ")
            ));
        }
        let mut tx = self.begin().await?;
        tx.execute(&sql).await?;
        tx.commit().await
    }

    /// The newest [`MAX_HEARTBEAT_ROWS`] rows whose beat is at or after `since` (UTC µs;
    /// index `(beat_at)`), by process and consumer. Bounded because every status request
    /// reads it: a crash-looping unit (a new process id every restart) must not grow the page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn heartbeats_since(&self, since: i64) -> Result<Vec<HeartbeatRow>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM process_heartbeats WHERE beat_at >= "
        ));
        sql.int(since)
            .push(" ORDER BY beat_at DESC LIMIT ")
            .int(MAX_HEARTBEAT_ROWS);
        let rows: Vec<Stored> = self.fetch_all(&sql).await?;
        let mut rows: Vec<HeartbeatRow> = rows.into_iter().map(HeartbeatRow::from).collect();
        rows.sort_by(|a, b| {
            (&a.process_id, &a.deployment, &a.exchange).cmp(&(
                &b.process_id,
                &b.deployment,
                &b.exchange,
            ))
        });
        Ok(rows)
    }

    /// Deletes every row whose beat is before `before` (UTC µs: the processes that stopped
    /// beating that long ago), and the rows of processes that said they exited before
    /// `exited_before`. Answers how many rows went.
    ///
    /// # Errors
    /// Database errors.
    pub async fn expire_heartbeats(
        &self,
        before: i64,
        exited_before: i64,
    ) -> Result<u64, StoreError> {
        let mut sql = Sql::new("DELETE FROM process_heartbeats WHERE beat_at < ");
        sql.int(before)
            .push(" OR (stopped_at IS NOT NULL AND stopped_at < ")
            .int(exited_before)
            .push(")");
        self.execute_rows(&sql).await
    }
}
