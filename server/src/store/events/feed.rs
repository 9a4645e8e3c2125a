//! Event lists by id: the live feed (first page, backfill, skipped counts), the `/api/v1`
//! pages (id cursor, filters, time window), the newest id, and per-deployment last events.
//!
//! Every list is keyset-paginated (`id > after ORDER BY id LIMIT n`), so a page costs the same
//! at row 10 as at row 10 million. Indexes behind the filters (migrations 0001, 0004, 0005):
//! `(deployment_id, id)`, `(host[, id])`, `(tenant[, id])`, `(event[, id])`, `(instance,
//! when_us)`, `(request_id, when_us)`, `(when_us)`; a time window's id range comes from
//! `minute_ids` (migration 0018).

use app::model::{EventFilter, EventRow};

use crate::aggregate::minute_start;
use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::events::row::{push_filter, push_index_hint, EVENT_SELECT};
use crate::store::sql::Sql;

/// A notification-time window, UTC microseconds, `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// A time window's events as `minute_ids` (migration 0018) counts them: every event of the
/// window has an id in `lowest..=highest`; the window's minutes hold `events` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowIds {
    pub lowest: i64,
    pub highest: i64,
    pub events: i64,
}

impl WindowIds {
    /// Whether the minutes' events fill at least a quarter of their id range, so a walk of the
    /// range in id order meets a page's rows within about four times their number (events
    /// stored in time order: the usual case). Otherwise (events of the window stored hours
    /// apart, around other traffic) the window's own rows are read from the time index.
    pub fn dense(self) -> bool {
        self.events.saturating_mul(4) > self.highest - self.lowest
    }
}

impl TimeWindow {
    /// Whether either end is set.
    pub fn is_some(self) -> bool {
        self.since.is_some() || self.until.is_some()
    }
}

impl Store {
    /// The newest `limit` events, newest first, of one deployment or all.
    ///
    /// # Errors
    /// Database errors.
    pub async fn recent_events(
        &self,
        deployment: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        self.fetch_events(&recent_events_sql(deployment, limit))
            .await
    }

