//! Migrations that run where operators are: every backend's migrations apply to a fresh
//! database on the machine's server (whose version passes the store's gate) and again as a
//! no-op on the next start; on PostgreSQL lz4 compression is decided at migration time (lz4
//! exactly where the server has it), and a database that applied the shipped text of the
//! rewritten 0007 starts again, its stored checksum moved to the new text's, while any other
//! stored checksum is still refused.

use std::process::Command;

use server::store::{Store, StoreError};
use sha2::{Digest, Sha384};
use sqlx::migrate::MigrateError;
use sqlx::{Connection, PgConnection};

use crate::helpers::{Backend, TestDb};

/// `migrations/postgres/0007_json_lz4.sql` as it shipped before its rewrite.
const SHIPPED_0007: &str = "\
-- Compress the stored notification JSON with lz4 instead of the default pglz: compressing the
-- JSON text is most of PostgreSQL's cost per stored event (PERFORMANCE.md lesson 3; +57 % insert
-- throughput for ~6 % more space). Applies to rows written from now on.
ALTER TABLE raw_events ALTER COLUMN json SET COMPRESSION lz4;
ALTER TABLE quarantine ALTER COLUMN body SET COMPRESSION lz4;
";

/// 0007 as it is now, compiled in.
const CURRENT_0007: &str = include_str!("../../../migrations/postgres/0007_json_lz4.sql");

/// The number of migration files of `dir` (`migrations/<dir>`).
fn migration_files(dir: &str) -> i64 {
    let path = format!("{}/../migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
    let files = std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let sql = files.filter(|f| {
        f.as_ref()
            .is_ok_and(|f| f.file_name().to_string_lossy().ends_with(".sql"))
    });
    sql.count() as i64
}

/// `(successful, all)` rows of `_sqlx_migrations`.
async fn applied(db: &TestDb, backend: Backend) -> (i64, i64) {
    const SQL: &str = "SELECT CAST(COUNT(CASE WHEN success THEN 1 END) AS SIGNED), \
                       CAST(COUNT(*) AS SIGNED) FROM _sqlx_migrations";
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            let sql = SQL.replace("SIGNED", "INTEGER");
            sqlx::query_as(&sql).fetch_one(&mut conn).await.unwrap()
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(&db.url).await.unwrap();
            let sql = SQL.replace("SIGNED", "BIGINT");
            sqlx::query_as(&sql).fetch_one(&mut conn).await.unwrap()
        }
        Backend::MariaDb => {
            let mut conn = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
            sqlx::query_as(SQL).fetch_one(&mut conn).await.unwrap()
        }
    }
}

/// Connects (the server passes the version gate) and migrates, twice: every migration file
/// applies on this server, and the second start finds nothing to do.
async fn migrations_apply_and_reapply(backend: Backend, dir: &str) {
    let db = TestDb::new(backend);
    for _ in 0..2 {
        let store = Store::connect(&db.url)
            .await
            .expect("the server passes the gate");
        store.migrate().await.expect("migrates");
        store.close().await;
    }
    let files = migration_files(dir);
    assert_eq!(applied(&db, backend).await, (files, files));
}

#[tokio::test]
async fn sqlite_migrations_apply_and_reapply() {
    migrations_apply_and_reapply(Backend::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn postgres_migrations_apply_and_reapply() {
    migrations_apply_and_reapply(Backend::Postgres, "postgres").await;
}

#[tokio::test]
async fn mariadb_migrations_apply_and_reapply() {
    migrations_apply_and_reapply(Backend::MariaDb, "mysql").await;
}

/// A migrated PostgreSQL database and a connection of its own.
async fn migrated_postgres() -> (TestDb, PgConnection) {
    let db = TestDb::new(Backend::Postgres);
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    let conn = PgConnection::connect(&db.url).await.unwrap();
    (db, conn)
}

#[tokio::test]
async fn postgres_compression_is_lz4_exactly_where_the_server_has_it() {
    let (_db, mut conn) = migrated_postgres().await;
    let (num,): (String,) = sqlx::query_as("SELECT current_setting('server_version_num')")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    if num.parse::<i64>().unwrap() < 140_000 {
        // No per-column compression to look at: migrating without an error is the outcome.
        return;
    }
    let (has_lz4,): (bool,) = sqlx::query_as(
        "SELECT COALESCE(bool_or(enumvals @> ARRAY['lz4']), false) FROM pg_settings \
         WHERE name = 'default_toast_compression'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT attrelid::regclass::text || '.' || attname, attcompression::text \
         FROM pg_attribute WHERE (attrelid, attname) IN \
         (('raw_events'::regclass, 'json'), ('quarantine'::regclass, 'body')) ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    // Without lz4 the columns keep the server's default: no method of their own.
    let method = if has_lz4 { "l" } else { "" };
    assert_eq!(
        columns,
        [
            ("quarantine.body".to_owned(), method.to_owned()),
            ("raw_events.json".to_owned(), method.to_owned()),
        ]
    );
}

/// The stored checksum of migration 7.
async fn checksum_7(conn: &mut PgConnection) -> Vec<u8> {
    let (checksum,): (Vec<u8>,) =
        sqlx::query_as("SELECT checksum FROM _sqlx_migrations WHERE version = 7")
            .fetch_one(conn)
            .await
            .unwrap();
    checksum
}

/// Stores `checksum` as migration 7's, as a database that applied another text would have.
async fn set_checksum_7(conn: &mut PgConnection, checksum: &[u8]) {
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 7")
        .bind(checksum)
        .execute(conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn postgres_a_database_that_applied_the_shipped_0007_starts_again() {
    let (db, mut conn) = migrated_postgres().await;
    let current = Sha384::digest(CURRENT_0007.as_bytes()).to_vec();
    assert_eq!(checksum_7(&mut conn).await, current);
    sqlx::query("INSERT INTO deployments (name) VALUES ('kept')")
        .execute(&mut conn)
        .await
        .unwrap();
    set_checksum_7(&mut conn, &Sha384::digest(SHIPPED_0007.as_bytes())).await;

    // The binary's own start: `stacktach migrate` exits cleanly.
    let out = Command::new(env!("CARGO_BIN_EXE_stacktach"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "stacktach migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(checksum_7(&mut conn).await, current);
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM deployments WHERE name = 'kept'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the data stays");

    // Started again: nothing left to repair or apply.
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    assert_eq!(
        applied(&db, Backend::Postgres).await.0,
        migration_files("postgres")
    );
}

#[tokio::test]
async fn postgres_any_other_changed_checksum_is_still_refused() {
    let (db, mut conn) = migrated_postgres().await;
    let other = Sha384::digest(b"-- a text StackTach never shipped\n").to_vec();
    set_checksum_7(&mut conn, &other).await;
    let store = Store::connect(&db.url).await.unwrap();
    let refused = store
        .migrate()
        .await
        .expect_err("a modified migration is refused");
    store.close().await;
    assert!(
        matches!(
            refused,
            StoreError::Migrate(MigrateError::VersionMismatch(7))
        ),
        "{refused:?}"
    );
    assert_eq!(checksum_7(&mut conn).await, other, "left as found");
}
