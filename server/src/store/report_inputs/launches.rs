//! The launch side of v2's nova usage audit (`nova_usage_audit._launch_audit_for_period`):
//! launches in the period, older launches still alive at its start (deletes and reconciles
//! considered, v2's `OLD_LAUNCHES_QUERY` and `OLD_RECONCILES_QUERY` verbatim in meaning), the
//! exists of the audit period, and where a launch ran (`cell_and_compute`).

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

/// A launch: an `instance_usages` (or `instance_reconcile`) row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LaunchRow {
    pub id: i64,
    pub instance: String,
    pub launched_at: i64,
}

/// An exists of the audit period: its instance and launch time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditExists {
    pub instance: String,
    pub launched_at: i64,
}

/// v2's "still alive at `before`": no reconcile delete and no delete up to `before`, or a
/// reconcile delete after it. `d` is the deletes row, `r` the reconcile row (left joins).
const ALIVE_AT: &str = " WHERE ((r.deleted_at IS NULL AND (d.deleted_at IS NULL OR \
                        d.deleted_at > ";

impl Store {
    /// Usages launched within `[from, to]`, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn launches_between(&self, from: i64, to: i64) -> Result<Vec<LaunchRow>, StoreError> {
        let mut sql = Sql::new("SELECT id, instance, launched_at FROM instance_usages");
        sql.push(" WHERE launched_at >= ").int(from);
        sql.push(" AND launched_at <= ").int(to);
        sql.push(" ORDER BY id");
        self.fetch_all(&sql).await
    }

    /// Usages launched before `before` whose instance was alive then (v2's
    /// `OLD_LAUNCHES_QUERY`; one row per joined delete/reconcile, as v2 read them).
    ///
    /// # Errors
    /// Database errors.
    pub async fn old_launches(&self, before: i64) -> Result<Vec<LaunchRow>, StoreError> {
        let mut sql = Sql::new(
            "SELECT u.id, u.instance, u.launched_at FROM instance_usages u \
             LEFT JOIN instance_deletes d ON u.instance = d.instance \
             LEFT JOIN instance_reconcile r ON u.instance = r.instance",
        );
        alive_at(&mut sql, before);
        sql.push(" AND u.launched_at < ").int(before);
        sql.push(" ORDER BY u.id");
        self.fetch_all(&sql).await
    }

    /// Reconciled launches before `before` whose instance was alive then (v2's
    /// `OLD_RECONCILES_QUERY`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn old_reconciles(&self, before: i64) -> Result<Vec<LaunchRow>, StoreError> {
        let mut sql = Sql::new(
            "SELECT r.id, r.instance, r.launched_at FROM instance_reconcile r \
             LEFT JOIN instance_deletes d ON r.instance = d.instance",
        );
        alive_at(&mut sql, before);
        sql.push(" AND r.launched_at < ").int(before);
        sql.push(" ORDER BY r.id");
        self.fetch_all(&sql).await
    }

    /// Exists whose audit period begins at `beginning` and ends within `[beginning, ending]`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_of_audit_period(
        &self,
        beginning: i64,
        ending: i64,
    ) -> Result<Vec<AuditExists>, StoreError> {
        let mut sql = Sql::new("SELECT instance, launched_at FROM instance_exists");
        sql.push(" WHERE audit_period_beginning = ").int(beginning);
        sql.push(" AND audit_period_ending >= ").int(beginning);
        sql.push(" AND audit_period_ending <= ").int(ending);
        sql.push(" ORDER BY id");
        self.fetch_all(&sql).await
    }

    /// v2's `cell_and_compute`: the first usage of `instance` launched within the second
    /// `[second, second + 999999 µs]`, then the newest raw event of its request: that event's
    /// deployment name and host. `None` when there is no such usage or event.
    ///
    /// # Errors
    /// Database errors.
    pub async fn launch_cell_and_host(
        &self,
        instance: &str,
        second: i64,
    ) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT d.name, e.host FROM raw_events e \
             LEFT JOIN deployments d ON d.id = e.deployment_id \
             WHERE e.request_id <> '' AND e.exchange = 'nova' AND e.request_id = \
             (SELECT u.request_id FROM instance_usages u WHERE u.instance = ",
        );
        sql.text(instance);
        sql.push(" AND u.launched_at >= ").int(second);
        sql.push(" AND u.launched_at <= ").int(second + 999_999);
        sql.push(" ORDER BY u.id LIMIT 1) ORDER BY e.id DESC LIMIT 1");
        self.fetch_optional(&sql).await
    }
}

fn alive_at(sql: &mut Sql<'_>, before: i64) {
    sql.push(ALIVE_AT).int(before);
    sql.push(")) OR (r.deleted_at IS NOT NULL AND r.deleted_at > ")
        .int(before);
    sql.push("))");
}
