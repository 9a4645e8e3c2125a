//! What the nova and glance halves of the verifier's SQL share: the exists table of a service,
//! integer `IN` lists, the outcome writes, the counts per status, the lag, the reset of rows a
//! crash left in progress, and the raw bodies the verified notifications are built from.

use std::collections::{BTreeMap, HashMap};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};
use crate::verifier::model::{ExistsStatus, Service};

/// Ids per `IN (…)` list: far under both backends' bind limits, and a batch is smaller anyway.
const IDS_PER_STATEMENT: usize = 5_000;

/// v2's `fail_reason` column holds at most 300 characters.
const FAIL_REASON_MAX: usize = 300;

/// The exists table of a service (fixed text, never user input).
pub(crate) fn exists_table(service: Service) -> &'static str {
    match service {
        Service::Nova => "instance_exists",
        Service::Glance => "image_exists",
    }
}

/// One exists row's new status; `fail_reason` is written only when set (v2's `mark_verified`
/// leaves an earlier reason alone, `mark_failed` replaces it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusWrite {
    pub id: i64,
    pub status: ExistsStatus,
    pub fail_reason: Option<String>,
}

/// A stored notification as the verified one is built from it: its original routing key (used
/// when the config names none) and its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RawBody {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub routing_key: String,
    #[sqlx(try_from = "Text")]
    pub json: String,
}

/// Which rows a batch claims: up to `limit` rows in `from` with `audit_period_ending <=
/// ending_max` and `id > after`, oldest id first, moved to `to`.
///
/// Why the `after` cursor: a pass claims in id order, so the next batch starts past the last
/// one; on PostgreSQL the index range then starts there instead of stepping over the index
/// entries the pass's own updates just left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub from: ExistsStatus,
    pub to: ExistsStatus,
    pub ending_max: i64,
    pub after: i64,
    pub limit: i64,
}

/// An exists row's verification state, as the tests and the bench read it back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExistsState {
    pub id: i64,
    /// The instance (nova) or image uuid (glance).
    #[sqlx(try_from = "OptText")]
    pub subject: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    pub raw_id: i64,
    #[sqlx(try_from = "Text")]
    pub status: String,
    #[sqlx(try_from = "OptText")]
    pub fail_reason: Option<String>,
}

