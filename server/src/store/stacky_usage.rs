//! The usage tables as the `stacky usage` commands list them (`/stacky/usage/launches`,
//! `deletes`, `exists`): v2's `InstanceUsage`, `InstanceDeletes` and `InstanceExists` rows in
//! id order (v2's default model order), optionally of one instance, one page at a time.
//!
//! Indexes behind them: the primary keys, `instance_usages (instance, request_id)`,
//! `instance_deletes (instance, launched_at)` and `instance_exists (instance)`.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// One `InstanceUsage` (a launch) as `stacky usage launches` prints it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageLaunch {
    #[sqlx(try_from = "Text")]
    pub instance: String,
    /// µs; `None` until a `.end` (or a relaunching `.start`) said when.
    pub launched_at: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
}

/// One `InstanceDeletes` as `stacky usage deletes` prints it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageDelete {
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
}

/// One `InstanceExists` as `stacky usage exists` prints it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageExists {
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: String,
}

/// Which rows a usage list reads: optionally one instance, and the page.
#[derive(Debug, Clone, Copy)]
pub struct UsagePage<'a> {
    pub instance: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// `<select> [WHERE instance = ?] ORDER BY id LIMIT ? OFFSET ?`.
fn paged<'a>(select: &str, page: UsagePage<'a>) -> Sql<'a> {
    let mut sql = Sql::new(select);
    if let Some(instance) = page.instance {
        sql.push(" WHERE instance = ").text(instance);
    }
    sql.push(" ORDER BY id LIMIT ")
        .int(page.limit)
        .push(" OFFSET ")
        .int(page.offset);
    sql
}

impl Store {
    /// Launches (`instance_usages`), by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_usage_launches(
        &self,
        page: UsagePage<'_>,
    ) -> Result<Vec<UsageLaunch>, StoreError> {
        let select = "SELECT instance, launched_at, instance_type_id, instance_flavor_id \
                      FROM instance_usages";
        self.fetch_all(&paged(select, page)).await
    }

    /// Deletes (`instance_deletes`), by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_usage_deletes(
        &self,
        page: UsagePage<'_>,
    ) -> Result<Vec<UsageDelete>, StoreError> {
        let select = "SELECT instance, launched_at, deleted_at FROM instance_deletes";
        self.fetch_all(&paged(select, page)).await
    }

    /// Exists (`instance_exists`), by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_usage_exists(
        &self,
        page: UsagePage<'_>,
    ) -> Result<Vec<UsageExists>, StoreError> {
        let select = "SELECT instance, launched_at, deleted_at, instance_type_id, \
                      instance_flavor_id, message_id, status FROM instance_exists";
        self.fetch_all(&paged(select, page)).await
    }
}
