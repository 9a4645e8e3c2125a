//! Opening a [`Store`]: the pool options per backend (each one measured), the server version
//! check (`versions` says what is too old), the migrations (with `migrate_repair` first on
//! PostgreSQL), and what is asked of the database as a whole (its size, fresh planner
//! statistics). MySQL's connecting and schema check live in `pool_mysql`.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Executor;

use crate::store::backend::{on_db, Store};
use crate::store::error::StoreError;
use crate::store::migrate_repair::repair_postgres;
use crate::store::pool_mysql::{connect_mysql, migrate_mysql};
use crate::store::sql::Sql;
use crate::store::versions::{check_postgres, check_sqlite};

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Every table of the MySQL schema, for `ANALYZE TABLE`.
const MYSQL_ANALYZE: &str = "ANALYZE TABLE deployments, raw_events, raw_image_meta, quarantine, \
     lifecycles, timings, request_trackers, instance_usages, instance_deletes, instance_exists, \
     image_usages, image_deletes, image_exists, json_reports, instance_reconcile, tenant_info, \
     tenant_types, tenant_info_types, timing_rollups, timing_day_rollups, scope_rollups, \
     minute_ids, exists_counts, stacky_names";

impl Store {
    /// Whether the database answers a trivial query (readiness probes).
    ///
    /// # Errors
    /// The database is unreachable or failing.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.execute(&Sql::new("SELECT 1")).await
    }

    /// Connects (creating a SQLite file on demand, WAL mode, durable commits). `mysql://` and
    /// `mariadb://` are the same backend.
    ///
    /// # Errors
    /// An unsupported URL scheme, a database that cannot be reached, a server (or SQLite
    /// library) too old ([`StoreError::UnsupportedServer`]).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite(connect_sqlite(url).await?))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres(connect_postgres(url).await?))
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Ok(Self::MySql(connect_mysql(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl {
                scheme: url_scheme(url).to_owned(),
            })
        }
    }

    /// Applies the migrations of this backend that are not applied yet.
    ///
    /// On PostgreSQL the checksums of migrations rewritten after release are repaired first
    /// (`migrate_repair`), so a database that applied their shipped text migrates on.
    ///
    /// # Errors
    /// A failing migration or a database that changed under us; on MySQL, a schema whose text
    /// does not compare byte for byte.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
            Self::Postgres(pool) => {
                repair_postgres(pool, &POSTGRES_MIGRATOR).await?;
                POSTGRES_MIGRATOR.run(pool).await?;
            }
            Self::MySql(pool) => migrate_mysql(pool).await?,
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
            // Both columns are UNSIGNED and their SUM a DECIMAL: the cast makes an `i64`.
            Self::MySql(_) => {
                "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS SIGNED) \
                 FROM information_schema.TABLES WHERE table_schema = DATABASE()"
            }
        };
        self.fetch_int(&Sql::new(sql)).await
    }

    /// Refreshes the planner's statistics (PostgreSQL and MySQL; autovacuum and InnoDB's
    /// automatic statistics do it in production, a benchmark that just bulk-loaded a table
    /// must not wait for them). SQLite: nothing, since the product never runs `ANALYZE` there
    /// either.
    ///
    /// # Errors
    /// Database errors.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(_) => {}
            Self::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
            // MySQL names its tables (it has no database-wide form). Sent as plain text, not
            // prepared; it answers a result set, which `execute` reads to the end.
            Self::MySql(pool) => {
                pool.execute(MYSQL_ANALYZE).await?;
            }
        }
        Ok(())
    }
}

/// The scheme of `url` (`oracle` in `oracle://…`), or `""` when the text before the first `:`
/// is not one (`user:password@host` has none, and must not be quoted in the error).
fn url_scheme(url: &str) -> &str {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if valid && url[scheme.len()..].starts_with("://") {
        scheme
    } else {
        ""
    }
}

