//! Opening a MySQL or MariaDB [`Store`](crate::store::Store): the server check, the session
//! settings every pooled connection gets, and the schema check after the migrations.
//!
//! Never log a `MySqlConnectOptions`: its `Debug` prints the password.

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlPool, MySqlPoolOptions};
use sqlx::{Connection, Executor};

use crate::store::error::StoreError;
use crate::store::text::{OptText, Text};
use crate::store::versions::{check_mysql, MySqlFlavour};

static MYSQL_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/mysql");

/// The collations the migrations give every table: binary and NO PAD (MariaDB's, MySQL's).
const COLLATIONS: [&str; 2] = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"];

/// Below this `max_allowed_packet` a large notification cannot be stored (it is quarantined
/// instead), so startup warns; MySQL 8's default is 64 MiB, MariaDB's 16 MiB.
const PACKET_WARN_BELOW: u64 = 64 << 20;

/// What one look at the server tells: which flavour it is and how its sessions must be set.
#[derive(Debug, Clone, Copy)]
struct Server {
    mariadb: bool,
    /// `READ COMMITTED` is refused for InnoDB writes under statement-based binary logging.
    read_committed: bool,
}

/// Connects to `url` (`mysql://…` or `mariadb://…`): checks the server once, then opens the
/// pool whose every connection gets [`Server::prepare`]'s session settings.
///
/// # Errors
/// A server that cannot be reached or is too old.
pub(crate) async fn connect_mysql(url: &str) -> Result<MySqlPool, StoreError> {
    // sqlx ignores the scheme, so `mariadb://` parses as well; utf8mb4 is its default charset,
    // named here because every text column is utf8mb4 and `Text` checks for UTF-8.
    let options = MySqlConnectOptions::from_str(url)?.charset("utf8mb4");
    let server = Server::probe(&options).await?;
    let pool = MySqlPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| Box::pin(async move { server.prepare(conn).await }))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Applies the MySQL migrations not applied yet, then refuses a schema whose text does not
/// compare byte for byte (one created by hand or converted with another collation).
///
/// # Errors
/// A failing migration; a `raw_events` table with another collation.
pub(crate) async fn migrate_mysql(pool: &MySqlPool) -> Result<(), StoreError> {
    MYSQL_MIGRATOR.run(pool).await?;
    let (collation,): (OptText,) = sqlx::query_as(
        "SELECT table_collation FROM information_schema.TABLES \
         WHERE table_schema = DATABASE() AND table_name = 'raw_events'",
    )
    .fetch_one(pool)
    .await?;
    let found = collation.0.unwrap_or_default();
    if COLLATIONS.contains(&found.as_str()) {
        Ok(())
    } else {
        Err(StoreError::Collation { found })
    }
}

impl Server {
    /// One connection's look at the server: its version (refused when too old), its binary
    /// log format and its packet limit (warned about when small).
    async fn probe(options: &MySqlConnectOptions) -> Result<Self, StoreError> {
        let mut conn = MySqlConnection::connect_with(options).await?;
        let (version, binlog, packet): (Text, OptText, u64) = sqlx::query_as(
            "SELECT VERSION(), @@binlog_format, CAST(@@max_allowed_packet AS UNSIGNED)",
        )
        .fetch_one(&mut conn)
        .await?;
        conn.close().await?;
        let mariadb = check_mysql(&version.0)? == MySqlFlavour::MariaDb;
        let statement_binlog = binlog.0.as_deref() == Some("STATEMENT");
        if statement_binlog {
            tracing::warn!(
                "the server logs statements (binlog_format = STATEMENT), which READ COMMITTED \
                 cannot write under: sessions stay REPEATABLE READ"
            );
        }
        if packet < PACKET_WARN_BELOW {
            tracing::warn!(
                max_allowed_packet = packet,
                "the server's max_allowed_packet is under 64 MiB: a larger notification is \
                 quarantined instead of stored"
            );
        }
        Ok(Self {
            mariadb,
            read_committed: !statement_binlog,
        })
    }

    /// The session settings of a new pooled connection: strict mode (an over-long value is an
    /// error, never silently truncated), `READ COMMITTED` (PostgreSQL's reads; fewer gap
    /// locks), and a recursion limit above the `/stacky` lists' 10,000 rows: MariaDB's default
    /// of 1,000 silently truncates a recursive CTE, MySQL's errors. MySQL also caches table
    /// statistics for a day unless told not to (the database size would lag).
    async fn prepare(self, conn: &mut MySqlConnection) -> Result<(), sqlx::Error> {
        let limits = if self.mariadb {
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES'), \
             SESSION max_recursive_iterations = 1000000"
        } else {
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES'), \
             SESSION cte_max_recursion_depth = 1000000, \
             SESSION information_schema_stats_expiry = 0"
        };
        conn.execute(limits).await?;
        if self.read_committed {
            conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                .await?;
        }
        Ok(())
    }
}
