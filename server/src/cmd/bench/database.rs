//! A fresh database per benchmark run: a SQLite file in a new temporary directory, or a new
//! PostgreSQL database next to the one the URL names (created, then dropped). The names are the
//! benchmark's own, never taken from the user. The URLs are [`DatabaseUrl`]s: the admin URL
//! and the fresh database's carry the user's password, and print without it.

use std::path::PathBuf;

use anyhow::Context;
use sqlx::Connection;

use crate::config::DatabaseUrl;
use crate::store::Store;

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
}

impl FreshDb {
    /// Creates a fresh database on the server `url` points at (`sqlite:` anything: a temporary
    /// file; `postgres://…/db`: a new database on that server).
    ///
    /// # Errors
    /// An unsupported URL, or a server that refuses to create the database.
    pub async fn create(admin: &DatabaseUrl, id: &str) -> anyhow::Result<Self> {
        let name = format!("stacktach_bench_{id}");
        let url = admin.expose();
        if url.starts_with("sqlite:") {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let url = DatabaseUrl::from(format!("sqlite://{}", dir.join("bench.db").display()));
            Ok(Self::Sqlite { dir, url })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .with_context(|| format!("cannot connect to {admin}"))?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .context("cannot create the benchmark database")?;
            let _ = conn.close().await;
            Ok(Self::Postgres {
                admin: admin.clone(),
                url: DatabaseUrl::from(with_database(url, &name)),
                name,
            })
        } else {
            anyhow::bail!("--database-url {admin:?}: expected sqlite:… or postgres://…")
        }
    }

    /// The URL of the fresh database.
    pub fn url(&self) -> &DatabaseUrl {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
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

    /// Removes it.
    pub async fn drop_it(self) {
        match self {
            Self::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin, name, .. } => {
                if let Ok(mut conn) = sqlx::PgConnection::connect(admin.expose()).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(e) = sqlx::query(&sql).execute(&mut conn).await {
                        tracing::warn!(database = %name, error = %e, "Could not drop the benchmark database.");
                    }
                    let _ = conn.close().await;
                }
            }
        }
    }
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
    use super::{with_database, DatabaseUrl, FreshDb};

    #[tokio::test]
    async fn an_unsupported_url_is_named_without_its_password() {
        let url = DatabaseUrl::from("oracle://u:SECRET@h/db");
        let e = FreshDb::create(&url, "x").await.err().expect("unsupported");
        let (display, debug) = (format!("{e:#}"), format!("{e:?}"));
        assert!(
            !display.contains("SECRET") && !debug.contains("SECRET"),
            "{debug}"
        );
        assert_eq!(
            display,
            r#"--database-url "oracle://u:***@h/db": expected sqlite:… or postgres://…"#
        );
    }

    #[tokio::test]
    async fn an_unreachable_server_is_named_without_its_password() {
        let url = DatabaseUrl::from("postgres://u:SECRET@127.0.0.1:1/db");
        let e = FreshDb::create(&url, "x").await.err().expect("unreachable");
        let (display, debug) = (format!("{e:#}"), format!("{e:?}"));
        assert!(
            !display.contains("SECRET") && !debug.contains("SECRET"),
            "{debug}"
        );
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
    }
}
