//! `instance_exists` for the nova verifier: claiming a batch and the evidence its checks read
//! (every `instance_usages`, `instance_deletes` and `instance_reconcile` row of the batch's
//! instances: three statements per batch, never one per row).

use std::collections::HashMap;

use super::shared::Claim;
use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};
use crate::verifier::model::{NovaDelete, NovaEvidence, NovaExists, NovaLaunch};

/// Instances per `IN (…)` list of the evidence statements.
const INSTANCES_PER_STATEMENT: usize = 5_000;

/// The exists columns, with the image type of its notification (the `all` validation level
/// exempts import images from two checks).
const EXISTS_SELECT: &str = "SELECT e.id, e.message_id, e.instance, e.launched_at, \
     e.deleted_at, e.audit_period_beginning, e.audit_period_ending, e.instance_type_id, \
     e.instance_flavor_id, e.tenant, e.rax_options, e.os_architecture, e.os_version, \
     e.os_distro, e.usage_id, e.delete_id, e.raw_id, r.image_type \
     FROM instance_exists e LEFT JOIN raw_events r ON r.id = e.raw_id";

/// The launch columns shared by `instance_usages` (no `deleted_at`) and `instance_reconcile`.
const LAUNCH_COLUMNS: &str = "id, instance, launched_at, instance_type_id, instance_flavor_id, \
     tenant, rax_options, os_architecture, os_version, os_distro";

#[derive(sqlx::FromRow)]
struct ExistsRow {
    id: i64,
    #[sqlx(try_from = "OptText")]
    message_id: Option<String>,
    #[sqlx(try_from = "Text")]
    instance: String,
    launched_at: Option<i64>,
    deleted_at: Option<i64>,
    audit_period_beginning: i64,
    audit_period_ending: i64,
    #[sqlx(try_from = "OptText")]
    instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    tenant: Option<String>,
    #[sqlx(try_from = "OptText")]
    rax_options: Option<String>,
    #[sqlx(try_from = "OptText")]
    os_architecture: Option<String>,
    #[sqlx(try_from = "OptText")]
    os_version: Option<String>,
    #[sqlx(try_from = "OptText")]
    os_distro: Option<String>,
    usage_id: Option<i64>,
    delete_id: Option<i64>,
    raw_id: i64,
    image_type: Option<i64>,
}

impl From<ExistsRow> for NovaExists {
    fn from(r: ExistsRow) -> Self {
        Self {
            id: r.id,
            message_id: r.message_id,
            instance: r.instance,
            launched_at: r.launched_at,
            deleted_at: r.deleted_at,
            audit_period_beginning: r.audit_period_beginning,
            audit_period_ending: r.audit_period_ending,
            instance_type_id: r.instance_type_id,
            instance_flavor_id: r.instance_flavor_id,
            tenant: r.tenant,
            rax_options: r.rax_options,
            os_architecture: r.os_architecture,
            os_version: r.os_version,
            os_distro: r.os_distro,
            usage_id: r.usage_id,
            delete_id: r.delete_id,
            raw_id: r.raw_id,
            image_type: r.image_type,
        }
    }
}

#[derive(sqlx::FromRow)]
struct LaunchRow {
    id: i64,
    #[sqlx(try_from = "Text")]
    instance: String,
    launched_at: Option<i64>,
    #[sqlx(default)]
    deleted_at: Option<i64>,
    #[sqlx(try_from = "OptText")]
    instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    tenant: Option<String>,
    #[sqlx(try_from = "OptText")]
    rax_options: Option<String>,
    #[sqlx(try_from = "OptText")]
    os_architecture: Option<String>,
    #[sqlx(try_from = "OptText")]
    os_version: Option<String>,
    #[sqlx(try_from = "OptText")]
    os_distro: Option<String>,
}

impl From<LaunchRow> for NovaLaunch {
    fn from(r: LaunchRow) -> Self {
        Self {
            id: r.id,
            instance: r.instance,
            launched_at: r.launched_at,
            deleted_at: r.deleted_at,
            instance_type_id: r.instance_type_id,
            instance_flavor_id: r.instance_flavor_id,
            tenant: r.tenant,
            rax_options: r.rax_options,
            os_architecture: r.os_architecture,
            os_version: r.os_version,
            os_distro: r.os_distro,
        }
    }
}

impl Store {
    /// Claims the next nova batch (see [`Claim`]; index `instance_exists (status, id)`), moved
    /// to the in-progress status in the same transaction so no other pass takes them.
    ///
    /// # Errors
    /// Database errors: then nothing was claimed.
    pub async fn claim_nova_batch(&self, claim: &Claim) -> Result<Vec<NovaExists>, StoreError> {
        let mut tx = self.begin().await?;
        let mut sql = Sql::new(EXISTS_SELECT);
        sql.push(" WHERE e.status = ").text(claim.from.as_str());
        sql.push(" AND e.id > ").int(claim.after);
        sql.push(" AND e.audit_period_ending <= ")
            .int(claim.ending_max);
        sql.push(" ORDER BY e.id LIMIT ").int(claim.limit);
        let rows: Vec<ExistsRow> = tx.fetch_all(&sql).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut update = Sql::new("UPDATE instance_exists SET status = ");
        update.text(claim.to.as_str()).push(" WHERE id IN ");
        update.int_list(&ids);
        tx.execute(update.persistent(false)).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(NovaExists::from).collect())
    }

    /// Every usage, delete and reconcile row of `instances`, by instance (an instance without
    /// any has no entry).
    ///
    /// # Errors
    /// Database errors.
    pub async fn nova_evidence(
        &self,
        instances: &[&str],
    ) -> Result<HashMap<String, NovaEvidence>, StoreError> {
        let mut out: HashMap<String, NovaEvidence> = HashMap::new();
        for chunk in instances.chunks(INSTANCES_PER_STATEMENT) {
            for usage in self.launches("instance_usages", chunk).await? {
                out.entry(usage.instance.clone())
                    .or_default()
                    .usages
                    .push(usage);
            }
            for reconcile in self.launches("instance_reconcile", chunk).await? {
                let entry = out.entry(reconcile.instance.clone()).or_default();
                entry.reconciles.push(reconcile);
            }
            let mut sql = Sql::new(
                "SELECT id, instance, launched_at, deleted_at FROM instance_deletes \
                 WHERE instance IN ",
            );
            sql.in_list(chunk).push(" ORDER BY id");
            let rows: Vec<(i64, Text, i64, Option<i64>)> =
                self.fetch_all(sql.persistent(false)).await?;
            for (id, Text(instance), launched_at, deleted_at) in rows {
                out.entry(instance.clone())
                    .or_default()
                    .deletes
                    .push(NovaDelete {
                        id,
                        instance,
                        launched_at,
                        deleted_at,
                    });
            }
        }
        Ok(out)
    }

    /// The launch rows of `instances` in `table` (`instance_usages` or `instance_reconcile`,
    /// fixed text), by id.
    async fn launches(
        &self,
        table: &str,
        instances: &[&str],
    ) -> Result<Vec<NovaLaunch>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        sql.push(LAUNCH_COLUMNS);
        if table == "instance_reconcile" {
            sql.push(", deleted_at");
        }
        sql.push(" FROM ").push(table).push(" WHERE instance IN ");
        sql.in_list(instances).push(" ORDER BY id");
        let rows: Vec<LaunchRow> = self.fetch_all(sql.persistent(false)).await?;
        Ok(rows.into_iter().map(NovaLaunch::from).collect())
    }
}
