//! Event lists: the live feed (first page, backfill, skipped counts), search, drill-down and
//! the events of one instance or request.
//!
//! Indexes behind them (migrations 0001 and 0004): `(deployment_id, id)`, `(instance,
//! when_us)`, `(request_id, when_us)`, `(when_us)`, `(host, id)`, `(tenant, id)`, `(event, id)`.
//! Lists by id walk an index backwards and stop at the limit.

use app::model::{EventFilter, EventPage, EventRow, Field, SearchQuery};

use super::{field_column, push_filter, Sql, EVENT_SELECT};
use crate::store::{Store, StoreError};

/// ±1 minute: v2's `when` drill-down window.
const WHEN_WINDOW_US: i64 = 60_000_000;

impl Store {
    /// The newest `limit` events matching `filter`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn recent_matching(
        &self,
        filter: &EventFilter,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE 1 = 1");
        push_filter(&mut sql, filter);
        sql.push(" ORDER BY e.id DESC LIMIT ").int(i64::from(limit));
        self.fetch_events(&sql).await
    }

    /// Events matching `filter` with an id above `after`, oldest first, at most `limit`: the
    /// live feed's backfill.
    ///
    /// # Errors
    /// Database errors.
    pub async fn matching_after(
        &self,
        after: i64,
        filter: &EventFilter,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.id > ").int(after);
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

    /// One page of a search, newest first, with the cursor of the next page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn search(&self, q: &SearchQuery) -> Result<EventPage, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE 1 = 1");
        match (q.field, field_column(q.field)) {
            (_, Some(column)) => {
                sql.and_eq(column, &q.value);
            }
            (Field::Deployment, None) => match self.deployment_id(&q.value).await? {
                Some(id) => {
                    sql.push(" AND e.deployment_id = ").int(id);
                }
                None => {
                    return Ok(EventPage {
                        rows: Vec::new(),
                        next_before: None,
                    })
                }
            },
            (Field::When, None) | (_, None) => {
                return Ok(EventPage {
                    rows: Vec::new(),
                    next_before: None,
                })
            }
        }
        if let Some(d) = q.deployment {
            sql.push(" AND e.deployment_id = ").int(d);
        }
        if !q.updates {
            sql.push(" AND e.event <> 'compute.instance.update'");
        }
        if let Some(before) = q.before {
            sql.push(" AND e.id < ").int(before);
        }
        let limit = q.count.limit();
        // One extra row tells whether there is a next page.
        sql.push(" ORDER BY e.id DESC LIMIT ")
            .int(i64::from(limit) + 1);
        let mut rows = self.fetch_events(&sql).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_before = more.then(|| rows.last().map(|r| r.id)).flatten();
        Ok(EventPage { rows, next_before })
    }

    /// A deployment's id by name, or by its id written as a number.
    async fn deployment_id(&self, name_or_id: &str) -> Result<Option<i64>, StoreError> {
        let all = self.deployments().await?;
        let by_id = name_or_id.parse::<i64>().ok();
        Ok(all
            .iter()
            .find(|(id, name)| name == name_or_id || Some(*id) == by_id)
            .map(|(id, _)| *id))
    }

    /// One event's table row.
    ///
    /// # Errors
    /// Database errors.
    pub async fn event_row(&self, id: i64) -> Result<Option<EventRow>, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.id = ").int(id);
        Ok(self.fetch_events(&sql).await?.pop())
    }

    /// Up to `per_side` (+1, to tell whether more exist) rows on each side of `anchor` with
    /// the same `value` in `field` (for `when`: within ±1 minute of it), as (newer, older):
    /// newer oldest-first, older newest-first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn around(
        &self,
        field: Field,
        value: &str,
        anchor: &EventRow,
        deployment: Option<i64>,
        per_side: u32,
    ) -> Result<(Vec<EventRow>, Vec<EventRow>), StoreError> {
        let limit = i64::from(per_side) + 1;
        let side = |newer: bool| -> Sql {
            let mut sql = Sql::new(EVENT_SELECT);
            sql.push(" WHERE 1 = 1");
            if let Some(d) = deployment {
                sql.push(" AND e.deployment_id = ").int(d);
            }
            let t = anchor.when.0;
            if field == Field::When {
                // An index range on when_us, then the tie-break on id.
                let (lo, hi) = if newer {
                    (t, t + WHEN_WINDOW_US)
                } else {
                    (t - WHEN_WINDOW_US, t)
                };
                sql.push(" AND e.when_us >= ")
                    .int(lo)
                    .push(" AND e.when_us <= ")
                    .int(hi);
                let (cmp, order) = if newer { (">", "") } else { ("<", " DESC") };
                sql.push(&format!(" AND (e.when_us {cmp} ")).int(t);
                sql.push(&format!(" OR e.id {cmp} "))
                    .int(anchor.id)
                    .push(")");
                sql.push(&format!(" ORDER BY e.when_us{order}, e.id{order} LIMIT "))
                    .int(limit);
            } else {
                match field_column(field) {
                    Some(column) => {
                        sql.and_eq(column, value);
                    }
                    None => {
                        // Deployment: the anchor's own deployment.
                        sql.push(" AND e.deployment_id = ")
                            .int(anchor.deployment_id);
                    }
                }
                let (cmp, order) = if newer { (">", "") } else { ("<", " DESC") };
                sql.push(&format!(" AND e.id {cmp} ")).int(anchor.id);
                sql.push(&format!(" ORDER BY e.id{order} LIMIT "))
                    .int(limit);
            }
            sql
        };
        let newer = self.fetch_events(&side(true)).await?;
        let older = self.fetch_events(&side(false)).await?;
        Ok((newer, older))
    }

    /// An instance's events by notification time, at most `limit`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn events_of_instance(
        &self,
        instance: &str,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.instance = ").text(instance);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ")
            .int(i64::from(limit));
        self.fetch_events(&sql).await
    }

    /// A request's events by notification time, at most `limit`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn events_of_request(
        &self,
        request_id: &str,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut sql = Sql::new(EVENT_SELECT);
        sql.push(" WHERE e.request_id = ").text(request_id);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ")
            .int(i64::from(limit));
        self.fetch_events(&sql).await
    }
}
