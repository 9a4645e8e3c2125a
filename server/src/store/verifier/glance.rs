//! `image_exists` for the glance verifier: claiming a batch of whole notifications (v2 verified
//! the images of one `image.exists` as a group, keyed by owner and raw id) and the evidence its
//! checks read (`image_usages` and `image_deletes` of the batch's uuids).

use std::collections::HashMap;

use super::shared::Claim;
use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::OptText;
use crate::store::Tx;
use crate::verifier::model::{
    ExistsStatus, GlanceDelete, GlanceEvidence, GlanceExists, GlanceUsage,
};

/// Uuids per `IN (…)` list of the evidence statements.
const UUIDS_PER_STATEMENT: usize = 5_000;

const EXISTS_SELECT: &str = "SELECT id, message_id, uuid, created_at, deleted_at, \
     audit_period_beginning, audit_period_ending, owner, size, usage_id, delete_id, raw_id \
     FROM image_exists";

#[derive(sqlx::FromRow)]
struct ExistsRow {
    id: i64,
    #[sqlx(try_from = "OptText")]
    message_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    uuid: Option<String>,
    created_at: Option<i64>,
    deleted_at: Option<i64>,
    audit_period_beginning: Option<i64>,
    audit_period_ending: Option<i64>,
    #[sqlx(try_from = "OptText")]
    owner: Option<String>,
    size: Option<i64>,
    usage_id: Option<i64>,
    delete_id: Option<i64>,
    raw_id: i64,
}

impl From<ExistsRow> for GlanceExists {
    fn from(r: ExistsRow) -> Self {
        Self {
            id: r.id,
            message_id: r.message_id,
            uuid: r.uuid,
            created_at: r.created_at,
            deleted_at: r.deleted_at,
            audit_period_beginning: r.audit_period_beginning,
            audit_period_ending: r.audit_period_ending,
            owner: r.owner,
            size: r.size,
            usage_id: r.usage_id,
            delete_id: r.delete_id,
            raw_id: r.raw_id,
        }
    }
}

impl Store {
    /// Claims the next glance batch (see [`Claim`]; about `limit` rows), moved to the
    /// in-progress status in the same transaction — always whole notifications, so a group is
    /// never split between batches.
    ///
    /// The images of one notification are inserted by one statement of one ingest batch, so
    /// their ids are consecutive: when the batch is full, the rows of its last notification
    /// may continue past it and are left for the next batch (unless they are the whole batch:
    /// then the rest of that notification is added).
    ///
    /// # Errors
    /// Database errors: then nothing was claimed.
    pub async fn claim_glance_batch(&self, claim: &Claim) -> Result<Vec<GlanceExists>, StoreError> {
        let limit = claim.limit.max(1);
        let mut tx = self.begin().await?;
        let mut sql = Sql::new(EXISTS_SELECT);
        sql.push(" WHERE status = ").text(claim.from.as_str());
        sql.push(" AND id > ").int(claim.after);
        sql.push(" AND audit_period_ending <= ")
            .int(claim.ending_max);
        sql.push(" ORDER BY id LIMIT ").int(limit);
        let mut rows: Vec<ExistsRow> = tx.fetch_all(&sql).await?;
        if rows.len() as i64 >= limit {
            complete_last_group(&mut tx, &mut rows, claim.from).await?;
        }
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut update = Sql::new("UPDATE image_exists SET status = ");
        update.text(claim.to.as_str()).push(" WHERE id IN ");
        update.int_list(&ids);
        tx.execute(update.persistent(false)).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(GlanceExists::from).collect())
    }

    /// Every usage and delete row of `uuids`, by uuid (a uuid without any has no entry).
    ///
    /// # Errors
    /// Database errors.
    pub async fn glance_evidence(
        &self,
        uuids: &[&str],
    ) -> Result<HashMap<String, GlanceEvidence>, StoreError> {
        let mut out: HashMap<String, GlanceEvidence> = HashMap::new();
        for chunk in uuids.chunks(UUIDS_PER_STATEMENT) {
            let mut sql = Sql::new(
                "SELECT id, uuid, created_at, owner, size FROM image_usages WHERE uuid IN ",
            );
            sql.in_list(chunk).push(" ORDER BY id");
            type UsageTuple = (i64, OptText, Option<i64>, OptText, Option<i64>);
            let usages: Vec<UsageTuple> = self.fetch_all(sql.persistent(false)).await?;
            for (id, OptText(uuid), created_at, OptText(owner), size) in usages {
                let key = uuid.clone().unwrap_or_default();
                out.entry(key).or_default().usages.push(GlanceUsage {
                    id,
                    uuid,
                    created_at,
                    owner,
                    size,
                });
            }
            let mut sql = Sql::new("SELECT id, uuid, deleted_at FROM image_deletes WHERE uuid IN ");
            sql.in_list(chunk).push(" ORDER BY id");
            let deletes: Vec<(i64, OptText, Option<i64>)> =
                self.fetch_all(sql.persistent(false)).await?;
            for (id, OptText(uuid), deleted_at) in deletes {
                let key = uuid.clone().unwrap_or_default();
                out.entry(key).or_default().deletes.push(GlanceDelete {
                    id,
                    uuid,
                    deleted_at,
                });
            }
        }
        Ok(out)
    }
}

/// A full batch ends on a notification that may continue past it: drop that notification's
/// rows (the next batch starts with them), or, when it is the whole batch, add the rest of it.
async fn complete_last_group(
    tx: &mut Tx,
    rows: &mut Vec<ExistsRow>,
    from: ExistsStatus,
) -> Result<(), StoreError> {
    let Some(last_raw) = rows.last().map(|r| r.raw_id) else {
        return Ok(());
    };
    if rows.iter().any(|r| r.raw_id != last_raw) {
        rows.retain(|r| r.raw_id != last_raw);
        return Ok(());
    }
    let last_id = rows.last().map_or(0, |r| r.id);
    let mut sql = Sql::new(EXISTS_SELECT);
    sql.push(" WHERE status = ").text(from.as_str());
    sql.push(" AND raw_id = ").int(last_raw);
    sql.push(" AND id > ").int(last_id).push(" ORDER BY id");
    let rest: Vec<ExistsRow> = tx.fetch_all(&sql).await?;
    rows.extend(rest);
    Ok(())
}
