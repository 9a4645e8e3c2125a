//! Raw events as v2's `/stacky` API lists them: its three raw tables (by exchange), distinct
//! event and host names, search, one raw event with its body, and the `watch` feed by id
//! cursor.
//!
//! Every list is bounded by a LIMIT. Indexes behind them: `raw_events (instance, when_us)`,
//! `(request_id, when_us)`, `(when_us)`, `(event)`, `(host)`, `(tenant)` and the primary key.

use crate::aggregate::minute_start;
use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::stacky::{
    FieldValue, NameColumn, RawQuery, StackyRaw, StackyService, WatchFilter, WatchPage,
};
use crate::store::text::Text;

/// The columns of [`StackyRaw`]; the deployment's name by a scalar subquery, as in
/// `EVENT_SELECT` (a join lets MySQL/MariaDB start from the one-row `deployments` and sort).
const RAW_SELECT: &str = "SELECT e.id, \
     (SELECT d.name FROM deployments d WHERE d.id = e.deployment_id) AS deployment, \
     e.routing_key, e.when_us, e.event, \
     e.publisher, e.service, e.host, e.instance, e.request_id, e.state, e.old_state, \
     e.old_task, e.image_status, e.image_uuid \
     FROM raw_events e";

impl Store {
    /// The distinct values of `column` among the events of `service`, sorted, at most `max`,
    /// plus whether some event of `service` has no value (v2 listed `None`).
    ///
    /// From `stacky_names` (migration 0024: upserted by every batch, pruned with the events;
    /// kind `no_host` marks a service with an event without a host).
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_names(
        &self,
        column: NameColumn,
        service: StackyService,
        max: i64,
    ) -> Result<(Vec<String>, bool), StoreError> {
        let mut sql = Sql::new("SELECT name FROM stacky_names WHERE kind = ");
        sql.text(column.column())
            .push(" AND service = ")
            .text(service.as_str())
            .push(" ORDER BY name LIMIT ")
            .int(max);
        let names: Vec<Text> = self.fetch_column(&sql).await?;
        let names = names.into_iter().map(String::from).collect();
        let has_null = match column {
            NameColumn::Event => false,
            NameColumn::Host => {
                let mut nulls = Sql::new(
                    "SELECT COUNT(*) FROM stacky_names WHERE kind = 'no_host' AND service = ",
                );
                nulls.text(service.as_str());
                self.fetch_int(&nulls).await? > 0
            }
        };
        Ok((names, has_null))
    }

    /// Raw events of one service matching `q`, by `when` (then id), one page.
    ///
    /// Newest first by a deployment, host, tenant or event type (values of many rows each),
    /// in two reads instead of every row of the value sorted by time: the `offset + limit`
    /// newest of the value by id, from its `(column, id)` index; then, since ids follow
    /// commits and not notification times, the older rows of the value that could still
    /// rank among them: those with a time from the `k`-th newest time read (`w`) on. Every
    /// such row's id is at least the lowest id of the minutes from `w` on (`minute_ids`, kept
    /// at ingest), so they are an id range of the value's index: no longer than the value's
    /// rows older than the first read, nor than the ids of all events since `w`. The answer
    /// is exact (the tests compare it with the sort of every row).
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_search(&self, q: &RawQuery) -> Result<Vec<StackyRaw>, StoreError> {
        let index = q.matches.iter().find_map(|(field, _)| field.id_index());
        let (Some(index), true) = (index, q.newest_first) else {
            let mut sql = raw_query_sql(q, None);
            sql.push(if q.newest_first {
                " ORDER BY e.when_us DESC, e.id DESC"
            } else {
                " ORDER BY e.when_us, e.id"
            });
            sql.push(" LIMIT ")
                .int(q.limit)
                .push(" OFFSET ")
                .int(q.offset);
            return self.fetch_all(&sql).await;
        };
        let k = q.limit.saturating_add(q.offset);
        let hint = self.is_mysql().then_some(index);
        let mut newest = raw_query_sql(q, hint);
        newest.push(" ORDER BY e.id DESC LIMIT ").int(k);
        let mut rows: Vec<StackyRaw> = self.fetch_all(&newest).await?;
        if let Some(older) = older_rows_bound(&mut rows, k) {
            let lowest = self.lowest_id_from(older.when_from).await?;
            let mut sql = raw_query_sql(q, hint);
            sql.push(" AND e.id >= ").int(lowest);
            sql.push(" AND e.id < ").int(older.below_id);
            sql.push(" AND e.when_us >= ").int(older.when_from);
            rows.extend(self.fetch_all::<StackyRaw>(&sql).await?);
        }
        Ok(newest_by_when(rows, q.offset, q.limit))
    }