impl Store {
    /// Every exists row of `service` with its status and reason, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verifier_states(&self, service: Service) -> Result<Vec<ExistsState>, StoreError> {
        let subject = match service {
            Service::Nova => "instance",
            Service::Glance => "uuid",
        };
        let mut sql = Sql::new("SELECT id, ");
        sql.push(subject)
            .push(" AS subject, message_id, raw_id, status, fail_reason FROM ");
        sql.push(exists_table(service)).push(" ORDER BY id");
        self.fetch_all(&sql).await
    }

    /// Puts rows a crash left in progress back in line: `verifying` → `pending` and
    /// `sent_verifying` → `sent_unverified` (v2 commit `0c8ee8f` did the first for nova).
    /// Returns how many rows moved.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verifier_reset_stuck(&self, service: Service) -> Result<u64, StoreError> {
        let table = exists_table(service);
        let mut moved = 0;
        for (from, to) in [
            (ExistsStatus::Verifying, ExistsStatus::Pending),
            (ExistsStatus::SentVerifying, ExistsStatus::SentUnverified),
        ] {
            if self.is_mysql() {
                moved += self.reset_locked(table, from, to).await?;
                continue;
            }
            let mut sql = Sql::new("UPDATE ");
            sql.push(table).push(" SET status = ").text(to.as_str());
            sql.push(" WHERE status = ").text(from.as_str());
            sql.push(" RETURNING id");
            let ids: Vec<i64> = self.fetch_column(&sql).await?;
            moved += ids.len() as u64;
        }
        Ok(moved)
    }

    /// [`Self::verifier_reset_stuck`]'s move on MySQL, which has no `UPDATE … RETURNING`: the
    /// rows in `from` are read and locked (`FOR UPDATE`), then moved by id in the same
    /// transaction, so the count is exactly the rows moved.
    async fn reset_locked(
        &self,
        table: &'static str,
        from: ExistsStatus,
        to: ExistsStatus,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut sql = Sql::new("SELECT id FROM ");
        sql.push(table).push(" WHERE status = ").text(from.as_str());
        sql.push(" FOR UPDATE");
        let ids: Vec<(i64,)> = tx.fetch_all(&sql).await?;
        let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let mut sql = Sql::new("UPDATE ");
            sql.push(table).push(" SET status = ").text(to.as_str());
            sql.push(" WHERE id IN ");
            sql.int_list(chunk);
            tx.execute(sql.persistent(false)).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Writes the outcomes of a batch in one transaction: one `UPDATE … WHERE id IN (…)` per
    /// distinct (status, reason), so a batch that mostly verifies is one statement.
    ///
    /// # Errors
    /// Database errors: then none of the batch's outcomes is stored.
    pub async fn verifier_write(
        &self,
        service: Service,
        writes: &[StatusWrite],
    ) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let mut groups: BTreeMap<(&str, Option<String>), Vec<i64>> = BTreeMap::new();
        for w in writes {
            let reason = w.fail_reason.as_deref().map(truncate_reason);
            let key = (w.status.as_str(), reason);
            groups.entry(key).or_default().push(w.id);
        }
        let table = exists_table(service);
        let mut tx = self.begin().await?;
        for ((status, reason), ids) in &groups {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let mut sql = Sql::new("UPDATE ");
                sql.push(table).push(" SET status = ").text(status);
                if let Some(reason) = reason {
                    sql.push(", fail_reason = ").text(reason);
                }
                sql.push(" WHERE id IN ");
                sql.int_list(chunk);
                tx.execute(sql.persistent(false)).await?;
            }
        }
        tx.commit().await
    }

    /// The number of exists rows per stored status text (only the statuses present), from
    /// the counts the triggers keep (`exists_counts`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn verifier_counts(
        &self,
        service: Service,
    ) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut counts = BTreeMap::new();
        for (status, _, n) in self.exists_counts(exists_table(service)).await? {
            *counts.entry(status).or_default() += n;
        }
        Ok(counts)
    }

    /// The oldest `audit_period_ending` of a `pending` row already past the settle horizon
    /// (`<= ending_max`): what the verifier has yet to reach, for its lag.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verifier_oldest_pending(
        &self,
        service: Service,
        ending_max: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut sql = Sql::new("SELECT MIN(audit_period_ending) FROM ");
        sql.push(exists_table(service)).push(" WHERE status = ");
        sql.text(ExistsStatus::Pending.as_str());
        sql.push(" AND audit_period_ending <= ").int(ending_max);
        let (min,): (Option<i64>,) = self.fetch_one(&sql).await?;
        Ok(min)
    }

    /// The stored notifications `ids` (the exists rows' `raw_id`), by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verifier_raw_bodies(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, RawBody>, StoreError> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let mut sql = Sql::new("SELECT id, routing_key, json FROM raw_events WHERE id IN ");
            sql.int_list(chunk);
            let rows: Vec<RawBody> = self.fetch_all(sql.persistent(false)).await?;
            out.extend(rows.into_iter().map(|r| (r.id, r)));
        }
        Ok(out)
    }
}

/// At most [`FAIL_REASON_MAX`] characters (on a character boundary).
fn truncate_reason(reason: &str) -> String {
    match reason.char_indices().nth(FAIL_REASON_MAX) {
        Some((at, _)) => reason[..at].to_string(),
        None => reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::Placeholders;

    #[test]
    fn id_lists_are_binds() {
        let mut sql = Sql::new("UPDATE t SET s = 1 WHERE id IN ");
        sql.int_list(&[3, 5, 8]);
        assert_eq!(
            sql.render(Placeholders::Numbered),
            "UPDATE t SET s = 1 WHERE id IN ($1, $2, $3)"
        );
    }

    #[test]
    fn reasons_are_cut_at_300_characters() {
        assert_eq!(truncate_reason("short"), "short");
        let long = "é".repeat(400);
        assert_eq!(truncate_reason(&long).chars().count(), 300);
    }
}
