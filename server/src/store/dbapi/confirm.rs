//! The billing feed's delivery receipts (`/db/confirm/usage/exists/…`): `send_status` (the
//! HTTP status the downstream feed got) and, from version 2 of the batch, `event_id`, set on
//! the exists rows of a message id. Each call is one transaction, as each v2 service was.

use crate::store::backend::Store;
use crate::store::dbapi::tables::ExistsService;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::tx::Tx;

/// What a confirm found for a message id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Updated,
    NotFound,
    /// Several nova exists share the message id (v2's `MultipleObjectsReturned`).
    Multiple,
}

/// One receipt of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub message_id: String,
    pub send_status: i64,
    /// Version 2 sets `event_id` too (`Some`, possibly to NULL); versions 0 and 1 leave it.
    pub event_id: Option<Option<String>>,
}

/// The ids of the exists of `service` with this message id (at most two for nova: one is
/// enough to tell "several").
async fn exists_ids(
    tx: &mut Tx,
    service: ExistsService,
    message_id: &str,
) -> Result<Vec<i64>, StoreError> {
    let mut sql = Sql::new("SELECT id FROM ");
    sql.push(service.table())
        .push(" WHERE message_id = ")
        .text(message_id);
    sql.push(" ORDER BY id");
    if service == ExistsService::Nova {
        sql.push(" LIMIT 2");
    }
    let rows: Vec<(i64,)> = tx.fetch_all(&sql).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Applies one receipt to the rows `ids` of `service`.
async fn apply(
    tx: &mut Tx,
    service: ExistsService,
    ids: &[i64],
    receipt: &Receipt,
) -> Result<(), StoreError> {
    for &id in ids {
        let mut sql = Sql::new("UPDATE ");
        sql.push(service.table())
            .push(" SET send_status = ")
            .int(receipt.send_status);
        if let Some(event_id) = &receipt.event_id {
            sql.push(", event_id = ").bind(event_id.as_deref());
        }
        sql.push(" WHERE id = ").int(id);
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// Whether `ids` is what `service` may update: nova exactly one row, glance any number.
fn outcome(service: ExistsService, ids: &[i64]) -> ConfirmOutcome {
    match (service, ids.len()) {
        (_, 0) => ConfirmOutcome::NotFound,
        (ExistsService::Nova, 1) | (ExistsService::Glance, _) => ConfirmOutcome::Updated,
        (ExistsService::Nova, _) => ConfirmOutcome::Multiple,
    }
}

impl Store {
    /// Sets `send_status` on the one nova exists of `message_id` (v2's single confirm).
    ///
    /// # Errors
    /// Database errors (nothing is written).
    pub async fn db_confirm_exists(
        &self,
        message_id: &str,
        send_status: i64,
    ) -> Result<ConfirmOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let ids = exists_ids(&mut tx, ExistsService::Nova, message_id).await?;
        let result = outcome(ExistsService::Nova, &ids);
        if result == ConfirmOutcome::Updated {
            let receipt = Receipt {
                message_id: message_id.to_string(),
                send_status,
                event_id: None,
            };
            apply(&mut tx, ExistsService::Nova, &ids, &receipt).await?;
            tx.commit().await?;
        }
        Ok(result)
    }

    /// Applies a batch of receipts of one service in one transaction: a nova receipt updates
    /// its one exists, a glance receipt every exists of the message id. Receipts that match
    /// nothing (or, for nova, several rows) are skipped and returned with their outcome.
    ///
    /// # Errors
    /// Database errors (nothing of the batch is written).
    pub async fn db_confirm_batch(
        &self,
        service: ExistsService,
        receipts: &[Receipt],
    ) -> Result<Vec<(String, ConfirmOutcome)>, StoreError> {
        let mut tx = self.begin().await?;
        let mut skipped = Vec::new();
        for receipt in receipts {
            let ids = exists_ids(&mut tx, service, &receipt.message_id).await?;
            match outcome(service, &ids) {
                ConfirmOutcome::Updated => apply(&mut tx, service, &ids, receipt).await?,
                miss => skipped.push((receipt.message_id.clone(), miss)),
            }
        }
        tx.commit().await?;
        Ok(skipped)
    }
}
