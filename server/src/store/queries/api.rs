//! Queries of the `/api/v1` JSON API that the web pages do not share: events by id cursor with
//! filters and a time window, quarantined messages by id cursor, and the query plans the
//! `bench-queries` benchmark prints.
//!
//! Every list is keyset-paginated (`id > after ORDER BY id LIMIT n`), so a page costs the same
//! at row 10 as at row 10 million. Indexes behind the filters (migrations 0001, 0004, 0005):
//! `(deployment_id, id)`, `(host[, id])`, `(tenant[, id])`, `(event[, id])`, `(instance,
//! when_us)`, `(request_id, when_us)`, `(when_us)`.

use app::model::{EventFilter, EventRow, Micros, QuarantineRow};

use super::{bound, push_filter, Sql, EVENT_SELECT};
use crate::store::{with_pool, Store, StoreError};

/// A notification-time window, UTC microseconds, `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Store {
    /// At most `limit` events with an id above `after` that match `filter` and `window`,
    /// oldest id first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn events_page(
        &self,
        after: i64,
        filter: &EventFilter,
        window: TimeWindow,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let sql = events_page_sql(after, filter, window, limit);
        self.fetch_events(&sql).await
    }

    /// At most `limit` quarantined messages (without bodies) with an id above `after`,
    /// oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantine_page(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<QuarantineRow>, StoreError> {
        let mut sql = Sql::new(super::detail::QUARANTINE_SELECT);
        sql.push(" WHERE q.id > ").int(after);
        sql.push(" ORDER BY q.id LIMIT ").int(i64::from(limit));
        type Listed = (i64, String, String, String, String, i64, i64);
        let rows: Vec<Listed> = with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, deployment, exchange, routing_key, error, received, size)| QuarantineRow {
                    id,
                    deployment,
                    exchange,
                    routing_key,
                    error,
                    received: Micros(received),
                    size,
                },
            )
            .collect())
    }

    /// Refreshes the planner's statistics (PostgreSQL; autovacuum does it in production, a
    /// benchmark that just bulk-loaded a table must not wait for it). SQLite: nothing, since
    /// the product never runs `ANALYZE` there either.
    ///
    /// # Errors
    /// Database errors.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        if let Store::Postgres(pool) = self {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    /// The plan of `explained` (a statement with its binds) as the database prints it:
    /// `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL.
    ///
    /// # Errors
    /// Database errors.
    pub async fn explain(&self, explained: &Explained) -> Result<String, StoreError> {
        let sql = &explained.0;
        let lines: Vec<String> = match self {
            Store::Sqlite(pool) => {
                let text = format!("EXPLAIN QUERY PLAN {}", sql.text);
                let rows: Vec<(i64, i64, i64, String)> =
                    bound!(sqlx::query_as(&text), sql).fetch_all(pool).await?;
                // (id, parent, notused, detail): indent children under their parent.
                let mut depth = std::collections::HashMap::new();
                rows.into_iter()
                    .map(|(id, parent, _, detail)| {
                        let d = depth.get(&parent).map_or(0, |d| d + 1);
                        depth.insert(id, d);
                        format!("{}{detail}", "  ".repeat(d))
                    })
                    .collect()
            }
            Store::Postgres(pool) => {
                let text = format!("EXPLAIN {}", sql.text);
                bound!(sqlx::query_scalar(&text), sql)
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(lines.join("\n"))
    }
}

/// A read statement of the product, with its bind values, for [`Store::explain`].
#[derive(Debug, Clone)]
pub struct Explained(Sql);

impl Explained {
    /// The `/api/v1/events` page query.
    pub fn events_page(after: i64, filter: &EventFilter, window: TimeWindow, limit: u32) -> Self {
        Self(events_page_sql(after, filter, window, limit))
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
        Self(sql)
    }

    /// One event's columns (the event page and API).
    pub fn event(id: i64) -> Self {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.id = ").int(id);
        Self(sql)
    }

    /// The newest rows of a host (host page, search and drill-down by host).
    pub fn host_recent(host: &str, limit: u32) -> Self {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.host = ").text(host);
        sql.push(" ORDER BY e.id DESC LIMIT ").int(i64::from(limit));
        Self(sql)
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

    /// The timings page's durations of operations that ended since `since`.
    pub fn timings_since(since: i64) -> Self {
        let mut sql =
            Sql::new("SELECT name, diff FROM timings WHERE diff IS NOT NULL AND end_when >= ");
        sql.int(since);
        Self(sql)
    }

    /// The timings page's slowest requests since `since` (as `Store::slowest_requests`).
    pub fn slowest_requests(since: i64) -> Self {
        let mut sql = Sql::new(
            "SELECT t.request_id, t.duration FROM request_trackers t WHERE t.id IN \
             (SELECT id FROM request_trackers WHERE start >= ",
        );
        sql.int(since)
            .push(" AND duration > 0 ORDER BY duration DESC LIMIT 25) ORDER BY t.duration DESC");
        Self(sql)
    }

    /// The KPIs of the requests that touched an instance.
    pub fn kpis_of_instance(instance: &str) -> Self {
        let mut sql = Sql::new(
            "SELECT t.request_id, t.start, t.duration FROM request_trackers t WHERE t.request_id \
             IN (SELECT DISTINCT request_id FROM raw_events WHERE instance = ",
        );
        sql.text(instance).push(") ORDER BY t.start");
        Self(sql)
    }
}

/// Which column [`Explained::events_of`] selects by.
#[derive(Debug, Clone, Copy)]
pub enum EventsOf {
    Instance,
    Request,
}

/// The page query. With a time window the ids are chosen first from the `when_us` index
/// alone (on SQLite its entries end with the id, so the window's ids are sorted without
/// reading a row), and only the page's rows are read.
fn events_page_sql(after: i64, filter: &EventFilter, window: TimeWindow, limit: u32) -> Sql {
    let windowed = window.since.is_some() || window.until.is_some();
    let mut sql = Sql::new(EVENT_SELECT);
    if windowed {
        sql.push(" WHERE e.id IN (SELECT e.id FROM raw_events e");
    }
    sql.push(" WHERE 1 = 1");
    // From the start, no `id > 0`: it tempts PostgreSQL into a bitmap of the whole primary key.
    if after > 0 {
        sql.push(" AND e.id > ").int(after);
    }
    push_filter(&mut sql, filter);
    if let Some(since) = window.since {
        sql.push(" AND e.when_us >= ").int(since);
    }
    if let Some(until) = window.until {
        sql.push(" AND e.when_us < ").int(until);
    }
    sql.push(" ORDER BY e.id LIMIT ").int(i64::from(limit));
    if windowed {
        sql.push(") ORDER BY e.id");
    }
    sql
}
