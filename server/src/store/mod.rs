//! The SQL store: SQLite (embedded default) or PostgreSQL, chosen by the database URL.
//!
//! All SQL of the product lives under this module. Both backends are first class: queries are
//! written once with `$n` placeholders (SQLite accepts them too) and run on either pool through
//! [`with_pool!`]; DDL is per backend under `migrations/`.

mod aggregates;
mod deployments;
mod events;
mod quarantine;
mod queries;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use aggregates::{InstanceExistsRow, LifecycleRow, TimingRow, TrackerRow, UsageRow};
pub use events::{Committed, NewEvent, NewQuarantine};
pub use queries::stacky;
pub use queries::{EventColumns, EventsOf, Explained, QuarantineRecord, ScopeSample, TimeWindow};

/// Runs `$body` with `$pool` bound to whichever pool `$store` holds.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($pool) => $body,
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?} (expected sqlite://… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A connection pool to one of the supported databases. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    /// Connects (creating a SQLite file on demand, WAL mode, durable commits).
    ///
    /// # Errors
    /// An unsupported URL scheme or a database that cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // A 64 MiB page cache per connection (the default is 2 MiB): the indexes of
                // `raw_events` stay in memory while batches insert into them.
                .pragma("cache_size", "-65536")
                // Checkpoint the WAL every 64 MiB instead of every 4 MiB: fewer, larger
                // checkpoints while ingesting. Both measured with `stacktach bench`.
                .pragma("wal_autocheckpoint", "16384")
                // A multi-row INSERT inside a transaction keeps a statement journal (the
                // pages it changed, to undo just that statement). Past 64 KiB SQLite spills it
                // to a temporary file: one more write of every page plus an open, a close and
                // an unlink per batch. In memory it costs nothing of the sort (+18 % ingest,
                // measured with `stacktach bench`).
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Self::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_string()))
        }
    }

    /// Applies the migrations of this backend that are not applied yet.
    ///
    /// # Errors
    /// A failing migration or a database that changed under us.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    /// `sqlite` or `postgres`, for logs and the status page.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}