    /// The lowest event id stored with a time from `when` on, by `minute_ids`; 0 (every id)
    /// when the minute of `when` has no row (its events, or the minutes, pruned meanwhile).
    async fn lowest_id_from(&self, when: i64) -> Result<i64, StoreError> {
        let minute = minute_start(when);
        let mut sql = Sql::new(
            "SELECT COALESCE(MIN(min_id), 0), COALESCE(MIN(minute_us), 0) FROM minute_ids \
             WHERE minute_us >= ",
        );
        sql.int(minute);
        let (lowest, first): (i64, i64) = self.fetch_one(&sql).await?;
        Ok(if first == minute { lowest } else { 0 })
    }

    /// One raw event of `service` by id, with its stored JSON.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_raw(
        &self,
        id: i64,
        service: StackyService,
    ) -> Result<Option<(StackyRaw, String)>, StoreError> {
        let mut sql = Sql::new(RAW_SELECT);
        sql.push(" WHERE e.id = ").int(id);
        sql.push(" AND ").push(service.condition());
        let Some(raw) = self.fetch_optional::<StackyRaw>(&sql).await? else {
            return Ok(None);
        };
        let mut body = Sql::new("SELECT json FROM raw_events WHERE id = ");
        body.int(id);
        let (json,): (Text,) = self.fetch_one(&body).await?;
        Ok(Some((raw, json.into())))
    }

    /// The watch feed after `cursor`: events of `service` (optionally one deployment and one
    /// event name) with `cursor < id <= min(cursor + window, horizon)` (the feed horizon, so
    /// no smaller id commits after the cursor passed it), by `when`. Returns the
    /// rows and the new cursor (the window's end), so a client that echoes it back misses
    /// nothing, however late an event arrives, and a big backlog is read `window` ids at a
    /// time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_watch_after(
        &self,
        cursor: i64,
        window: i64,
        filter: &WatchFilter,
    ) -> Result<WatchPage, StoreError> {
        let newest = self.feed_horizon().await?;
        let upto = newest.min(cursor.saturating_add(window)).max(cursor);
        let mut sql = Sql::new(RAW_SELECT);
        sql.push(" WHERE e.id > ").int(cursor);
        sql.push(" AND e.id <= ").int(upto);
        push_watch_filter(&mut sql, filter);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ").int(window);
        Ok((self.fetch_all(&sql).await?, upto))
    }

    /// The first watch call (no cursor yet): events with `from < when <= to` among those
    /// committed so far, at most `limit`, by `when`; and the cursor after them.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_watch_window(
        &self,
        from: i64,
        to: i64,
        limit: i64,
        filter: &WatchFilter,
    ) -> Result<WatchPage, StoreError> {
        let newest = self.feed_horizon().await?;
        let mut sql = Sql::new(RAW_SELECT);
        sql.push(" WHERE e.when_us > ").int(from);
        sql.push(" AND e.when_us <= ").int(to);
        sql.push(" AND e.id <= ").int(newest);
        push_watch_filter(&mut sql, filter);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ").int(limit);
        Ok((self.fetch_all(&sql).await?, newest))
    }

    /// Whether any nova event has tenant `tenant`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_tenant_known(&self, tenant: &str) -> Result<bool, StoreError> {
        let mut sql = Sql::new(
            "SELECT COUNT(*) FROM (SELECT e.id FROM raw_events e WHERE e.exchange = 'nova' \
             AND e.tenant = ",
        );
        sql.text(tenant).push(" LIMIT 1) s");
        Ok(self.fetch_int(&sql).await? > 0)
    }
}

