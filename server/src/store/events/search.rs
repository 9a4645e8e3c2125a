//! Event lists by value: search, drill-down around one event, the events of one instance or
//! request, and the newest events of a host or tenant.
//!
//! Indexes behind them (migrations 0001 and 0004): `(deployment_id, id)`, `(instance,
//! when_us)`, `(request_id, when_us)`, `(when_us)`, `(host, id)`, `(tenant, id)`, `(event, id)`;
//! for a host's or tenant's errors, 0017's `(host, when_us)` and `(tenant, when_us)`, which
//! only error rows enter (on MySQL/MariaDB, `(is_error, host, when_us)` and the tenant's).
//! Lists by id walk an index backwards and stop at the limit.

use app::model::{EventFilter, EventPage, EventRow, Field, ScopeKind, SearchQuery};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::events::row::{field_column, push_index_hint, EVENT_SELECT, IS_ERROR};
use crate::store::sql::Sql;

/// ±1 minute: v2's `when` drill-down window.
const WHEN_WINDOW_US: i64 = 60_000_000;

/// The `raw_events` column of a host or tenant (also the `kind` of its `scope_rollups` rows).
pub(crate) fn scope_column(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Host => "host",
        ScopeKind::Tenant => "tenant",
    }
}

impl Store {
    /// One page of a search, newest first, with the cursor of the next page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn search(&self, q: &SearchQuery) -> Result<EventPage, StoreError> {
        let none = EventPage {
            rows: Vec::new(),
            next_before: None,
        };
        let mut sql = Sql::new(EVENT_SELECT);
        if field_column(q.field).is_some() {
            push_index_hint(&mut sql, &hinted(q.field, &q.value, q.deployment));
        }
        sql.push(" WHERE 1 = 1");
        match (q.field, field_column(q.field)) {
            (field, Some(column)) => push_match(&mut sql, field, column, &q.value),
            (Field::Deployment, None) => match self.deployment_id(&q.value).await? {
                Some(id) => {
                    sql.push(" AND e.deployment_id = ").int(id);
                }
                None => return Ok(none),
            },
            (Field::When, None) | (_, None) => return Ok(none),
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
        let side = Around {
            field,
            value,
            anchor,
            deployment,
            limit: i64::from(per_side) + 1,
        };
        let newer = self.fetch_events(&side.sql(true)).await?;
        let older = self.fetch_events(&side.sql(false)).await?;
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

    /// The newest events of a host or tenant (`errors`: only its error events, by
    /// notification time): one index range each, `(host, id)` or, for errors, the partial
    /// `(host, when_us)` of migration 0017; the same for tenants.
    ///
    /// # Errors
    /// Database errors.
    pub async fn scope_events(
        &self,
        kind: ScopeKind,
        value: &str,
        errors: bool,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        self.fetch_events(&scope_events_sql(kind, value, errors, limit))
            .await
    }

    /// A host's or tenant's error events since `day_ago`, and how many of them since
    /// `hour_ago`: a range of the partial error index of migration 0017.
    ///
    /// # Errors
    /// Database errors.
    pub async fn scope_error_counts(
        &self,
        kind: ScopeKind,
        value: &str,
        hour_ago: i64,
        day_ago: i64,
    ) -> Result<(i64, i64), StoreError> {
        let (hour, day): (i64, i64) = self
            .fetch_one(&scope_error_counts_sql(kind, value, hour_ago, day_ago))
            .await?;
        Ok((hour, day))
    }
}

/// [`Store::scope_events`]' statement.
pub(crate) fn scope_events_sql(kind: ScopeKind, value: &str, errors: bool, limit: u32) -> Sql<'_> {
    let column = scope_column(kind);
    let mut sql = Sql::new(EVENT_SELECT);
    sql.push(&format!(" WHERE e.{column} = ")).text(value);
    if errors {
        sql.push(" AND ").push(IS_ERROR);
        sql.push(" ORDER BY e.when_us DESC, e.id DESC LIMIT ");
    } else {
        sql.push(" ORDER BY e.id DESC LIMIT ");
    }
    sql.int(i64::from(limit));
    sql
}