    /// The newest `limit` events matching `filter` with an id up to `upto` (a feed horizon,
    /// [`Store::feed_horizon`]), newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn recent_matching(
        &self,
        filter: &EventFilter,
        limit: u32,
        upto: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        self.fetch_events(&recent_matching_sql(filter, limit, Some(upto)))
            .await
    }

    /// Events matching `filter` with `after < id <= upto` (`upto` a feed horizon, so no row
    /// below a returned one can still commit), oldest first, at most `limit`: the live
    /// feed's backfill and tail.
    ///
    /// # Errors
    /// Database errors.
    pub async fn matching_after(
        &self,
        after: i64,
        upto: i64,
        filter: &EventFilter,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        push_index_hint(&mut sql, filter);
        sql.push(" WHERE e.id > ").int(after);
        sql.push(" AND e.id <= ").int(upto);
        push_filter(&mut sql, filter);
        sql.push(" ORDER BY e.id LIMIT ").int(i64::from(limit));
        self.fetch_events(&sql).await
    }

    /// Events matching `filter` with `after < id <= upto`: what a lagging subscriber skipped.
    ///
    /// # Errors
    /// Database errors.
    pub async fn count_matching_between(
        &self,
        after: i64,
        upto: i64,
        filter: &EventFilter,
    ) -> Result<i64, StoreError> {
        let mut sql = Sql::new("SELECT COUNT(*) FROM raw_events e");
        push_index_hint(&mut sql, filter);
        sql.push(" WHERE e.id > ")
            .int(after)
            .push(" AND e.id <= ")
            .int(upto);
        push_filter(&mut sql, filter);
        self.fetch_int(&sql).await
    }

    /// At most `limit` events with an id above `after` that match `filter` and `window`,
    /// oldest id first, up to the feed horizon: a client that pages on with the last id it got
    /// never skips a row committed later with a smaller id.
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
        let upto = self.feed_horizon().await?;
        let ids = if window.is_some() {
            let Some(ids) = self.window_ids(window).await? else {
                return Ok(Vec::new());
            };
            Some(ids)
        } else {
            None
        };
        match page_sql(after, upto, filter, (window, ids), limit) {
            Some(sql) => self.fetch_events(&sql).await,
            None => Ok(Vec::new()),
        }
    }

    /// What `minute_ids` (migration 0018) knows of `window`'s events (`None`: none is stored
    /// in it): the id range of the window's minutes and how many events they hold, read from
    /// one row per minute of the window that holds events (1,440 for a busy day; an open end
    /// reaches to the first or last stored minute).
    ///
    /// # Errors
    /// Database errors.
    pub async fn window_ids(&self, window: TimeWindow) -> Result<Option<WindowIds>, StoreError> {
        let mut sql = Sql::new("SELECT MIN(min_id), MAX(max_id), CAST(SUM(n) AS ");
        sql.push(self.bigint())
            .push(") FROM minute_ids WHERE 1 = 1");
        if let Some(since) = window.since {
            sql.push(" AND minute_us >= ").int(minute_start(since));
        }
        if let Some(until) = window.until {
            sql.push(" AND minute_us < ").int(until);
        }
        let row: (Option<i64>, Option<i64>, Option<i64>) = self.fetch_one(&sql).await?;
        Ok(match row {
            (Some(lowest), Some(highest), events) => Some(WindowIds {
                lowest,
                highest,
                events: events.unwrap_or(0),
            }),
            _ => None,
        })
    }

    /// The highest stored event id (0 when empty). Not a feed's cursor: on PostgreSQL a smaller
    /// id may still commit ([`Store::feed_horizon`] is the cursor).
    ///
    /// # Errors
    /// Database errors.
    pub async fn max_event_id(&self) -> Result<i64, StoreError> {
        self.fetch_int(&Sql::new("SELECT MAX(id) FROM raw_events"))
            .await
    }

    /// Stored events whose message id is one of `ids`: how tests check "published = stored".
    ///
    /// # Errors
    /// Database errors.
    pub async fn count_events_with_message_ids(&self, ids: &[String]) -> Result<i64, StoreError> {
        let mut total = 0;
        for chunk in ids.chunks(500) {
            let keys: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let mut sql = Sql::new("SELECT COUNT(*) FROM raw_events WHERE message_id IN ");
            sql.in_list(&keys);
            total += self.fetch_int(&sql).await?;
        }
        Ok(total)
    }

    /// Per deployment id: its newest event's id and time (an index lookup each).
    ///
    /// The deployment is a range of one value, not an equality, and the order names it: with
    /// `deployment_id = d.id` PostgreSQL may drop it from the order and walk the primary key
    /// backwards for the first row of the deployment, which for a deployment with no events
    /// (or only old ones) reads every event (754 ms at a million events, on every home and
    /// status page); as written only the `(deployment_id, id)` index gives the order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn last_events(&self) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError> {
        let sql = Sql::new(
            "SELECT d.id, \
               (SELECT e.id FROM raw_events e \
                 WHERE e.deployment_id >= d.id AND e.deployment_id <= d.id \
                 ORDER BY e.deployment_id DESC, e.id DESC LIMIT 1), \
               (SELECT e.when_us FROM raw_events e \
                 WHERE e.deployment_id >= d.id AND e.deployment_id <= d.id \
                 ORDER BY e.deployment_id DESC, e.id DESC LIMIT 1) \
             FROM deployments d",
        );
        self.fetch_all(&sql).await
    }
}

