//! The exists counted by audit period, status and send status: the verifier's progress. One
//! grouped scan per table; the web layer keeps the latest periods.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;

/// How many exists of one audit period have one status and send status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProgressCount {
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub status: String,
    pub send_status: i64,
    pub n: i64,
}

/// The grouped count of `table` (fixed: one of the two exists tables).
fn counts(table: &str) -> Sql<'static> {
    Sql::new(&format!(
        "SELECT audit_period_beginning, audit_period_ending, status, send_status, COUNT(*) AS n \
         FROM {table} GROUP BY audit_period_beginning, audit_period_ending, status, send_status"
    ))
}

impl Store {
    /// Nova exists counted by audit period, status and send status.
    ///
    /// # Errors
    /// Database errors.
    pub async fn nova_exists_progress(&self) -> Result<Vec<ProgressCount>, StoreError> {
        self.fetch_all(&counts("instance_exists")).await
    }

    /// Glance exists counted by audit period, status and send status.
    ///
    /// # Errors
    /// Database errors.
    pub async fn glance_exists_progress(&self) -> Result<Vec<ProgressCount>, StoreError> {
        self.fetch_all(&counts("image_exists")).await
    }
}
