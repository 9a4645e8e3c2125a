//! Raw events as v2's `/stacky` API lists them: its three raw tables (by exchange), distinct
//! event and host names, search, one raw event with its body, and the `watch` feed by id
//! cursor.
//!
//! Every list is bounded by a LIMIT. Indexes behind them: `raw_events (instance, when_us)`,
//! `(request_id, when_us)`, `(when_us)`, `(event)`, `(host)`, `(tenant)` and the primary key.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::stacky::{
    FieldValue, NameColumn, RawQuery, StackyRaw, StackyService, WatchFilter, WatchPage,
};
use crate::store::text::Text;

/// How many rows of one name [`Store::stacky_names`] looks at to decide which services it
/// belongs to: names are tested on a bounded sample, never on every row.
const MEMBERSHIP_SAMPLE: i64 = 1000;

/// The columns of [`StackyRaw`]; the deployment's name by a scalar subquery, as in
/// `EVENT_SELECT` (a join lets MySQL/MariaDB start from the one-row `deployments` and sort).
const RAW_SELECT: &str = "SELECT e.id, \
     (SELECT d.name FROM deployments d WHERE d.id = e.deployment_id) AS deployment, \
     e.routing_key, e.when_us, e.event, \
     e.publisher, e.service, e.host, e.instance, e.request_id, e.state, e.old_state, \
     e.old_task, e.image_status, e.image_uuid \
     FROM raw_events e";

impl Store {
    /// The distinct non-empty values of `column` among the events of `service`, sorted,
    /// at most `max`, plus whether some event of `service` has no value (v2 listed `None`).
    ///
    /// A loose index scan (one index probe per distinct value) instead of a scan of every
    /// event; a value counts for a service when one of its first [`MEMBERSHIP_SAMPLE`] rows
    /// is of that service.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_names(
        &self,
        column: NameColumn,
        service: StackyService,
        max: i64,
    ) -> Result<(Vec<String>, bool), StoreError> {
        let c = column.column();
        let member = service.condition();
        let sql = if self.is_mysql() {
            mysql_names_sql(c, member, max)
        } else {
            names_sql(c, member, max)
        };
        let names: Vec<Text> = self.fetch_column(&sql).await?;
        let names = names.into_iter().map(String::from).collect();
        let nulls = Sql::new(&format!(
            "SELECT COUNT(*) FROM (SELECT e.exchange FROM raw_events e WHERE e.{c} IS NULL \
             AND {member} LIMIT 1) s"
        ));
        let has_null = self.fetch_int(&nulls).await? > 0;
        Ok((names, has_null))
    }

    /// Raw events of one service matching `q`, by `when` (then id), one page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_search(&self, q: &RawQuery) -> Result<Vec<StackyRaw>, StoreError> {
        let mut sql = Sql::new(RAW_SELECT);
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
        sql.push(if q.newest_first {
            " ORDER BY e.when_us DESC, e.id DESC"
        } else {
            " ORDER BY e.when_us, e.id"
        });
        sql.push(" LIMIT ")
            .int(q.limit)
            .push(" OFFSET ")
            .int(q.offset);
        self.fetch_all(&sql).await
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

fn push_watch_filter<'a>(sql: &mut Sql<'a>, f: &'a WatchFilter) {
    sql.push(" AND ").push(f.service.condition());
    if let Some(d) = f.deployment {
        sql.push(" AND e.deployment_id = ").int(d);
    }
    if let Some(event) = &f.event {
        sql.push(" AND e.event = ").text(event);
    }
}

/// [`Store::stacky_names`] on SQLite and PostgreSQL: the loose index scan as a recursive CTE
/// (each step one probe of the index on `c` for the next value), and per value an `EXISTS`
/// over its first rows, a derived table with a LIMIT that the planners keep per value.
fn names_sql(c: &str, member: &str, max: i64) -> Sql<'static> {
    let mut sql = Sql::new(&format!(
        "WITH RECURSIVE names (v, n) AS ( \
           SELECT (SELECT {c} FROM raw_events WHERE {c} IS NOT NULL ORDER BY {c} LIMIT 1), 1 \
           UNION ALL \
           SELECT (SELECT {c} FROM raw_events WHERE {c} > names.v ORDER BY {c} LIMIT 1), \
             names.n + 1 FROM names WHERE names.v IS NOT NULL AND names.n < "
    ));
    sql.int(max);
    sql.push(&format!(
        ") SELECT v FROM names WHERE v IS NOT NULL AND EXISTS (SELECT 1 FROM \
           (SELECT r.exchange FROM raw_events r WHERE r.{c} = names.v LIMIT "
    ));
    sql.int(MEMBERSHIP_SAMPLE);
    sql.push(&format!(") e WHERE {member}) ORDER BY v"));
    sql
}

/// [`Store::stacky_names`] on MySQL/MariaDB, which differ from the other two on both halves:
/// their `GROUP BY` on an indexed column is itself a loose index scan ("Using index for
/// group-by"), while the recursive CTE's `{c} > names.v` step is planned as an index scan
/// from the start, once per value (minutes at 2,000 hosts); and MariaDB allows no outer
/// reference (`names.v`) inside a derived table. So the sample is bounded by the id of the
/// value's last sampled row instead (a scalar subquery, where outer references are allowed).
fn mysql_names_sql(c: &str, member: &str, max: i64) -> Sql<'static> {
    let mut sql = Sql::new(&format!(
        "SELECT v FROM (SELECT {c} AS v FROM raw_events WHERE {c} IS NOT NULL \
           GROUP BY {c} ORDER BY {c} LIMIT "
    ));
    sql.int(max);
    sql.push(&format!(
        ") names WHERE EXISTS (SELECT 1 FROM raw_events e WHERE e.{c} = names.v AND {member} \
           AND e.id <= COALESCE((SELECT r.id FROM raw_events r WHERE r.{c} = names.v \
             ORDER BY r.id LIMIT 1 OFFSET "
    ));
    sql.int(MEMBERSHIP_SAMPLE - 1);
    sql.push("), 9223372036854775807)) ORDER BY v");
    sql
}
