//! v2's `mark_exists_as_sent_unverified` (`POST /db/repair/`): exists the billing feed
//! already sent while StackTach was down are moved from `pending` to `sent_unverified` with
//! `send_status = 201`, so the verifier checks them without publishing them again.

use crate::store::backend::Store;
use crate::store::dbapi::tables::ExistsService;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;

/// What a repair could not do, by message id, as v2 answered it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RepairOutcome {
    /// Ids with no exists (or, for nova, several).
    pub absent_exists: Vec<String>,
    /// Ids whose exists are not pending; a glance id once per such image, as in v2.
    pub exists_not_pending: Vec<String>,
}

impl Store {
    /// Marks the pending exists of each message id as sent unverified, in one transaction.
    ///
    /// # Errors
    /// Database errors (nothing is written).
    pub async fn db_repair_exists(
        &self,
        service: ExistsService,
        message_ids: &[String],
    ) -> Result<RepairOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let mut out = RepairOutcome::default();
        for message_id in message_ids {
            let mut sql = Sql::new("SELECT id, status FROM ");
            sql.push(service.table())
                .push(" WHERE message_id = ")
                .text(message_id);
            sql.push(" ORDER BY id");
            let rows: Vec<(i64, Text)> = tx.fetch_all(&sql).await?;
            let absent = match service {
                ExistsService::Nova => rows.len() != 1,
                ExistsService::Glance => rows.is_empty(),
            };
            if absent {
                out.absent_exists.push(message_id.clone());
                continue;
            }
            for (id, Text(status)) in rows {
                if status != "pending" {
                    out.exists_not_pending.push(message_id.clone());
                    continue;
                }
                let mut sql = Sql::new("UPDATE ");
                sql.push(service.table());
                sql.push(" SET status = 'sent_unverified', send_status = 201 WHERE id = ");
                sql.int(id);
                tx.execute(&sql).await?;
            }
        }
        tx.commit().await?;
        Ok(out)
    }
}
