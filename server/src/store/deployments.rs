//! The `deployments` table.

use super::{with_pool, Store, StoreError};

impl Store {
    /// The id of the deployment called `name`, creating the row the first time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn ensure_deployment(&self, name: &str) -> Result<i64, StoreError> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO deployments (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .execute(pool)
                .await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM deployments WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?;
            Ok(id)
        })
    }

    /// All deployments known to the store, by name.
    ///
    /// # Errors
    /// Database errors.
    pub async fn deployments(&self) -> Result<Vec<(i64, String)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as("SELECT id, name FROM deployments ORDER BY name")
                .fetch_all(pool)
                .await?)
        })
    }

    /// Per deployment: stored events and the newest event time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn deployment_activity(&self) -> Result<Vec<(i64, i64, Option<i64>)>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT d.id, \
                        (SELECT COUNT(*) FROM raw_events e WHERE e.deployment_id = d.id), \
                        (SELECT e.when_us FROM raw_events e WHERE e.deployment_id = d.id \
                          ORDER BY e.id DESC LIMIT 1) \
                 FROM deployments d",
            )
            .fetch_all(pool)
            .await?)
        })
    }
}
