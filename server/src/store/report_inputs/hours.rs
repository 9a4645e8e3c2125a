//! The inputs of v2's instance hours report (verified exists of a period, tenant info and
//! types) and of its public outbound bandwidth report (a sum over the period's exists).

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// A verified exists, with what the instance hours report computes from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HoursExists {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: i64,
    pub audit_period_ending: i64,
    pub raw_id: i64,
}

/// One (tenant, type name, type value) of `tenant_info` × `tenant_types`; a tenant without
/// types has one row with both type fields `None`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TenantTypeRow {
    #[sqlx(try_from = "Text")]
    pub tenant: String,
    #[sqlx(try_from = "OptText")]
    pub name: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub type_name: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub type_value: Option<String>,
}

impl Store {
    /// Verified exists whose audit period begins and ends within `[from, to]`, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verified_exists_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<HoursExists>, StoreError> {
        let mut sql = Sql::new(
            "SELECT id, instance_flavor_id, tenant, launched_at, deleted_at, \
             audit_period_beginning, audit_period_ending, raw_id FROM instance_exists \
             WHERE status = 'verified' AND audit_period_beginning >= ",
        );
        sql.int(from)
            .push(" AND audit_period_beginning <= ")
            .int(to);
        sql.push(" AND audit_period_ending >= ").int(from);
        sql.push(" AND audit_period_ending <= ").int(to);
        sql.push(" ORDER BY id");
        self.fetch_all(&sql).await
    }

    /// Every tenant's info with its types (v2's `TenantInfo` and its `types`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn tenant_info_with_types(&self) -> Result<Vec<TenantTypeRow>, StoreError> {
        self.fetch_all(&Sql::new(
            "SELECT t.tenant, t.name, y.name AS type_name, y.value AS type_value \
             FROM tenant_info t LEFT JOIN tenant_info_types ty ON ty.tenant_info_id = t.id \
             LEFT JOIN tenant_types y ON y.id = ty.tenant_type_id ORDER BY t.tenant, y.id",
        ))
        .await
    }

    /// The distinct tenant type names (v2's `TenantManager.type_names`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn tenant_type_names(&self) -> Result<Vec<String>, StoreError> {
        let names: Vec<Text> = self
            .fetch_column(&Sql::new(
                "SELECT DISTINCT name FROM tenant_types ORDER BY name",
            ))
            .await?;
        Ok(names.into_iter().map(String::from).collect())
    }

    /// The sum of `bandwidth_public_out` over the exists whose audit period begins at or
    /// after `from` and ends at or before `to`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn public_outbound_bandwidth(&self, from: i64, to: i64) -> Result<i64, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT CAST(COALESCE(SUM(bandwidth_public_out), 0) AS {}) FROM instance_exists \
             WHERE audit_period_beginning >= ",
            self.bigint()
        ));
        sql.int(from).push(" AND audit_period_ending <= ").int(to);
        self.fetch_int(&sql).await
    }
}