/// [`Store::scope_error_counts`]' statement (`COUNT` is a 64-bit integer on every backend).
pub(crate) fn scope_error_counts_sql(
    kind: ScopeKind,
    value: &str,
    hour_ago: i64,
    day_ago: i64,
) -> Sql<'_> {
    let column = scope_column(kind);
    let mut sql = Sql::new("SELECT COUNT(CASE WHEN e.when_us >= ");
    sql.int(hour_ago)
        .push(" THEN 1 END) AS hour, COUNT(*) AS day FROM raw_events e WHERE ");
    sql.push(&format!("e.{column} = ")).text(value);
    sql.push(" AND ")
        .push(IS_ERROR)
        .push(" AND e.when_us >= ")
        .int(day_ago);
    sql
}

/// ` AND column = value`; for a routing key that makes every row an error (`…error`), the
/// error rule too, whose partial index (migration 0005: the error rows by id) the list then
/// walks: the routing key has no index of its own, and a drill-down from a recent row by
/// `monitor.error` read every newer row (343 ms at a million events).
fn push_match<'a>(sql: &mut Sql<'a>, field: Field, column: &'static str, value: &'a str) {
    sql.and_eq(column, value);
    if field == Field::Source && value.ends_with("error") {
        sql.push(" AND ").push(IS_ERROR);
    }
}

/// The live-feed filter that selects what a search or drill-down of `field = value` (within
/// `deployment`) selects, for [`push_index_hint`]: on MySQL/MariaDB a list by one value with a
/// `(column, id)` index walks that index from its cursor. Left alone, MariaDB read a tenant's
/// rows by `ref` from its first id for the drill-down (740 ms p95 at a million events).
fn hinted(field: Field, value: &str, deployment: Option<i64>) -> EventFilter {
    let mut filter = EventFilter {
        deployment,
        ..EventFilter::default()
    };
    let text = Some(value.to_owned());
    match field {
        Field::Event => filter.event = text,
        Field::Service => filter.service = text,
        Field::Host => filter.host = text,
        Field::Tenant => filter.tenant = text,
        Field::Instance => filter.instance = text,
        Field::Request => filter.request = text,
        Field::Deployment | Field::Source | Field::When => {}
    }
    filter
}

/// One drill-down: the rows on either side of `anchor` sharing its `field`.
struct Around<'a> {
    field: Field,
    value: &'a str,
    anchor: &'a EventRow,
    deployment: Option<i64>,
    limit: i64,
}

impl<'a> Around<'a> {
    /// The query of the newer side (oldest first) or the older side (newest first).
    fn sql(&self, newer: bool) -> Sql<'a> {
        let mut sql = Sql::new(EVENT_SELECT);
        if self.field != Field::When {
            let deployment = match self.field {
                Field::Deployment => Some(self.anchor.deployment_id),
                _ => self.deployment,
            };
            push_index_hint(&mut sql, &hinted(self.field, self.value, deployment));
        }
        sql.push(" WHERE 1 = 1");
        if let Some(d) = self.deployment {
            sql.push(" AND e.deployment_id = ").int(d);
        }
        let (cmp, order) = if newer { (">", "") } else { ("<", " DESC") };
        if self.field == Field::When {
            // An index range on when_us, then the tie-break on id.
            let t = self.anchor.when.0;
            let (lo, hi) = if newer {
                (t, t + WHEN_WINDOW_US)
            } else {
                (t - WHEN_WINDOW_US, t)
            };
            sql.push(" AND e.when_us >= ")
                .int(lo)
                .push(" AND e.when_us <= ")
                .int(hi);
            sql.push(&format!(" AND (e.when_us {cmp} ")).int(t);
            sql.push(&format!(" OR e.id {cmp} "))
                .int(self.anchor.id)
                .push(")");
            sql.push(&format!(" ORDER BY e.when_us{order}, e.id{order} LIMIT "))
                .int(self.limit);
            return sql;
        }
        match field_column(self.field) {
            Some(column) => push_match(&mut sql, self.field, column, self.value),
            None => {
                // Deployment: the anchor's own deployment.
                sql.push(" AND e.deployment_id = ")
                    .int(self.anchor.deployment_id);
            }
        }
        sql.push(&format!(" AND e.id {cmp} ")).int(self.anchor.id);
        sql.push(&format!(" ORDER BY e.id{order} LIMIT "))
            .int(self.limit);
        sql
    }
}
