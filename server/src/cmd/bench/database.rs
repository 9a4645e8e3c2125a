//! A fresh database per benchmark run: a SQLite file in a new temporary directory, or a new
//! PostgreSQL or MySQL/MariaDB database next to the one the URL names (created, then dropped).
//! The names are the benchmark's own, never taken from the user. The URLs are
//! [`DatabaseUrl`]s: the admin URL and the fresh database's carry the user's password, and
//! print without it. Also which databases the benchmarks measure when no `--database-url` is
//! given.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sqlx::Connection;

use crate::config::DatabaseUrl;
use crate::store::Store;

/// The PostgreSQL server the benchmarks measure without a `--database-url`.
pub const POSTGRES_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// What every benchmark measures without a `--database-url`, in this order.
const DEFAULT_URLS: [&str; 2] = ["sqlite:", POSTGRES_DEFAULT];
/// The MySQL/MariaDB server the benchmarks add to [`DEFAULT_URLS`] when it answers (its admin
/// database: the fresh one is created next to it), so a machine without one still runs them.
const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/mysql";
/// How long the default MySQL server has to answer before the benchmarks go on without it.
const MYSQL_PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long dropping a benchmark MySQL database waits for a metadata lock (MariaDB's default
/// is a day) once its leftover connections are killed.
const MYSQL_DROP_LOCK_WAIT_SECS: u32 = 10;

/// The databases to measure: `given`, else SQLite, PostgreSQL and, when its server answers,
/// MySQL (`mysql://root@127.0.0.1:3306/mysql`); a server that does not is named on stdout.
pub async fn or_defaults(given: &[DatabaseUrl]) -> Vec<DatabaseUrl> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let mut urls: Vec<DatabaseUrl> = DEFAULT_URLS.into_iter().map(DatabaseUrl::from).collect();
    let mysql = DatabaseUrl::from(DEFAULT_MYSQL_URL);
    let probe = tokio::time::timeout(
        MYSQL_PROBE_TIMEOUT,
        sqlx::MySqlConnection::connect(mysql.expose()),
    )
    .await;
    match probe {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            urls.push(mysql);
        }
        Ok(Err(e)) => println!("Not measuring MySQL: {mysql} refused ({e})."),
        Err(_) => println!("Not measuring MySQL: {mysql} did not answer."),
    }
    urls
}

/// Runs `measure` on a fresh, migrated database per URL of `given` (else the defaults), one
/// after the other, dropping each afterwards (with `keep`: naming it instead). `bench` names
/// the benchmark in errors; `tag` tells its databases from other benchmarks'.
///
/// # Errors
/// The first database that cannot be created, or whose measurement fails (named).
pub async fn on_each_fresh(
    given: &[DatabaseUrl],
    (bench, tag): (&str, char),
    keep: bool,
    measure: impl AsyncFn(&Store, &DatabaseUrl) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for (index, url) in or_defaults(given).await.iter().enumerate() {
        let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
        let db = FreshDb::create(url, &format!("{id}_{index}{tag}")).await?;
        let result = async {
            let store = db.open().await?;
            let outcome = measure(&store, db.url()).await;
            store.close().await;
            outcome
        }
        .await;
        if keep {
            println!("Kept: {}", db.url());
        } else {
            db.drop_it().await;
        }
        result.with_context(|| format!("{bench} on {url}"))?;
    }
    Ok(())
}

/// A database that exists only for one benchmark run.
pub enum FreshDb {
    Sqlite {
        dir: PathBuf,
        url: DatabaseUrl,
    },
    Postgres {
        admin: DatabaseUrl,
        name: String,
        url: DatabaseUrl,
    },
    MySql {
        admin: DatabaseUrl,
        name: String,
        url: DatabaseUrl,
    },
}

