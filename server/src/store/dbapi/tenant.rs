//! v2's tenant cache (`/db/tenant/info/…`, `/db/tenant/batch_info/`): a tenant's name and
//! its types (name → value pairs, shared rows of `tenant_types`), read by the instance hours
//! report.

use std::collections::HashMap;

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};
use crate::store::tx::Tx;

/// One tenant as the billing system sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantUpdate {
    pub tenant: String,
    pub name: Option<String>,
    /// `(type name, value)` pairs.
    pub types: Vec<(String, String)>,
}

/// A stored tenant with its types (sorted), for tests and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRecord {
    pub tenant: String,
    pub name: Option<String>,
    pub last_updated: i64,
    pub types: Vec<(String, String)>,
}

/// Upserts the tenant row: `rename` decides whether an existing tenant's name changes
/// (the single update renames, v2's batch does not). Returns the row id.
async fn upsert_tenant(
    tx: &mut Tx,
    update: &TenantUpdate,
    now: i64,
    rename: bool,
) -> Result<i64, StoreError> {
    let mut sql = Sql::new("INSERT INTO tenant_info (tenant, name, last_updated) ");
    sql.values([()], |row, ()| {
        row.bind(update.tenant.as_str())
            .bind(update.name.as_deref())
            .bind(now);
    });
    if tx.conn().is_mysql() {
        sql.push(" ON DUPLICATE KEY UPDATE last_updated = VALUES(last_updated)");
        if rename {
            sql.push(", name = VALUES(name)");
        }
    } else {
        sql.push(" ON CONFLICT (tenant) DO UPDATE SET last_updated = excluded.last_updated");
        if rename {
            sql.push(", name = excluded.name");
        }
    }
    tx.execute(&sql).await?;
    let mut sql = Sql::new("SELECT id FROM tenant_info WHERE tenant = ");
    sql.text(&update.tenant);
    tx.fetch_int(&sql).await
}

/// The ids of the tenant types of `pairs`, creating the missing ones; sorted, deduplicated.
async fn type_ids(tx: &mut Tx, pairs: &[(String, String)]) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let mut sql = Sql::new("INSERT INTO tenant_types (name, value) ");
        sql.values([()], |row, ()| {
            row.bind(name.as_str()).bind(value.as_str());
        });
        sql.push(if tx.conn().is_mysql() {
            " ON DUPLICATE KEY UPDATE name = name"
        } else {
            " ON CONFLICT (name, value) DO NOTHING"
        });
        tx.execute(&sql).await?;
        let mut sql = Sql::new("SELECT id FROM tenant_types WHERE name = ");
        sql.text(name).push(" AND value = ").text(value);
        ids.push(tx.fetch_int(&sql).await?);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Makes the tenant's types exactly `types` (rewriting the links only when they changed).
async fn set_types(tx: &mut Tx, tenant_id: i64, types: &[i64]) -> Result<(), StoreError> {
    let mut sql = Sql::new("SELECT tenant_type_id FROM tenant_info_types WHERE tenant_info_id = ");
    sql.int(tenant_id).push(" ORDER BY tenant_type_id");
    let current: Vec<(i64,)> = tx.fetch_all(&sql).await?;
    if current.iter().map(|(id,)| *id).eq(types.iter().copied()) {
        return Ok(());
    }
    let mut sql = Sql::new("DELETE FROM tenant_info_types WHERE tenant_info_id = ");
    sql.int(tenant_id);
    tx.execute(&sql).await?;
    if !types.is_empty() {
        let mut sql = Sql::new("INSERT INTO tenant_info_types (tenant_info_id, tenant_type_id) ");
        sql.values(types, |row, type_id| {
            row.bind(tenant_id).bind(*type_id);
        });
        tx.execute(&sql).await?;
    }
    Ok(())
}

impl Store {
    /// Creates or updates one tenant (name, `last_updated = now`) and replaces its types.
    ///
    /// # Errors
    /// Database errors (nothing is written).
    pub async fn db_update_tenant(
        &self,
        update: &TenantUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let id = upsert_tenant(&mut tx, update, now, true).await?;
        let types = type_ids(&mut tx, &update.types).await?;
        set_types(&mut tx, id, &types).await?;
        tx.commit().await
    }

    /// v2's batch: creates the new tenants with their names, bumps `last_updated` of all,
    /// and sets every tenant's types. Existing tenants keep their names (v2's quirk, kept:
    /// billing systems relied on the batch never renaming). A tenant listed twice counts
    /// once, with its last entry.
    ///
    /// # Errors
    /// Database errors (nothing is written).
    pub async fn db_update_tenants(
        &self,
        updates: &[TenantUpdate],
        now: i64,
    ) -> Result<(), StoreError> {
        let last: HashMap<&str, usize> = updates
            .iter()
            .enumerate()
            .map(|(i, u)| (u.tenant.as_str(), i))
            .collect();
        let mut tx = self.begin().await?;
        for (i, update) in updates.iter().enumerate() {
            if last.get(update.tenant.as_str()) != Some(&i) {
                continue;
            }
            let id = upsert_tenant(&mut tx, update, now, false).await?;
            let types = type_ids(&mut tx, &update.types).await?;
            set_types(&mut tx, id, &types).await?;
        }
        tx.commit().await
    }

    /// A stored tenant, if any.
    ///
    /// # Errors
    /// Database errors.
    pub async fn db_tenant(&self, tenant: &str) -> Result<Option<TenantRecord>, StoreError> {
        let mut sql = Sql::new("SELECT id, name, last_updated FROM tenant_info WHERE tenant = ");
        sql.text(tenant);
        let row: Option<(i64, OptText, i64)> = self.fetch_optional(&sql).await?;
        let Some((id, OptText(name), last_updated)) = row else {
            return Ok(None);
        };
        let mut sql =
            Sql::new("SELECT t.name, t.value FROM tenant_types t JOIN tenant_info_types x ");
        sql.push("ON x.tenant_type_id = t.id WHERE x.tenant_info_id = ")
            .int(id);
        sql.push(" ORDER BY t.name, t.value");
        let types: Vec<(Text, Text)> = self.fetch_all(&sql).await?;
        Ok(Some(TenantRecord {
            tenant: tenant.to_string(),
            name,
            last_updated,
            types: types
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        }))
    }
}
