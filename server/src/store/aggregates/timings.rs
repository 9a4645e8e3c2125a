//! Reads of timings and request trackers across instances: the KPIs of the request, instance
//! and timings pages, the timing rollups' buckets, and v2's `/stacky` timings, summary and KPIs.
//!
//! Indexes behind them: `timing_rollups (hour_us, name, bucket)`, `timings (lifecycle_id)`, `(name, diff)`, `request_trackers (start)`,
//! `(request_id)`; slowest-first lists pick their ids from the trackers alone and join only
//! those rows.

use app::model::{BucketCount, Kpi, Micros};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::stacky::{StackyKpi, TimingHalves, TimingSummary};
use crate::store::text::{OptText, Text};

#[derive(sqlx::FromRow)]
struct KpiRecord {
    #[sqlx(try_from = "Text")]
    request_id: String,
    #[sqlx(try_from = "Text")]
    instance: String,
    start: i64,
    duration: i64,
    #[sqlx(try_from = "OptText")]
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

impl Store {
    async fn kpis(&self, sql: &Sql<'_>) -> Result<Vec<Kpi>, StoreError> {
        let rows: Vec<KpiRecord> = self.fetch_all(sql).await?;
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
        // (In a derived table: MySQL/MariaDB refuse a LIMIT directly inside `IN (…)`.)
        let mut sql = Sql::new(KPI_SELECT);
        sql.push(" WHERE t.id IN (SELECT id FROM (SELECT id FROM request_trackers WHERE start >= ")
            .int(since);
        sql.push(" AND duration > 0 ORDER BY duration DESC LIMIT ")
            .int(i64::from(limit));
        sql.push(") page) ORDER BY t.duration DESC");
        self.kpis(&sql).await
    }

    /// Per operation, the rollup buckets of the timings that ended in the hours starting at or
    /// after `since_hour` (an hour's start): a range of `timing_rollups_key`, summed per
    /// (name, bucket), ordered by name then bucket.
    ///
    /// # Errors
    /// Database errors.
    pub async fn timing_buckets_since(
        &self,
        since_hour: i64,
    ) -> Result<Vec<(String, BucketCount)>, StoreError> {
        let sql = timing_buckets_sql(self.bigint(), since_hour);
        let rows: Vec<(Text, i64, i64, i64, i64, i64)> = self.fetch_all(&sql).await?;
        Ok(rows
            .into_iter()
            .map(|(name, bucket, n, total, min, max)| {
                let count = u64::try_from(n).unwrap_or_default();
                (
                    name.into(),
                    BucketCount {
                        bucket,
                        count,
                        total,
                        min,
                        max,
                    },
                )
            })
            .collect())
    }

    /// The timings of the lifecycles of `instance` (a page of lifecycles, as v2 paged them;
    /// at most `max_timings` timings each), in id order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_instance_timings(
        &self,
        instance: &str,
        limit: i64,
        offset: i64,
        max_timings: i64,
    ) -> Result<Vec<TimingHalves>, StoreError> {
        let mut sql = Sql::new("SELECT id FROM lifecycles WHERE instance = ");
        sql.text(instance).push(" ORDER BY id LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        let lifecycles: Vec<i64> = self.fetch_column(&sql).await?;
        let mut out = Vec::new();
        for lifecycle in lifecycles {
            let mut t = Sql::new(
                "SELECT name, start_raw_id IS NOT NULL AS has_start, \
                 end_raw_id IS NOT NULL AS has_end, diff FROM timings WHERE lifecycle_id = ",
            );
            t.int(lifecycle)
                .push(" ORDER BY id LIMIT ")
                .int(max_timings);
            out.extend(self.fetch_all::<TimingHalves>(&t).await?);
        }
        Ok(out)
    }

    /// Complete timings of operation `name` (optionally ending within `[end_min, end_max]`),
    /// fastest first, one page: `(instance, diff µs)`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_timings(
        &self,
        name: &str,
        end_min: Option<i64>,
        end_max: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT l.instance, t.diff FROM timings t JOIN lifecycles l ON l.id = t.lifecycle_id \
             WHERE t.start_raw_id IS NOT NULL AND t.end_raw_id IS NOT NULL \
             AND t.diff IS NOT NULL AND t.name = ",
        );
        sql.text(name);
        if let Some(min) = end_min {
            sql.push(" AND t.end_when >= ").int(min);
        }
        if let Some(max) = end_max {
            sql.push(" AND t.end_when <= ").int(max);
        }
        sql.push(" ORDER BY t.diff, t.id LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        let rows: Vec<(Text, i64)> = self.fetch_all(&sql).await?;
        Ok(rows
            .into_iter()
            .map(|(instance, diff)| (instance.into(), diff))
            .collect())
    }

    /// Per operation, over ALL its complete, non-negative timings: count, min, max, total.
    /// At most `max` operations, by name. Read from the rollups (bucket 0 holds the negative
    /// durations), which retention prunes by hour as it prunes the timings. The sums are cast
    /// to a 64-bit integer (`SIGNED` on MySQL/MariaDB, where a SUM is a DECIMAL).
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_timing_summary(&self, max: i64) -> Result<Vec<TimingSummary>, StoreError> {
        let int = self.bigint();
        let mut sql = Sql::new(&format!(
            "SELECT name, CAST(SUM(n) AS {int}) AS n, MIN(min_us) AS min, MAX(max_us) AS max, \
             CAST(SUM(total_us) AS {int}) AS total FROM timing_rollups WHERE bucket > 0 \
             GROUP BY name ORDER BY name LIMIT "
        ));
        sql.int(max);
        self.fetch_all(&sql).await
    }

    /// Requests that started at or after `since` and have a finished timing, quickest first,
    /// at most `limit`; with `tenant`, only those whose last end event has that tenant.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_kpis(
        &self,
        since: i64,
        tenant: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StackyKpi>, StoreError> {
        self.fetch_all(&stacky_kpis_sql(since, tenant, limit)).await
    }
}

/// [`Store::stacky_kpis`]' statement. The deployment's name is a scalar subquery, as in the
/// event lists: a join lets MySQL/MariaDB start from the one-row `deployments`.
pub(crate) fn stacky_kpis_sql(since: i64, tenant: Option<&str>, limit: i64) -> Sql<'_> {
    let mut sql = Sql::new(
        "SELECT e.event, t.duration, l.instance, \
         (SELECT d.name FROM deployments d WHERE d.id = e.deployment_id) AS deployment \
         FROM request_trackers t JOIN lifecycles l ON l.id = t.lifecycle_id \
         JOIN timings tm ON tm.id = t.last_timing_id \
         JOIN raw_events e ON e.id = tm.end_raw_id WHERE t.start >= ",
    );
    sql.int(since);
    if let Some(tenant) = tenant {
        sql.push(" AND e.tenant = ").text(tenant);
    }
    sql.push(" ORDER BY t.duration, t.id LIMIT ").int(limit);
    sql
}

/// The statement of [`Store::timing_buckets_since`]; `int` is the backend's 64-bit integer
/// cast type ([`Store::bigint`]).
pub(crate) fn timing_buckets_sql(int: &str, since_hour: i64) -> Sql<'static> {
    let mut sql = Sql::new(&format!(
        "SELECT name, bucket, CAST(SUM(n) AS {int}) AS n, CAST(SUM(total_us) AS {int}) AS total, \
         MIN(min_us) AS min, MAX(max_us) AS max FROM timing_rollups WHERE hour_us >= "
    ));
    sql.int(since_hour)
        .push(" GROUP BY name, bucket ORDER BY name, bucket");
    sql
}