/// The PostgreSQL pool, once its server is known to be new enough (closed again when not).
async fn connect_postgres(url: &str) -> Result<PgPool, StoreError> {
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?;
    let (num, version): (String, String) = sqlx::query_as(
        "SELECT current_setting('server_version_num'), current_setting('server_version')",
    )
    .fetch_one(&pool)
    .await?;
    if let Err(too_old) = check_postgres(&num, &version) {
        pool.close().await;
        return Err(too_old);
    }
    Ok(pool)
}

/// The SQLite pool (see [`sqlite_pool`]), once its library is known to be new enough.
async fn connect_sqlite(url: &str) -> Result<SqlitePool, StoreError> {
    let pool = sqlite_pool(url).await?;
    let (version,): (String,) = sqlx::query_as("SELECT sqlite_version()")
        .fetch_one(&pool)
        .await?;
    if let Err(too_old) = check_sqlite(&version) {
        pool.close().await;
        return Err(too_old);
    }
    Ok(pool)
}

/// The SQLite pool: WAL, durable commits, and the pragmas `stacktach bench` measured.
async fn sqlite_pool(url: &str) -> Result<SqlitePool, sqlx::Error> {
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

/// `BEGIN IMMEDIATE` on a pooled SQLite connection, run to its end whatever the caller does.
/// sqlx's SQLite `begin_with` is not cancel-safe (launchbadge/sqlx#3932): dropped after its
/// `BEGIN` ran but before it handed over the transaction, it left the pooled connection inside
/// that transaction, holding the write lock, and every later batch waited or failed. A batch
/// is dropped in flight whenever its consumer stops (the broker connection lost, the watchdog's
/// restart, shutdown). Here the begin runs in a task of its own: if the caller went away, the
/// finished transaction is dropped there and rolled back.
///
/// # Errors
/// Database errors; a panic of the task reads as a crashed worker.
pub(crate) async fn sqlite_begin_immediate(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both renderings of a failed connect, for the password checks.
    async fn connect_error(url: &str) -> (String, String) {
        let e = Store::connect(url).await.expect_err("connect fails");
        (e.to_string(), format!("{e:?}"))
    }

    fn assert_hidden((display, debug): &(String, String)) {
        assert!(!display.contains("SECRET"), "{display}");
        assert!(!debug.contains("SECRET"), "{debug}");
    }

    #[tokio::test]
    async fn an_unsupported_url_names_only_its_scheme() {
        let e = connect_error("oracle://u:SECRET@h/db").await;
        assert_hidden(&e);
        assert_eq!(
            e.0,
            "unsupported database URL scheme \"oracle\" (expected sqlite://…, postgres://…, \
             mysql://… or mariadb://…)"
        );
        let e = connect_error("u:SECRET@h/db").await;
        assert_hidden(&e);
        assert_eq!(
            e.0,
            "unsupported database URL without a scheme (expected sqlite://…, postgres://…, \
             mysql://… or mariadb://…)"
        );
    }

    #[tokio::test]
    async fn a_malformed_postgres_url_hides_its_password() {
        assert_hidden(&connect_error("postgres://u:SECRET@h:notaport/db").await);
        assert_hidden(&connect_error("postgres://u:SECRET@[::1/db").await);
        assert_hidden(&connect_error("postgres://u@h:notaport/db?password=SECRET").await);
    }

    #[tokio::test]
    async fn a_malformed_mysql_url_hides_its_password() {
        assert_hidden(&connect_error("mysql://u:SECRET@h:notaport/db").await);
        assert_hidden(&connect_error("mariadb://u:SECRET@[::1/db").await);
    }

    #[tokio::test]
    async fn an_unreachable_server_hides_the_password() {
        assert_hidden(&connect_error("postgres://u:SECRET@127.0.0.1:1/db").await);
        assert_hidden(&connect_error("mysql://u:SECRET@127.0.0.1:1/db").await);
    }
}
