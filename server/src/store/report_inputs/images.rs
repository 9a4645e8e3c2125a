//! The glance side of the reports: v2's `glance_usage_audit` (images created in the period,
//! images alive at its start, the exists of the audit period) and `image_events_audit` (the
//! period's image events counted by kind). Event time windows are inclusive at both ends.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// An image created in the period: its `image_usages` id and uuid.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NewImage {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
}

/// v2's image events audit figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImageEventCounts {
    /// Glance `image.upload` events.
    pub upload: i64,
    /// `image_usages` whose last event is in the period.
    pub activate: i64,
    /// `image_deletes` whose event is in the period.
    pub delete: i64,
    /// `image_exists` whose event is in the period.
    pub exists: i64,
    /// Of those, verified and sent with a 2xx status.
    pub exists_verified: i64,
}

impl Store {
    /// Images created within `[from, to]`, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn images_created_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<NewImage>, StoreError> {
        let mut sql = Sql::new("SELECT id, uuid FROM image_usages");
        sql.push(" WHERE created_at >= ").int(from);
        sql.push(" AND created_at <= ").int(to);
        sql.push(" ORDER BY id");
        self.fetch_all(&sql).await
    }

    /// How many distinct images were created before `before` and not deleted before it
    /// (v2's `OLD_IMAGES_QUERY`, counted by uuid).
    ///
    /// # Errors
    /// Database errors.
    pub async fn old_images_count(&self, before: i64) -> Result<i64, StoreError> {
        let mut sql = Sql::new(
            "SELECT COUNT(DISTINCT u.uuid) FROM image_usages u \
             LEFT JOIN image_deletes d ON (u.uuid = d.uuid AND d.deleted_at < ",
        );
        sql.int(before);
        sql.push(") WHERE d.id IS NULL AND u.created_at IS NOT NULL AND u.created_at < ")
            .int(before);
        self.fetch_int(&sql).await
    }

    /// The image uuids with an exists whose audit period begins at `beginning` and ends
    /// within `[beginning, ending]`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn image_exists_uuids(
        &self,
        beginning: i64,
        ending: i64,
    ) -> Result<Vec<String>, StoreError> {
        let mut sql = Sql::new("SELECT DISTINCT uuid FROM image_exists");
        sql.push(" WHERE uuid IS NOT NULL AND audit_period_beginning = ")
            .int(beginning);
        sql.push(" AND audit_period_ending >= ").int(beginning);
        sql.push(" AND audit_period_ending <= ").int(ending);
        let uuids: Vec<Text> = self.fetch_column(&sql).await?;
        Ok(uuids.into_iter().map(String::from).collect())
    }

    /// The image events audit's counts for the events within `[from, to]`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn image_event_counts(
        &self,
        from: i64,
        to: i64,
    ) -> Result<ImageEventCounts, StoreError> {
        let window = |sql: &mut Sql<'_>| {
            sql.push(" e.when_us >= ").int(from);
            sql.push(" AND e.when_us <= ").int(to);
        };
        let mut upload = Sql::new(
            "SELECT COUNT(*) FROM raw_events e WHERE e.exchange = 'glance' \
             AND e.event = 'image.upload' AND",
        );
        window(&mut upload);
        let joined = |table: &str, raw: &str| {
            let mut sql = Sql::new(&format!(
                "SELECT COUNT(*) FROM {table} x JOIN raw_events e ON e.id = x.{raw} WHERE"
            ));
            window(&mut sql);
            sql
        };
        let mut verified = joined("image_exists", "raw_id");
        verified
            .push(" AND x.status = 'verified' AND x.send_status >= 200 AND x.send_status < 300");
        Ok(ImageEventCounts {
            upload: self.fetch_int(&upload).await?,
            activate: self
                .fetch_int(&joined("image_usages", "last_raw_id"))
                .await?,
            delete: self.fetch_int(&joined("image_deletes", "raw_id")).await?,
            exists: self.fetch_int(&joined("image_exists", "raw_id")).await?,
            exists_verified: self.fetch_int(&verified).await?,
        })
    }
}
