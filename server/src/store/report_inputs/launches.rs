//! The launch side of v2's nova usage audit (`nova_usage_audit._launch_audit_for_period`):
//! launches in the period, older launches still alive at its start (deletes and reconciles
//! considered, v2's `OLD_LAUNCHES_QUERY` and `OLD_RECONCILES_QUERY` verbatim in meaning), the
//! exists of the audit period, and where a launch ran (`cell_and_compute`).

use std::collections::{BTreeSet, HashMap};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// A launch: an `instance_usages` (or `instance_reconcile`) row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LaunchRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: i64,
}

/// A launch's deployment name and compute host (v2's `cell_and_compute`).
pub type CellAndHost = (Option<String>, Option<String>);

/// Instances or request ids per batched query (one bind each).
const BATCH: usize = 1_000;

/// A usage's request, for [`Store::launch_cells_and_hosts`].
#[derive(sqlx::FromRow)]
struct UsageRequest {
    id: i64,
    #[sqlx(try_from = "Text")]
    instance: String,
    #[sqlx(try_from = "Text")]
    request_id: String,
    launched_at: Option<i64>,
}

/// An exists of the audit period: its instance and launch time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditExists {
    #[sqlx(try_from = "Text")]
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

    /// v2's `cell_and_compute` for each `(instance, second)` of `launches`: the first usage
    /// (by id) of the instance launched within `[second, second + 999999 µs]`, then the newest
    /// nova raw event of its request: that event's deployment name and host. `None` when there
    /// is no such usage or event. Batched ([`BATCH`] binds a query): one query per failed
    /// launch took most of the audit's time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn launch_cells_and_hosts(
        &self,
        launches: &[(&str, i64)],
    ) -> Result<Vec<Option<CellAndHost>>, StoreError> {
        let instances: BTreeSet<&str> = launches.iter().map(|(i, _)| *i).collect();
        let instances: Vec<&str> = instances.into_iter().collect();
        let mut usages: HashMap<String, Vec<UsageRequest>> = HashMap::new();
        for chunk in instances.chunks(BATCH) {
            let mut sql = Sql::new(
                "SELECT id, instance, request_id, launched_at FROM instance_usages \
                 WHERE instance IN ",
            );
            sql.in_list(chunk);
            sql.persistent(false);
            for u in self.fetch_all::<UsageRequest>(&sql).await? {
                usages.entry(u.instance.clone()).or_default().push(u);
            }
        }
        let requests: Vec<Option<&str>> = launches
            .iter()
            .map(|(instance, second)| {
                let within =
                    |l: &Option<i64>| l.is_some_and(|l| (*second..=second + 999_999).contains(&l));
                usages
                    .get(*instance)?
                    .iter()
                    .filter(|u| within(&u.launched_at))
                    .min_by_key(|u| u.id)
                    .map(|u| u.request_id.as_str())
                    .filter(|r| !r.is_empty())
            })
            .collect();
        let found = self.newest_request_events(&requests).await?;
        Ok(requests
            .iter()
            .map(|r| r.and_then(|r| found.get(r).cloned()))
            .collect())
    }

    /// The deployment name and host of the newest nova raw event of each request.
    async fn newest_request_events(
        &self,
        requests: &[Option<&str>],
    ) -> Result<HashMap<String, CellAndHost>, StoreError> {
        let wanted: BTreeSet<&str> = requests.iter().flatten().copied().collect();
        let wanted: Vec<&str> = wanted.into_iter().collect();
        let mut found = HashMap::new();
        for chunk in wanted.chunks(BATCH) {
            let mut sql = Sql::new(
                "SELECT e.request_id, d.name, e.host FROM raw_events e \
                 LEFT JOIN deployments d ON d.id = e.deployment_id WHERE e.id IN \
                 (SELECT MAX(m.id) FROM raw_events m WHERE m.exchange = 'nova' \
                 AND m.request_id IN ",
            );
            sql.in_list(chunk);
            sql.push(" GROUP BY m.request_id)");
            sql.persistent(false);
            let rows: Vec<(Text, OptText, OptText)> = self.fetch_all(&sql).await?;
            found.extend(
                rows.into_iter()
                    .map(|(r, name, host)| (r.into(), (name.into(), host.into()))),
            );
        }
        Ok(found)
    }
}

fn alive_at(sql: &mut Sql<'_>, before: i64) {
    sql.push(ALIVE_AT).int(before);
    sql.push(")) OR (r.deleted_at IS NOT NULL AND r.deleted_at > ")
        .int(before);
    sql.push("))");
}