impl FreshDb {
    /// Creates a fresh database on the server `url` points at (`sqlite:` anything: a temporary
    /// file; `postgres://…/db` or `mysql://…/db` (`mariadb://` alike): a new database on that
    /// server, in utf8mb4 for MySQL; the migrations set each table's collation).
    ///
    /// # Errors
    /// An unsupported URL, or a server that refuses to create the database.
    pub async fn create(admin: &DatabaseUrl, id: &str) -> anyhow::Result<Self> {
        let name = format!("stacktach_bench_{id}");
        let url = admin.expose();
        match admin.scheme().as_str() {
            "sqlite" => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                let file = dir.join("bench.db");
                let url = DatabaseUrl::from(format!("sqlite://{}", file.display()));
                Ok(Self::Sqlite { dir, url })
            }
            "postgres" | "postgresql" => {
                let mut conn = sqlx::PgConnection::connect(url)
                    .await
                    .with_context(|| format!("cannot connect to {admin}"))?;
                let created = sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await;
                let _ = conn.close().await;
                created.context("cannot create the benchmark database")?;
                let url = DatabaseUrl::from(with_database(url, &name));
                let admin = admin.clone();
                Ok(Self::Postgres { admin, name, url })
            }
            "mysql" | "mariadb" => {
                let mut conn = sqlx::MySqlConnection::connect(url)
                    .await
                    .with_context(|| format!("cannot connect to {admin}"))?;
                let sql = format!("CREATE DATABASE {name} CHARACTER SET utf8mb4");
                let created = sqlx::raw_sql(&sql).execute(&mut conn).await;
                let _ = conn.close().await;
                created.context("cannot create the benchmark database")?;
                let url = DatabaseUrl::from(with_database(url, &name));
                let admin = admin.clone();
                Ok(Self::MySql { admin, name, url })
            }
            _ => anyhow::bail!(
                "--database-url {admin:?}: expected sqlite:…, postgres://… or mysql://…"
            ),
        }
    }

    /// The URL of the fresh database.
    pub fn url(&self) -> &DatabaseUrl {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } | Self::MySql { url, .. } => url,
        }
    }

    /// `sqlite`, `postgres` or `mysql`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
            Self::MySql { .. } => "mysql",
        }
    }

    /// Opens and migrates it.
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let store = Store::connect(self.url().expose()).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Removes it; a failure is logged (the database is then left behind, named).
    pub async fn drop_it(self) {
        let (name, dropped) = match self {
            Self::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
                return;
            }
            Self::Postgres { admin, name, .. } => {
                let dropped = drop_postgres(&admin, &name).await;
                (name, dropped)
            }
            Self::MySql { admin, name, .. } => {
                let dropped = drop_mysql(&admin, &name).await;
                (name, dropped)
            }
        };
        if let Err(e) = dropped {
            tracing::warn!(database = %name, error = %e, "Could not drop the benchmark database.");
        }
    }
}

/// `DROP DATABASE … WITH (FORCE)`: PostgreSQL ends the sessions still connected to it.
async fn drop_postgres(admin: &DatabaseUrl, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = sqlx::PgConnection::connect(admin.expose()).await?;
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let dropped = sqlx::raw_sql(&sql).execute(&mut conn).await;
    let _ = conn.close().await;
    dropped.map(|_| ())
}

/// MySQL has no `WITH (FORCE)`, and `DROP DATABASE` waits for the metadata locks of every
/// session still in it (a pool a failed phase left open): those sessions are killed first, and
/// the drop waits [`MYSQL_DROP_LOCK_WAIT_SECS`] at most for the rest.
async fn drop_mysql(admin: &DatabaseUrl, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = sqlx::MySqlConnection::connect(admin.expose()).await?;
    let dropped = async {
        let sessions: Vec<i64> = sqlx::query_scalar(
            "SELECT CAST(id AS SIGNED) FROM information_schema.PROCESSLIST \
             WHERE db = ? AND id <> CONNECTION_ID()",
        )
        .bind(name)
        .fetch_all(&mut conn)
        .await?;
        for id in sessions {
            // A session that ended meanwhile is "Unknown thread id": nothing left to do.
            let _ = sqlx::raw_sql(&format!("KILL {id}"))
                .execute(&mut conn)
                .await;
        }
        let sql = format!(
            "SET SESSION lock_wait_timeout = {MYSQL_DROP_LOCK_WAIT_SECS}; \
             DROP DATABASE IF EXISTS {name}"
        );
        sqlx::raw_sql(&sql).execute(&mut conn).await.map(|_| ())
    }
    .await;
    let _ = conn.close().await;
    dropped
}

