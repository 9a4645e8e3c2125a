//! One page of a usage table: `WHERE` the query's filters (binds) `AND id < before ORDER BY
//! id DESC LIMIT n`. Lookups by instance or uuid use the tables' instance/uuid indexes, by
//! status the exists' `(status, id)` index; a tenant filter walks the ids backwards.

use app::model::{UsageQuery, FAILED_STATUSES};

use super::rows::{
    GlanceDeleteRow, GlanceExistsRow, GlanceUsageRow, NovaDeleteRow, NovaExistsRow, NovaLaunchRow,
};
use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

/// Which columns of a table the query's filters match.
struct Columns {
    subject: &'static str,
    owner: Option<&'static str>,
    exists: bool,
}

/// `select` (fixed SQL ending with its `FROM`) with `q`'s filters, newest first, `limit` rows.
fn page<'a>(select: &str, cols: &Columns, q: &'a UsageQuery, limit: u32) -> Sql<'a> {
    let mut sql = Sql::new(select);
    sql.push(" WHERE 1 = 1");
    if !q.subject.is_empty() {
        sql.push(" AND ")
            .push(cols.subject)
            .push(" = ")
            .text(&q.subject);
    }
    if let Some(owner) = cols.owner.filter(|_| !q.owner.is_empty()) {
        sql.push(" AND ").push(owner).push(" = ").text(&q.owner);
    }
    if cols.exists {
        if !q.status.is_empty() {
            sql.push(" AND status = ").text(&q.status);
        } else if q.failed_only {
            sql.push(" AND status IN ").in_list(&FAILED_STATUSES);
        }
        if let Some(ending) = q.period_ending {
            sql.push(" AND audit_period_ending = ").int(ending);
        }
    }
    if let Some(before) = q.before {
        sql.push(" AND id < ").int(before);
    }
    sql.push(" ORDER BY id DESC LIMIT ").int(i64::from(limit));
    sql
}

const NOVA_LAUNCHES: &str = "SELECT id, instance, request_id, launched_at, instance_type_id, \
    instance_flavor_id, tenant, os_distro FROM instance_usages";
const NOVA_DELETES: &str =
    "SELECT id, instance, launched_at, deleted_at, raw_id FROM instance_deletes";
const NOVA_EXISTS: &str = "SELECT id, message_id, instance, launched_at, deleted_at, \
    audit_period_beginning, audit_period_ending, instance_type_id, instance_flavor_id, tenant, \
    status, fail_reason, send_status, raw_id FROM instance_exists";
const GLANCE_USAGES: &str =
    "SELECT id, uuid, created_at, owner, size, last_raw_id FROM image_usages";
const GLANCE_DELETES: &str = "SELECT id, uuid, deleted_at, raw_id FROM image_deletes";
const GLANCE_EXISTS: &str = "SELECT id, message_id, uuid, created_at, deleted_at, \
    audit_period_beginning, audit_period_ending, owner, size, status, fail_reason, send_status, \
    raw_id FROM image_exists";

const NOVA: Columns = Columns {
    subject: "instance",
    owner: Some("tenant"),
    exists: false,
};
const GLANCE: Columns = Columns {
    subject: "uuid",
    owner: Some("owner"),
    exists: false,
};

impl Store {
    /// Up to `limit` nova launches matching `q`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn usage_nova_launches(
        &self,
        q: &UsageQuery,
        limit: u32,
    ) -> Result<Vec<NovaLaunchRow>, StoreError> {
        self.fetch_all(&page(NOVA_LAUNCHES, &NOVA, q, limit)).await
    }

    /// Up to `limit` nova deletes matching `q` (by instance), newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn usage_nova_deletes(
        &self,
        q: &UsageQuery,
        limit: u32,
    ) -> Result<Vec<NovaDeleteRow>, StoreError> {
        let cols = Columns {
            owner: None,
            ..NOVA
        };
        self.fetch_all(&page(NOVA_DELETES, &cols, q, limit)).await
    }

    /// Up to `limit` nova exists matching `q`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn usage_nova_exists(
        &self,
        q: &UsageQuery,
        limit: u32,
    ) -> Result<Vec<NovaExistsRow>, StoreError> {
        let cols = Columns {
            exists: true,
            ..NOVA
        };
        self.fetch_all(&page(NOVA_EXISTS, &cols, q, limit)).await
    }

    /// Up to `limit` glance image usages matching `q`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn usage_glance_usages(
        &self,
        q: &UsageQuery,
        limit: u32,
    ) -> Result<Vec<GlanceUsageRow>, StoreError> {
        self.fetch_all(&page(GLANCE_USAGES, &GLANCE, q, limit))
            .await
    }

    /// Up to `limit` glance image deletes matching `q` (by uuid), newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn usage_glance_deletes(
        &self,
        q: &UsageQuery,
        limit: u32,
    ) -> Result<Vec<GlanceDeleteRow>, StoreError> {
        let cols = Columns {
            owner: None,
            ..GLANCE
        };
        self.fetch_all(&page(GLANCE_DELETES, &cols, q, limit)).await
    }

    /// Up to `limit` glance image exists matching `q`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn usage_glance_exists(
        &self,
        q: &UsageQuery,
        limit: u32,
    ) -> Result<Vec<GlanceExistsRow>, StoreError> {
        let cols = Columns {
            exists: true,
            ..GLANCE
        };
        self.fetch_all(&page(GLANCE_EXISTS, &cols, q, limit)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::Placeholders;
    use app::model::{UsageService, UsageTable};

    #[test]
    fn filters_are_binds() {
        let mut q = UsageQuery::new(UsageService::Nova, UsageTable::Exists);
        q.subject = "i'1".into();
        q.failed_only = true;
        q.before = Some(10);
        let cols = Columns {
            exists: true,
            ..NOVA
        };
        let sql = page("SELECT id FROM instance_exists", &cols, &q, 51);
        assert_eq!(
            sql.render(Placeholders::Numbered),
            "SELECT id FROM instance_exists WHERE 1 = 1 AND instance = $1 \
             AND status IN ($2, $3) AND id < $4 ORDER BY id DESC LIMIT $5"
        );
    }
}
