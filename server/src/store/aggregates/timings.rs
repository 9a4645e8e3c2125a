//! Reads of timings and request trackers across instances: the KPIs of the request, instance
//! and timings pages, the timing rollups' buckets, and v2's `/stacky` timings, summary and KPIs.
//!
//! Indexes behind them: `timing_rollups (hour_us, name, bucket)`, `timing_day_rollups (day_us,
//! name, bucket)`, `timings (lifecycle_id)`, `(name, diff)`, `request_trackers (start)`,
//! `(request_id)`, `(start_hour, duration)`; slowest-first lists pick their ids from the
//! trackers alone and join only those rows.

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

    /// The slowest requests that started from `since` to `now`, slowest first (read hour by
    /// hour: [`slowest_requests_sql`]).
    ///
    /// # Errors
    /// Database errors.
    pub async fn slowest_requests(
        &self,
        since: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Kpi>, StoreError> {
        let sql = slowest_requests_sql(self.tracker_hour(), since, now, limit);
        self.kpis(&sql).await
    }

    /// Per operation, the rollup buckets of the timings that ended in the hours starting at or
    /// after `since_hour` (an hour's start): a range of `timing_rollups_key` up to the first
    /// midnight and one of `timing_day_rollups_key` after it, summed per (name, bucket),
    /// ordered by name then bucket.
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
    /// At most `max` operations, by name. Read from the day rollups (bucket 0 holds the
    /// negative durations), which retention prunes by day as it prunes the timings. The sums
    /// are cast to a 64-bit integer (`SIGNED` on MySQL/MariaDB, where a SUM is a DECIMAL).
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_timing_summary(&self, max: i64) -> Result<Vec<TimingSummary>, StoreError> {
        let int = self.bigint();
        let mut sql = Sql::new(&format!(
            "SELECT name, CAST(SUM(n) AS {int}) AS n, MIN(min_us) AS min, MAX(max_us) AS max, \
             CAST(SUM(total_us) AS {int}) AS total FROM timing_day_rollups WHERE bucket > 0 \
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

/// [`Store::stacky_kpis`]' statement: trackers, their lifecycle and last timing only (the end
/// event's tenant and deployment are the tracker's, migration 0025). A tracker whose end event
/// was never known is left out, as the join to that event left it out before. The
/// deployment's name is a scalar subquery, as in the event lists: a join lets MySQL/MariaDB
/// start from the one-row `deployments`. MariaDB also started from `lifecycles` (every
/// lifecycle, then every tracker of each, the day's picked out after: 139 ms at a million
/// events, 88 ms for one tenant); `STRAIGHT_JOIN` (read by MySQL/MariaDB only) keeps the
/// written order, the day's trackers by their start first (75 and 9 ms).
pub(crate) fn stacky_kpis_sql(since: i64, tenant: Option<&str>, limit: i64) -> Sql<'_> {
    let mut sql = Sql::new(
        "SELECT /*! STRAIGHT_JOIN */ tm.name AS operation, t.duration, l.instance, \
         (SELECT d.name FROM deployments d WHERE d.id = t.end_deployment_id) AS deployment \
         FROM request_trackers t JOIN lifecycles l ON l.id = t.lifecycle_id \
         JOIN timings tm ON tm.id = t.last_timing_id \
         WHERE t.end_deployment_id IS NOT NULL AND t.start >= ",
    );
    sql.int(since);
    if let Some(tenant) = tenant {
        sql.push(" AND t.end_tenant = ").text(tenant);
    }
    sql.push(" ORDER BY t.duration, t.id LIMIT ").int(limit);
    sql
}

/// Hours a slowest-requests list reads one by one; a wider one sorts its requests at once.
const SLOWEST_MAX_HOURS: i64 = 48;

/// [`Store::slowest_requests`]' statement; `hour_of_start` is the backend's request hour
/// ([`Store::tracker_hour`]). The requests that started from `since` to `now`: every one of
/// the result is among the `limit` slowest of its hour (migration 0021), so the list takes
/// those from each hour's end of `request_trackers_slowest` — the hour of `since` (its
/// requests from `since` on), each later one, and the hour of `now` (its requests up to `now`)
/// — and the `limit` slowest of them: at most `limit` index entries per hour instead of every
/// request of the span, sorted. (Requests stamped after `now`, from a clock ahead, are not in
/// the list: an open-ended last arm read every one of them, 41,000 in a benchmark whose
/// generated traffic ran 13 hours past its end.) A span of more than [`SLOWEST_MAX_HOURS`]
/// sorts the span's requests (the ids only) instead. The ids sit in a derived table:
/// MySQL/MariaDB refuse a LIMIT directly inside `IN (…)`.
pub(crate) fn slowest_requests_sql(
    hour_of_start: &str,
    since: i64,
    now: i64,
    limit: u32,
) -> Sql<'static> {
    const HOUR_US: i64 = 3_600_000_000;
    let limit = i64::from(limit);
    // As `rollup_hour`, saturating: `since` may be any number.
    let hour_of = |t: i64| t.div_euclid(HOUR_US).saturating_mul(HOUR_US);
    let first = hour_of(since);
    let last = hour_of(now).max(first);
    let mut sql = Sql::new(KPI_SELECT);
    sql.push(" WHERE t.id IN (SELECT id FROM (");
    if last.saturating_sub(first) / HOUR_US > SLOWEST_MAX_HOURS {
        sql.push("SELECT id, duration FROM request_trackers WHERE start >= ")
            .int(since)
            .push(" AND start <= ")
            .int(now)
            .push(" AND duration > 0");
    } else {
        sql.push("SELECT id FROM (");
        let hours = (last - first) / HOUR_US;
        for arm in 0..=hours {
            if arm > 0 {
                sql.push(" UNION ALL ");
            }
            sql.push("SELECT id, duration FROM (SELECT id, duration FROM request_trackers WHERE ");
            sql.push(hour_of_start)
                .push(" = ")
                .int(first + arm * HOUR_US);
            if arm == 0 {
                sql.push(" AND start >= ").int(since);
            }
            if arm == hours {
                sql.push(" AND start <= ").int(now);
            }
            sql.push(" AND duration > 0 ORDER BY duration DESC LIMIT ")
                .int(limit)
                .push(&format!(") h{arm}"));
        }
        sql.push(") hours");
    }
    sql.push(" ORDER BY duration DESC LIMIT ").int(limit);
    sql.push(") page) ORDER BY t.duration DESC");
    sql
}

/// The statement of [`Store::timing_buckets_since`]; `int` is the backend's 64-bit integer
/// cast type ([`Store::bigint`]). The hours from `since_hour` up to the first midnight come
/// from `timing_rollups`, every day from that midnight on from `timing_day_rollups` (migration
/// 0022): a 7-day window reads at most 23 hours and 8 days of rows per operation and bucket.
pub(crate) fn timing_buckets_sql(int: &str, since_hour: i64) -> Sql<'static> {
    const DAY_US: i64 = 86_400_000_000;
    // The first midnight at or after `since_hour` (saturating: it may be any number).
    let midnight = since_hour
        .div_euclid(DAY_US)
        .saturating_add(i64::from(since_hour.rem_euclid(DAY_US) != 0))
        .saturating_mul(DAY_US);
    let mut sql = Sql::new(&format!(
        "SELECT name, bucket, CAST(SUM(n) AS {int}) AS n, CAST(SUM(total_us) AS {int}) AS total, \
         MIN(min_us) AS min, MAX(max_us) AS max FROM (\
         SELECT name, bucket, n, total_us, min_us, max_us FROM timing_rollups WHERE hour_us >= "
    ));
    sql.int(since_hour).push(" AND hour_us < ").int(midnight);
    sql.push(
        " UNION ALL SELECT name, bucket, n, total_us, min_us, max_us FROM timing_day_rollups \
         WHERE day_us >= ",
    )
    .int(midnight);
    sql.push(") r GROUP BY name, bucket ORDER BY name, bucket");
    sql
}

#[cfg(test)]
mod tests {
    use super::slowest_requests_sql;
    use crate::store::sql::Placeholders;

    const HOUR: i64 = 3_600_000_000;

    fn statement(since: i64, now: i64) -> String {
        slowest_requests_sql("start_hour", since, now, 25).render(Placeholders::Anonymous)
    }

    #[test]
    fn a_day_reads_each_hour_from_since_to_now() {
        // 10:30 yesterday to 10:30 today: the 25 hours from 10:00.
        let since = 1_000 * HOUR + HOUR / 2;
        let text = statement(since, since + 24 * HOUR);
        assert_eq!(text.matches("start_hour = ?").count(), 25, "{text}");
        assert_eq!(text.matches("start >= ?").count(), 1, "the first hour only");
        assert_eq!(text.matches("start <= ?").count(), 1, "the last hour only");
        assert_eq!(text.matches(" UNION ALL ").count(), 24);
        assert!(
            text.contains(") h24) hours") && !text.contains(" h25"),
            "{text}"
        );
    }

    #[test]
    fn now_before_since_reads_since_hour_up_to_now() {
        let text = statement(5 * HOUR + 7, 2 * HOUR);
        assert_eq!(text.matches("start_hour = ?").count(), 1, "{text}");
        assert!(text.contains("start_hour = ? AND start >= ? AND start <= ? AND duration > 0"));
    }

    #[test]
    fn a_wide_span_sorts_its_requests_at_once() {
        for (since, now) in [
            (0, 49 * HOUR),
            (i64::MIN, 0),
            (0, i64::MAX),
            (i64::MIN, i64::MAX),
        ] {
            let text = statement(since, now);
            assert!(!text.contains("start_hour"), "{since}..{now}: {text}");
            assert!(text.contains(
                "WHERE start >= ? AND start <= ? AND duration > 0 ORDER BY duration DESC"
            ));
        }
        // 48 hours still go by hour, before 1970 too.
        let text = statement(-48 * HOUR, 0);
        assert_eq!(text.matches("start_hour = ?").count(), 49, "{text}");
    }
}