/// `url` with its database name replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| scheme_end + i);
    let server = path_start.map_or(base, |i| &base[..i]);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{server}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::{with_database, DatabaseUrl, FreshDb};

    /// Display (with its causes) and Debug of `e`, asserting neither holds the password.
    fn without_secret(e: &anyhow::Error) -> String {
        let (display, debug) = (format!("{e:#}"), format!("{e:?}"));
        assert!(!display.contains("SECRET"), "{display}");
        assert!(!debug.contains("SECRET"), "{debug}");
        display
    }

    #[tokio::test]
    async fn an_unsupported_url_is_named_without_its_password() {
        for (url, named) in [
            ("oracle://u:SECRET@h/db", "oracle://u:***@h/db"),
            ("u:SECRET@h/db", "***@h/db"),
        ] {
            let e = FreshDb::create(&DatabaseUrl::from(url), "x").await.err();
            let display = without_secret(&e.expect("unsupported"));
            assert_eq!(
                display,
                format!("--database-url {named:?}: expected sqlite:…, postgres://… or mysql://…")
            );
        }
    }

    #[tokio::test]
    async fn an_unreachable_server_is_named_without_its_password() {
        for url in [
            "postgres://u:SECRET@127.0.0.1:1/db",
            "mysql://u:SECRET@127.0.0.1:1/db",
            "mariadb://u:SECRET@127.0.0.1:1/db",
            "mysql://u:SECRET@h:notaport/db",
        ] {
            let e = FreshDb::create(&DatabaseUrl::from(url), "x").await.err();
            let display = without_secret(&e.expect("unreachable"));
            assert!(display.starts_with("cannot connect to "), "{display}");
        }
    }

    /// On the machine's MariaDB (root without a password, as the integration tests use it):
    /// the fresh database is created in utf8mb4 and is gone after `drop_it`, even with a
    /// session still connected to it.
    #[tokio::test]
    async fn a_mysql_database_is_created_and_dropped() {
        let admin = DatabaseUrl::from("mysql://root@127.0.0.1:3306/mysql");
        let id = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        let db = FreshDb::create(&admin, &id).await.expect("created");
        assert_eq!(db.backend(), "mysql");
        let name = format!("stacktach_bench_{id}");
        assert_eq!(
            db.url().expose(),
            format!("mysql://root@127.0.0.1:3306/{name}")
        );
        let mut leftover = sqlx::MySqlConnection::connect(db.url().expose())
            .await
            .expect("the fresh database answers");
        let charset: Vec<u8> = sqlx::query_scalar(
            "SELECT CAST(default_character_set_name AS BINARY) \
             FROM information_schema.SCHEMATA WHERE schema_name = ?",
        )
        .bind(&name)
        .fetch_one(&mut leftover)
        .await
        .expect("the schema is listed");
        assert_eq!(charset, b"utf8mb4");
        sqlx::raw_sql("CREATE TABLE t (id INT) ENGINE=InnoDB; BEGIN; SELECT * FROM t")
            .execute(&mut leftover)
            .await
            .expect("a session holding a metadata lock");
        db.drop_it().await;
        let mut admin = sqlx::MySqlConnection::connect(admin.expose())
            .await
            .expect("admin");
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE schema_name = ?",
        )
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .expect("counted");
        assert_eq!(left, 0, "{name} is dropped");
    }

    #[test]
    fn replaces_only_the_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "b"),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "b"), "postgres://h/b");
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/mysql", "b"),
            "mysql://root@127.0.0.1:3306/b"
        );
        assert_eq!(
            with_database("mysql://u:p@localhost/st?socket=%2Frun%2Fmysqld.sock", "b"),
            "mysql://u:p@localhost/b?socket=%2Frun%2Fmysqld.sock"
        );
    }
}