/// The `/api/v1/events` page statement for `after < id <= upto`: with a window, `ids` is its
/// id range ([`Store::window_ids`]), which narrows the ids and decides the form
/// ([`WindowIds::dense`]); `None`: no id is left to read.
pub(crate) fn page_sql<'a>(
    after: i64,
    upto: i64,
    filter: &'a EventFilter,
    (window, ids): (TimeWindow, Option<WindowIds>),
    limit: u32,
) -> Option<Sql<'a>> {
    let Some(ids) = ids else {
        return Some(events_page_sql(
            after,
            filter,
            (window, false),
            limit,
            Some(upto),
        ));
    };
    let (after, upto) = (after.max(ids.lowest - 1), upto.min(ids.highest));
    (after < upto).then(|| events_page_sql(after, filter, (window, ids.dense()), limit, Some(upto)))
}

/// The newest `limit` events, newest first, of one deployment or all (the home page and the
/// live feed's first page).
pub(crate) fn recent_events_sql(deployment: Option<i64>, limit: u32) -> Sql<'static> {
    let mut sql = Sql::new(EVENT_SELECT);
    if let Some(dep) = deployment {
        sql.push(" WHERE e.deployment_id = ").int(dep);
    }
    sql.push(" ORDER BY e.id DESC LIMIT ").int(i64::from(limit));
    sql
}

/// The newest `limit` events matching `filter` (with an id up to `upto`, if given), newest
/// first (the live feed's first page).
pub(crate) fn recent_matching_sql(filter: &EventFilter, limit: u32, upto: Option<i64>) -> Sql<'_> {
    let mut sql = Sql::new(EVENT_SELECT);
    sql.push(" WHERE 1 = 1");
    if let Some(upto) = upto {
        sql.push(" AND e.id <= ").int(upto);
    }
    push_filter(&mut sql, filter);
    sql.push(" ORDER BY e.id DESC LIMIT ").int(i64::from(limit));
    sql
}

/// The `/api/v1/events` page query. With a time window, `after` and `upto` already bound the
/// ids to the window's minutes ([`Store::window_ids`]), and then either
/// - `walk` (the window's minutes fill their id range densely): the id range is walked in id
///   order, the time tested on each row (`when_us + 0`: the planners would otherwise read the
///   whole window from the time index and sort it, 17,000 rows for an hour at three million
///   events), stopping at the page's end; or
/// - the ids are chosen first from the `when_us` index alone (on SQLite its entries end with
///   the id, so the window's ids are sorted without reading a row), and only the page's rows
///   are read. The chosen ids sit in a derived table (`IN (SELECT id FROM (… LIMIT n)
///   page)`): MySQL/MariaDB refuse a LIMIT directly inside `IN (…)` (ERROR 1235).
pub(crate) fn events_page_sql<'a>(
    after: i64,
    filter: &'a EventFilter,
    (window, walk): (TimeWindow, bool),
    limit: u32,
    upto: Option<i64>,
) -> Sql<'a> {
    let by_time_index = window.is_some() && !walk;
    let mut sql = Sql::new(EVENT_SELECT);
    if by_time_index {
        sql.push(" WHERE e.id IN (SELECT id FROM (SELECT e.id FROM raw_events e");
    } else if !walk {
        push_index_hint(&mut sql, filter);
    }
    sql.push(" WHERE 1 = 1");
    // From the start, no `id > 0`: it tempts PostgreSQL into a bitmap of the whole primary key.
    if after > 0 {
        sql.push(" AND e.id > ").int(after);
    }
    if let Some(upto) = upto {
        sql.push(" AND e.id <= ").int(upto);
    }
    push_filter(&mut sql, filter);
    let when = if walk { "e.when_us + 0" } else { "e.when_us" };
    if let Some(since) = window.since {
        sql.push(" AND ").push(when).push(" >= ").int(since);
    }
    if let Some(until) = window.until {
        sql.push(" AND ").push(when).push(" < ").int(until);
    }
    sql.push(" ORDER BY e.id LIMIT ").int(i64::from(limit));
    if by_time_index {
        sql.push(") page) ORDER BY e.id");
    }
    sql
}
