//! Figures for the host/tenant, instance, request, timings, home and status pages.

use app::model::{EventRow, Kpi, Micros, ScopeKind};

use super::{bound, Sql, EVENT_SELECT, IS_ERROR};
use crate::store::{with_pool, Store, StoreError};

/// The newest events of a host or tenant, reduced to what the counts need.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScopeSample {
    pub event: String,
    pub routing_key: String,
    pub when_us: i64,
}

#[derive(sqlx::FromRow)]
struct KpiRecord {
    request_id: String,
    instance: String,
    start: i64,
    duration: i64,
    last_operation: Option<String>,
}

impl From<KpiRecord> for Kpi {
    fn from(k: KpiRecord) -> Self {
        Kpi {
            request_id: k.request_id,
            instance: k.instance,
            start: Micros(k.start),
            duration_us: k.duration,
            last_operation: k.last_operation,
        }
    }
}

const KPI_SELECT: &str = "SELECT t.request_id, l.instance, t.start, t.duration, \
     tm.name AS last_operation FROM request_trackers t \
     JOIN lifecycles l ON l.id = t.lifecycle_id \
     LEFT JOIN timings tm ON tm.id = t.last_timing_id";

fn scope_column(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Host => "host",
        ScopeKind::Tenant => "tenant",
    }
}

impl Store {
    /// The newest `limit` events of a host or tenant as (event, routing key, time).
    ///
    /// # Errors
    /// Database errors.
    pub async fn scope_sample(
        &self,
        kind: ScopeKind,
        value: &str,
        limit: u32,
    ) -> Result<Vec<ScopeSample>, StoreError> {
        let mut sql = Sql::new("SELECT event, routing_key, when_us FROM raw_events WHERE ");
        sql.push(scope_column(kind)).push(" = ").text(value);
        sql.push(" ORDER BY id DESC LIMIT ").int(i64::from(limit));
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }

    /// The newest events of a host or tenant, optionally only errors among its newest `scan`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn scope_events(
        &self,
        kind: ScopeKind,
        value: &str,
        errors_within: Option<u32>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let column = scope_column(kind);
        let mut sql = Sql::new(EVENT_SELECT);
        match errors_within {
            None => {
                sql.push(&format!(" WHERE e.{column} = ")).text(value);
            }
            Some(scan) => {
                sql.push(&format!(
                    " WHERE e.id IN (SELECT id FROM raw_events WHERE {column} = "
                ));
                sql.text(value)
                    .push(" ORDER BY id DESC LIMIT ")
                    .int(i64::from(scan));
                sql.push(") AND ").push(IS_ERROR);
            }
        }
        sql.push(" ORDER BY e.id DESC LIMIT ").int(i64::from(limit));
        self.fetch_events(&sql).await
    }

    async fn kpis(&self, sql: &Sql) -> Result<Vec<Kpi>, StoreError> {
        let rows: Vec<KpiRecord> = with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(Kpi::from).collect())
    }

    /// The KPI of one request.
    ///
    /// # Errors
    /// Database errors.
    pub async fn kpi_of_request(&self, request_id: &str) -> Result<Option<Kpi>, StoreError> {
        let mut sql = Sql::new(KPI_SELECT);
        sql.push(" WHERE t.request_id = ").text(request_id);
        Ok(self.kpis(&sql).await?.pop())
    }

    /// The KPIs of the requests that touched an instance, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn kpis_of_instance(&self, instance: &str) -> Result<Vec<Kpi>, StoreError> {
        let mut sql = Sql::new(KPI_SELECT);
        sql.push(
            " WHERE t.request_id IN (SELECT DISTINCT request_id FROM raw_events WHERE instance = ",
        );
        sql.text(instance).push(") ORDER BY t.start");
        self.kpis(&sql).await
    }

    /// The slowest requests that started at or after `since`, slowest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn slowest_requests(&self, since: i64, limit: u32) -> Result<Vec<Kpi>, StoreError> {
        // The slowest ids first, from the trackers alone; only those rows are joined.
        let mut sql = Sql::new(KPI_SELECT);
        sql.push(" WHERE t.id IN (SELECT id FROM request_trackers WHERE start >= ")
            .int(since);
        sql.push(" AND duration > 0 ORDER BY duration DESC LIMIT ")
            .int(i64::from(limit));
        sql.push(") ORDER BY t.duration DESC");
        self.kpis(&sql).await
    }

    /// (operation, duration µs) of every complete timing that ended at or after `since`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn durations_since(&self, since: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let mut sql =
            Sql::new("SELECT name, diff FROM timings WHERE diff IS NOT NULL AND end_when >= ");
        sql.int(since);
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }

    /// Per deployment id: its newest event's id and time (an index lookup each).
    ///
    /// # Errors
    /// Database errors.
    pub async fn last_events(&self) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError> {
        let sql = Sql::new(
            "SELECT d.id, \
               (SELECT e.id FROM raw_events e WHERE e.deployment_id = d.id \
                 ORDER BY e.id DESC LIMIT 1), \
               (SELECT e.when_us FROM raw_events e WHERE e.deployment_id = d.id \
                 ORDER BY e.id DESC LIMIT 1) \
             FROM deployments d",
        );
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }

    /// The database's size on disk in bytes.
    ///
    /// # Errors
    /// Database errors.
    pub async fn database_size(&self) -> Result<i64, StoreError> {
        let sql = match self {
            Store::Sqlite(_) => {
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            }
            Store::Postgres(_) => "SELECT pg_database_size(current_database())",
        };
        self.fetch_int(&Sql::new(sql)).await
    }
}
