//! What readers ask of the event ids after a prune: where the kept events start (the live
//! feed and `/stacky/watch` resume there), and which ids a page is about to show still exist.

use std::collections::HashSet;

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

impl Store {
    /// The smallest stored event id, `None` when there are no events (one probe of the
    /// primary key).
    ///
    /// # Errors
    /// Database errors.
    pub async fn oldest_event_id(&self) -> Result<Option<i64>, StoreError> {
        let (id,): (Option<i64>,) = self
            .fetch_one(&Sql::new("SELECT MIN(id) FROM raw_events"))
            .await?;
        Ok(id)
    }

    /// Which of `ids` are stored events: aggregates keep the ids of events retention may
    /// have deleted, and a page links only to events that exist.
    ///
    /// # Errors
    /// Database errors.
    pub async fn existing_event_ids(&self, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
        let mut found = HashSet::new();
        for chunk in ids.chunks(1_000) {
            let mut sql = Sql::new("SELECT id FROM raw_events WHERE id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.int(*id);
            }
            sql.push(")").persistent(false);
            found.extend(self.fetch_column::<i64>(&sql).await?);
        }
        Ok(found)
    }
}
