//! Opening a [`Store`]: the pool options per backend (each one measured), the migrations, and
//! what is asked of the database as a whole (its size, fresh planner statistics).

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::store::backend::{on_db, Store};
use crate::store::error::StoreError;
use crate::store::sql::Sql;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Store {
    /// Connects (creating a SQLite file on demand, WAL mode, durable commits).
    ///
    /// # Errors
    /// An unsupported URL scheme or a database that cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite(connect_sqlite(url).await?))
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

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }

    /// The database's size on disk in bytes.
    ///
    /// # Errors
    /// Database errors.
    pub async fn database_size(&self) -> Result<i64, StoreError> {
        let sql = match self {
            Self::Sqlite(_) => {
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            }
            Self::Postgres(_) => "SELECT pg_database_size(current_database())",
        };
        self.fetch_int(&Sql::new(sql)).await
    }

    /// Refreshes the planner's statistics (PostgreSQL; autovacuum does it in production, a
    /// benchmark that just bulk-loaded a table must not wait for it). SQLite: nothing, since
    /// the product never runs `ANALYZE` there either.
    ///
    /// # Errors
    /// Database errors.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        if let Self::Postgres(pool) = self {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }
}

/// The SQLite pool: WAL, durable commits, and the pragmas `stacktach bench` measured.
async fn connect_sqlite(url: &str) -> Result<SqlitePool, sqlx::Error> {
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
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
}
