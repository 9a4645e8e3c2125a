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
use crate::store::events::row::{push_filter, EVENT_SELECT};
use crate::store::sql::Sql;

/// A notification-time window, UTC microseconds, `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: Option<i64>,
    pub until: Option<i64>,
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
        let mut sql = Sql::new("SELECT COUNT(*) FROM raw_events e WHERE e.id > ");
        sql.int(after).push(" AND e.id <= ").int(upto);
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
        let (mut after, mut upto) = (after, self.feed_horizon().await?);
        if window.is_some() {
            let narrow = self
                .window_ids(window)
                .await?
                .map(|ids| narrowed(after, upto, ids));
            match narrow.flatten() {
                Some(ids) => (after, upto) = ids,
                None => return Ok(Vec::new()),
            }
        }
        let sql = events_page_sql(after, filter, window, limit, Some(upto));
        self.fetch_events(&sql).await
    }

    /// The lowest and highest id an event of `window` can have (`None`: no event is stored
    /// in it): the id ranges of the window's minutes (migration 0018), a range of at most
    /// a few hundred rows for a day.
    ///
    /// # Errors
    /// Database errors.
    pub async fn window_ids(&self, window: TimeWindow) -> Result<Option<(i64, i64)>, StoreError> {
        let mut sql = Sql::new("SELECT MIN(min_id), MAX(max_id) FROM minute_ids WHERE 1 = 1");
        if let Some(since) = window.since {
            sql.push(" AND minute_us >= ").int(minute_start(since));
        }
        if let Some(until) = window.until {
            sql.push(" AND minute_us < ").int(until);
        }
        let (lowest, highest): (Option<i64>, Option<i64>) = self.fetch_one(&sql).await?;
        Ok(lowest.zip(highest))
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
        self.fetch_all(&sql).await
    }
}

/// `after < id <= upto` narrowed to a window's id range `(lowest, highest)`
/// ([`Store::window_ids`]); `None`: no id is left.
pub(crate) fn narrowed(after: i64, upto: i64, (lowest, highest): (i64, i64)) -> Option<(i64, i64)> {
    let (after, upto) = (after.max(lowest - 1), upto.min(highest));
    (after < upto).then_some((after, upto))
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
/// ids to the window's minutes ([`Store::window_ids`]), and the ids are chosen first from the
/// `when_us` index alone (on SQLite its entries end with the id, so the window's ids are
/// sorted without reading a row), and only the page's rows are read. The chosen ids sit in a
/// derived table (`IN (SELECT id FROM (… LIMIT n) page)`): MySQL/MariaDB refuse a LIMIT
/// directly inside `IN (…)` (ERROR 1235); SQLite and PostgreSQL plan both forms alike.
pub(crate) fn events_page_sql<'a>(
    after: i64,
    filter: &'a EventFilter,
    window: TimeWindow,
    limit: u32,
    upto: Option<i64>,
) -> Sql<'a> {
    let windowed = window.is_some();
    let mut sql = Sql::new(EVENT_SELECT);
    if windowed {
        sql.push(" WHERE e.id IN (SELECT id FROM (SELECT e.id FROM raw_events e");
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
    if let Some(since) = window.since {
        sql.push(" AND e.when_us >= ").int(since);
    }
    if let Some(until) = window.until {
        sql.push(" AND e.when_us < ").int(until);
    }
    sql.push(" ORDER BY e.id LIMIT ").int(i64::from(limit));
    if windowed {
        sql.push(") page) ORDER BY e.id");
    }
    sql
}
