//! The `quarantine` table: messages that could not be parsed.

use super::{with_pool, Store, StoreError};

impl Store {
    /// How many messages are quarantined, per deployment.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantine_counts(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT deployment_id, COUNT(*) FROM quarantine GROUP BY deployment_id",
            )
            .fetch_all(pool)
            .await?)
        })
    }
}
