//! [`StoreError`]: what every store call can fail with, in its own file so that each table's
//! module names it without importing the store's root (which re-exports those modules).

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Carries only the URL's scheme: the URL itself may hold a password.
    #[error(
        "unsupported database URL {} (expected sqlite://…, postgres://…, mysql://… or \
         mariadb://…)",
        describe_scheme(.scheme)
    )]
    UnsupportedUrl { scheme: String },
    /// A server (or SQLite library) older than the features the migrations and the store
    /// rely on, refused when connecting; `needs` names the oldest accepted (`store::versions`).
    #[error("unsupported database server {version:?} (StackTach needs {needs})")]
    UnsupportedServer {
        version: String,
        needs: &'static str,
    },
    /// A MySQL schema whose tables compare text other than byte for byte: dedupe and the
    /// aggregates' keys would merge values that differ (`'a'`/`'A'`, `'a'`/`'a '`).
    #[error(
        "the table raw_events uses the collation {found:?}; StackTach needs utf8mb4_nopad_bin \
         (MariaDB) or utf8mb4_0900_bin (MySQL), as its migrations create it"
    )]
    Collation { found: String },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// `scheme "oracle"`, or `without a scheme` for text that has none.
fn describe_scheme(scheme: &str) -> String {
    if scheme.is_empty() {
        "without a scheme".to_owned()
    } else {
        format!("scheme {scheme:?}")
    }
}