/// `FROM raw_events e`, the index `hint` on MySQL/MariaDB (an executable comment), and `q`'s
/// conditions; the caller adds the order and the limit.
fn raw_query_sql<'a>(q: &'a RawQuery, hint: Option<&str>) -> Sql<'a> {
    let mut sql = Sql::new(RAW_SELECT);
    if let Some(index) = hint {
        sql.push(" /*! FORCE INDEX (").push(index).push(") */");
    }
    sql.push(" WHERE ").push(q.service.condition());
    for (field, value) in &q.matches {
        sql.push(" AND ").push(field.column());
        match value {
            FieldValue::Null => sql.push(" IS NULL"),
            FieldValue::Int(v) => sql.push(" = ").int(*v),
            FieldValue::Text(v) => sql.push(" = ").text(v),
        };
    }
    if let Some(min) = q.when_min {
        sql.push(" AND e.when_us >= ").int(min);
    }
    if let Some(max) = q.when_max {
        sql.push(" AND e.when_us <= ").int(max);
    }
    sql
}

/// Where the rows that may outrank the `k` newest by id lie: below the lowest id read, with
/// a time from the `k`-th newest time read on.
#[derive(Debug, PartialEq, Eq)]
struct OlderRows {
    below_id: i64,
    when_from: i64,
}

/// `rows`, the `k` newest of a value by id, sorted newest first by time; `None` when they
/// are fewer than `k` (then they are every row of the value).
fn older_rows_bound(rows: &mut [StackyRaw], k: i64) -> Option<OlderRows> {
    let k = usize::try_from(k).ok().filter(|k| *k > 0)?;
    if rows.len() < k {
        return None;
    }
    newest_first(rows);
    Some(OlderRows {
        below_id: rows.iter().map(|r| r.id).min()?,
        when_from: rows[k - 1].when_us,
    })
}

/// Sorts `rows` newest first by time, then id (v2's `order_by('-when')`, ties by id).
fn newest_first(rows: &mut [StackyRaw]) {
    rows.sort_unstable_by_key(|r| std::cmp::Reverse((r.when_us, r.id)));
}

/// One page of `rows` newest first by time (then id).
fn newest_by_when(mut rows: Vec<StackyRaw>, offset: i64, limit: i64) -> Vec<StackyRaw> {
    newest_first(&mut rows);
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(0);
    rows.into_iter().skip(skip).take(take).collect()
}

fn push_watch_filter<'a>(sql: &mut Sql<'a>, f: &'a WatchFilter) {
    sql.push(" AND ").push(f.service.condition());
    if let Some(d) = f.deployment {
        sql.push(" AND e.deployment_id = ").int(d);
    }
    if let Some(event) = &f.event {
        sql.push(" AND e.event = ").text(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: i64, when_us: i64) -> StackyRaw {
        StackyRaw {
            id,
            deployment: String::new(),
            routing_key: String::new(),
            when_us,
            event: String::new(),
            publisher: String::new(),
            service: String::new(),
            host: None,
            instance: None,
            request_id: String::new(),
            state: None,
            old_state: None,
            old_task: None,
            image_status: None,
            image_uuid: None,
        }
    }

    #[test]
    fn the_older_rows_lie_below_the_lowest_id_from_the_kth_time() {
        // The 3 newest by id; by time: 9 (id 10), 7 (id 12), 7 (id 11).
        let mut rows = vec![raw(12, 7), raw(11, 7), raw(10, 9)];
        assert_eq!(
            older_rows_bound(&mut rows, 3),
            Some(OlderRows {
                below_id: 10,
                when_from: 7
            })
        );
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [10, 12, 11]);
        // Fewer rows than asked for: they are all there is.
        assert_eq!(older_rows_bound(&mut rows, 4), None);
        assert_eq!(older_rows_bound(&mut rows, 0), None);
        assert_eq!(older_rows_bound(&mut [], 1), None);
    }

    #[test]
    fn a_page_is_newest_first_by_time_then_id() {
        let rows = vec![
            raw(1, 5),
            raw(4, 2),
            raw(3, 5),
            raw(2, i64::MIN),
            raw(5, i64::MAX),
        ];
        let ids = |offset, limit| -> Vec<i64> {
            newest_by_when(rows.clone(), offset, limit)
                .iter()
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(ids(0, 10), [5, 3, 1, 4, 2]);
        assert_eq!(ids(1, 2), [3, 1]);
        assert_eq!(ids(4, 10), [2]);
        assert_eq!(ids(5, 10), Vec::<i64>::new());
        assert_eq!(ids(i64::MAX, 1), Vec::<i64>::new());
        assert_eq!(ids(0, 0), Vec::<i64>::new());
    }
}
