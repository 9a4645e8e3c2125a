//! [`StoreError`]: what every store call can fail with, in its own file so that each table's
//! module names it without importing the store's root (which re-exports those modules).

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Carries only the URL's scheme: the URL itself may hold a password.
    #[error("unsupported database URL {} (expected sqlite://… or postgres://…)", describe_scheme(.scheme))]
    UnsupportedUrl { scheme: String },
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
