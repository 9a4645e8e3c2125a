//! The `deployments` table: one row per deployment name, created on first sight.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;

impl Store {
    /// The id of the deployment called `name`, creating the row the first time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn ensure_deployment(&self, name: &str) -> Result<i64, StoreError> {
        let mut insert = Sql::new("INSERT INTO deployments (name) VALUES (");
        insert.text(name).push(if self.is_mysql() {
            // A no-op update: MySQL's `DO NOTHING` (never `INSERT IGNORE`, which would also
            // turn a too-long name into a truncated one).
            ") ON DUPLICATE KEY UPDATE name = name"
        } else {
            ") ON CONFLICT (name) DO NOTHING"
        });
        self.execute(&insert).await?;
        let mut select = Sql::new("SELECT id FROM deployments WHERE name = ");
        select.text(name);
        self.fetch_int(&select).await
    }

    /// All deployments known to the store, by name.
    ///
    /// # Errors
    /// Database errors.
    pub async fn deployments(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows: Vec<(i64, Text)> = self
            .fetch_all(&Sql::new("SELECT id, name FROM deployments ORDER BY name"))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| (id, name.into()))
            .collect())
    }

    /// A deployment's id by name, or by its id written as a number.
    pub(crate) async fn deployment_id(&self, name_or_id: &str) -> Result<Option<i64>, StoreError> {
        let all = self.deployments().await?;
        let by_id = name_or_id.parse::<i64>().ok();
        Ok(all
            .iter()
            .find(|(id, name)| name == name_or_id || Some(*id) == by_id)
            .map(|(id, _)| *id))
    }
}
