//! The plans of the product's read statements, as the database prints them, for
//! `stacktach bench-queries` and the plan tests: [`Explained`] builds the same statements the
//! pages and APIs run (with their binds), [`Store::explain`] asks the backend for its plan.

use std::collections::HashMap;

use app::model::{EventFilter, ScopeKind};
use sqlx::{MySqlPool, PgPool, SqlitePool};

use crate::store::aggregates::{slowest_requests_sql, stacky_kpis_sql, timing_buckets_sql};
use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::events::{
    events_page_sql, page_sql, recent_events_sql, recent_matching_sql, scope_error_counts_sql,
    scope_events_sql, TimeWindow, WindowIds, EVENT_SELECT,
};
use crate::store::exists_counts::exists_counts_sql;
use crate::store::scope_rollups::scope_counts_sql;
use crate::store::sql::Sql;
use crate::store::text::Text;

/// A read statement of the product, with its bind values, for [`Store::explain`].
#[derive(Debug, Clone)]
pub struct Explained(Sql<'static>);

/// Which column [`Explained::events_of`] selects by.
#[derive(Debug, Clone, Copy)]
pub enum EventsOf {
    Instance,
    Request,
}

impl Explained {
    /// The `/api/v1/events` page query (capped at a feed horizon; the largest id stands in),
    /// with a window's id range (`Store::window_ids`) when it has one.
    pub fn events_page(
        after: i64,
        filter: &EventFilter,
        (window, ids): (TimeWindow, Option<WindowIds>),
        limit: u32,
    ) -> Self {
        // A window with no id left reads nothing: its plan is that of the whole id range.
        let sql = page_sql(after, i64::MAX, filter, (window, ids), limit).unwrap_or_else(|| {
            events_page_sql(after, filter, (window, false), limit, Some(i64::MAX))
        });
        Self(sql.into_owned())
    }

    /// The events of an instance or a request (instance and request pages and API).
    pub fn events_of(column: EventsOf, value: &str, limit: u32) -> Self {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(match column {
            EventsOf::Instance => " WHERE e.instance = ",
            EventsOf::Request => " WHERE e.request_id = ",
        });
        sql.text(value)
            .push(" ORDER BY e.when_us, e.id LIMIT ")
            .int(i64::from(limit));
        Self(sql.into_owned())
    }

    /// The newest events of one deployment or all (the home page, the feed's first page).
    pub fn recent(deployment: Option<i64>, limit: u32) -> Self {
        Self(recent_events_sql(deployment, limit))
    }

    /// The newest events matching `filter` (the live feed's first page with a filter, e.g.
    /// errors only), capped at a feed horizon (the largest id stands in).
    pub fn recent_matching(filter: &EventFilter, limit: u32) -> Self {
        Self(recent_matching_sql(filter, limit, Some(i64::MAX)).into_owned())
    }

    /// `/stacky/kpi/`: the quickest finished requests since `since`, optionally of a tenant.
    pub fn stacky_kpis(since: i64, tenant: Option<&str>, limit: i64) -> Self {
        Self(stacky_kpis_sql(since, tenant, limit).into_owned())
    }

    /// One event's columns (the event page and API).
    pub fn event(id: i64) -> Self {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.id = ").int(id);
        Self(sql)
    }

    /// The newest rows of a host or tenant, or its newest errors (its page; search and
    /// drill-down by host read like the first).
    pub fn scope_events(kind: ScopeKind, value: &str, errors: bool, limit: u32) -> Self {
        Self(scope_events_sql(kind, value, errors, limit).into_owned())
    }

    /// A host's or tenant's errors of the last hour and day (its page).
    pub fn scope_error_counts(kind: ScopeKind, value: &str, now: i64) -> Self {
        const HOUR_US: i64 = 3_600_000_000;
        Self(scope_error_counts_sql(kind, value, now - HOUR_US, now - 24 * HOUR_US).into_owned())
    }

    /// A host's or tenant's events per type from the rollups (its page); `int` is the
    /// backend's 64-bit cast type (`Store::bigint`).
    pub fn scope_counts(int: &str, kind: ScopeKind, value: &str, since_hour: i64) -> Self {
        Self(scope_counts_sql(int, kind, value, since_hour).into_owned())
    }

    /// The kept exists counts of `table` (the status page, `/api/v1/status`, the verifier's
    /// gauges, an unfiltered `/db/stats/*/exists`); `int` as for [`Explained::scope_counts`].
    pub fn exists_counts(int: &str, table: &'static str) -> Self {
        Self(exists_counts_sql(int, table))
    }

    /// Drill-down by time: the rows within a minute after `t` (the `when` field).
    pub fn when_window(t: i64, limit: u32) -> Self {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.when_us >= ")
            .int(t)
            .push(" AND e.when_us <= ")
            .int(t + 60_000_000);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ")
            .int(i64::from(limit));
        Self(sql)
    }

    /// The timings page's rollup buckets of the hours from `since_hour` on; `int` is the
    /// backend's 64-bit cast type (`Store::bigint`).
    pub fn timing_buckets_since(int: &str, since_hour: i64) -> Self {
        Self(timing_buckets_sql(int, since_hour))
    }

    /// The timings page's slowest requests since `since`, read hour by hour up to `now`'s
    /// (the statement of `Store::slowest_requests`); `hour_of_start` is
    /// `Store::tracker_hour`.
    pub fn slowest_requests(hour_of_start: &str, since: i64, now: i64, limit: u32) -> Self {
        Self(slowest_requests_sql(hour_of_start, since, now, limit))
    }

    /// The KPIs of the requests that touched an instance.
    pub fn kpis_of_instance(instance: &str) -> Self {
        let mut sql = Sql::new(
            "SELECT t.request_id, t.start, t.duration FROM request_trackers t WHERE t.request_id \
             IN (SELECT DISTINCT request_id FROM raw_events WHERE instance = ",
        );
        sql.text(instance).push(") ORDER BY t.start");
        Self(sql.into_owned())
    }
}

impl Store {
    /// The plan of `explained` (a statement with its binds) as the database prints it:
    /// `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL, `EXPLAIN FORMAT=JSON` on
    /// MySQL/MariaDB (the one form both print alike; their tabular `EXPLAIN`s differ in
    /// columns and types).
    ///
    /// # Errors
    /// Database errors.
    pub async fn explain(&self, explained: &Explained) -> Result<String, StoreError> {
        let sql = &explained.0;
        let statement = sql.render(self.placeholders());
        let lines = match self {
            Self::Sqlite(pool) => explain_sqlite(pool, sql, &statement).await?,
            Self::Postgres(pool) => explain_postgres(pool, sql, &statement).await?,
            Self::MySql(pool) => explain_mysql(pool, sql, &statement).await?,
        };
        Ok(lines.join("\n"))
    }
}

/// SQLite's plan rows `(id, parent, notused, detail)`, children indented under their parent.
async fn explain_sqlite(
    pool: &SqlitePool,
    sql: &Sql<'_>,
    statement: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let text = format!("EXPLAIN QUERY PLAN {statement}");
    let rows: Vec<(i64, i64, i64, String)> = sql.query_as(&text)?.fetch_all(pool).await?;
    let mut depth = HashMap::new();
    Ok(rows
        .into_iter()
        .map(|(id, parent, _, detail)| {
            let d = depth.get(&parent).map_or(0, |d| d + 1);
            depth.insert(id, d);
            format!("{}{detail}", "  ".repeat(d))
        })
        .collect())
}

/// PostgreSQL's plan, one row per line.
async fn explain_postgres(
    pool: &PgPool,
    sql: &Sql<'_>,
    statement: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let text = format!("EXPLAIN {statement}");
    let rows: Vec<(String,)> = sql.query_as(&text)?.fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(line,)| line).collect())
}

/// MySQL's/MariaDB's plan: one JSON document, split into its lines.
async fn explain_mysql(
    pool: &MySqlPool,
    sql: &Sql<'_>,
    statement: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let text = format!("EXPLAIN FORMAT=JSON {statement}");
    let rows: Vec<(Text,)> = sql.query_as(&text)?.fetch_all(pool).await?;
    Ok(rows
        .iter()
        .flat_map(|(plan,)| plan.0.lines().map(str::to_owned))
        .collect())
}
