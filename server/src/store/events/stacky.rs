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

/// How many rows of one name [`Store::stacky_names`] looks at to decide which services it
/// belongs to: names are tested on a bounded sample, never on every row.
const MEMBERSHIP_SAMPLE: i64 = 1000;

/// The columns of [`StackyRaw`].
const RAW_SELECT: &str = "SELECT e.id, d.name AS deployment, e.routing_key, e.when_us, e.event, \
     e.publisher, e.service, e.host, e.instance, e.request_id, e.state, e.old_state, \
     e.old_task, e.image_status, e.image_uuid \
     FROM raw_events e JOIN deployments d ON d.id = e.deployment_id";

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
        let names: Vec<String> = self.fetch_column(&sql).await?;
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
        let (json,): (String,) = self.fetch_one(&body).await?;
        Ok(Some((raw, json)))
    }

    /// The watch feed after `cursor`: events of `service` (optionally one deployment and one
    /// event name) with `cursor < id <= min(cursor + window, newest)`, by `when`. Returns the
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
        let newest = self.max_event_id().await?;
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
        let newest = self.max_event_id().await?;
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
