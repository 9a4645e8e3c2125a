//! The one `EVENT` projection: the columns of an event's table row ([`EVENT_SELECT`]), the
//! record they decode into ([`EventRecord`] → [`EventRow`]) and the filters every event list
//! shares. One projection, so the feed, search, drill-down and `/api/v1` lists cannot drift
//! apart in what a row is.
//!
//! Every column a user picks comes from the [`app::model::Field`] enum's fixed mapping
//! ([`field_column`]); every value a user supplies is a bind parameter.

use app::model::{EventFilter, EventRow, Field, Micros};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// The SELECT list of [`EventRecord`] over `raw_events e`.
///
/// The deployment's name is a scalar subquery, not a `JOIN deployments`: with the usual single
/// deployment row, MySQL/MariaDB read `deployments` first and then sort every event of it
/// (`Using temporary; Using filesort`) instead of walking an index of `raw_events` to the
/// LIMIT. The subquery is one primary-key probe per returned row on every backend.
pub(crate) const EVENT_SELECT: &str = "SELECT e.id, e.deployment_id, \
     (SELECT d.name FROM deployments d WHERE d.id = e.deployment_id) AS deployment, \
     e.exchange, e.routing_key, e.event, e.publisher, e.service, e.host, e.when_us, \
     e.request_id, e.instance, e.tenant \
     FROM raw_events e";

/// v2 marks rows whose routing key ends with `error`; we also mark `*.error` events
/// (the same rule as [`EventRow::is_error`]).
///
/// The `/*! … */` part runs on MySQL/MariaDB only (PostgreSQL and SQLite read a comment, so
/// PostgreSQL's proof that its partial error index applies is unchanged): there the same test
/// is the indexed virtual column `is_error` (MySQL migration 0005), which a `LIKE '%…'`
/// cannot use.
pub(crate) const IS_ERROR: &str =
    "(e.routing_key LIKE '%error' OR e.event LIKE '%.error') /*! AND e.is_error = 1 */";

/// After `FROM raw_events e`, for a list that walks ids up from a cursor: on MySQL/MariaDB
/// only (an executable comment, a comment to the others), when the list has one filter with a
/// `(column, id)` index (deployment, event type, host, tenant, errors), `FORCE INDEX` of that
/// index. Left alone, MariaDB at times reads it by `ref` on the column alone, from the value's
/// first id up to the cursor (335 ms for a deployment from the middle of three million events,
/// 379 ms for `compute.instance.update`), instead of a range on (value, id) from the cursor
/// (under 1 ms).
pub(crate) fn push_index_hint(sql: &mut Sql<'_>, f: &EventFilter) {
    let by_id = [
        (f.deployment.is_some(), "raw_events_deployment"),
        (f.event.is_some(), "raw_events_event"),
        (f.host.is_some(), "raw_events_host"),
        (f.tenant.is_some(), "raw_events_tenant"),
        (f.errors, "raw_events_errors"),
    ];
    let others = f.service.is_some() || f.instance.is_some() || f.request.is_some();
    let mut set = by_id.iter().filter(|(on, _)| *on);
    if let (Some((_, index)), None, false) = (set.next(), set.next(), others) {
        sql.push(" /*! FORCE INDEX (").push(index).push(") */");
    }
}

/// An event row as stored (text through [`Text`]: MySQL's binary collation).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRecord {
    id: i64,
    deployment_id: i64,
    #[sqlx(try_from = "Text")]
    deployment: String,
    #[sqlx(try_from = "Text")]
    exchange: String,
    #[sqlx(try_from = "Text")]
    routing_key: String,
    #[sqlx(try_from = "Text")]
    event: String,
    #[sqlx(try_from = "Text")]
    publisher: String,
    #[sqlx(try_from = "Text")]
    service: String,
    #[sqlx(try_from = "OptText")]
    host: Option<String>,
    when_us: i64,
    #[sqlx(try_from = "Text")]
    request_id: String,
    #[sqlx(try_from = "OptText")]
    instance: Option<String>,
    #[sqlx(try_from = "OptText")]
    tenant: Option<String>,
}

impl From<EventRecord> for EventRow {
    fn from(r: EventRecord) -> Self {
        EventRow {
            id: r.id,
            deployment_id: r.deployment_id,
            deployment: r.deployment,
            exchange: r.exchange,
            routing_key: r.routing_key,
            event: r.event,
            publisher: r.publisher,
            service: r.service,
            host: r.host.unwrap_or_default(),
            when: Micros(r.when_us),
            request_id: r.request_id,
            instance: r.instance.unwrap_or_default(),
            tenant: r.tenant.unwrap_or_default(),
        }
    }
}

/// The column a searchable field matches, from a fixed list. `None` for the fields that are
/// not a plain column (`deployment` is matched by id, `when` by time window).
pub(crate) fn field_column(field: Field) -> Option<&'static str> {
    match field {
        Field::Source => Some("e.routing_key"),
        Field::Tenant => Some("e.tenant"),
        Field::Service => Some("e.service"),
        Field::Host => Some("e.host"),
        Field::Event => Some("e.event"),
        Field::Request => Some("e.request_id"),
        Field::Instance => Some("e.instance"),
        Field::Deployment | Field::When => None,
    }
}

/// `AND …` for every criterion of a live feed filter.
pub(crate) fn push_filter<'a>(sql: &mut Sql<'a>, f: &'a EventFilter) {
    if let Some(d) = f.deployment {
        sql.push(" AND e.deployment_id = ").int(d);
    }
    let text = [
        ("e.event", &f.event),
        ("e.service", &f.service),
        ("e.host", &f.host),
        ("e.tenant", &f.tenant),
        ("e.instance", &f.instance),
        ("e.request_id", &f.request),
    ];
    for (column, value) in text {
        if let Some(v) = value {
            sql.and_eq(column, v);
        }
    }
    if f.errors {
        sql.push(" AND ").push(IS_ERROR);
    }
}

impl Store {
    /// Runs an event query built on [`EVENT_SELECT`].
    pub(crate) async fn fetch_events(&self, sql: &Sql<'_>) -> Result<Vec<EventRow>, StoreError> {
        let records: Vec<EventRecord> = self.fetch_all(sql).await?;
        Ok(records.into_iter().map(EventRow::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::{Placeholders, Value};

    #[test]
    fn values_are_bound_never_inlined() {
        let f = EventFilter::from_pairs([
            ("deployment", "3"),
            ("host", "h'; DROP TABLE raw_events; --"),
            ("errors", "1"),
        ]);
        let mut sql = Sql::new("SELECT 1 WHERE 1 = 1");
        push_filter(&mut sql, &f);
        assert_eq!(
            sql.render(Placeholders::Numbered),
            format!("SELECT 1 WHERE 1 = 1 AND e.deployment_id = $1 AND e.host = $2 AND {IS_ERROR}")
        );
        assert_eq!(sql.binds()[1], Value::from("h'; DROP TABLE raw_events; --"));
        let mut empty = Sql::new("");
        empty.and_eq("e.host", "");
        assert_eq!(
            empty.render(Placeholders::Numbered),
            " AND (e.host IS NULL OR e.host = '')"
        );
        assert!(empty.binds().is_empty());
    }

    #[test]
    fn one_filter_with_an_id_ordered_index_forces_it_on_mysql_only() {
        let hint = |pairs: &[(&str, &str)]| {
            let mut sql = Sql::new("");
            push_index_hint(&mut sql, &EventFilter::from_pairs(pairs.iter().copied()));
            sql.render(Placeholders::Numbered)
        };
        assert_eq!(
            hint(&[("deployment", "3")]),
            " /*! FORCE INDEX (raw_events_deployment) */"
        );
        assert_eq!(
            hint(&[("event", "compute.instance.update")]),
            " /*! FORCE INDEX (raw_events_event) */"
        );
        assert_eq!(
            hint(&[("host", "c1")]),
            " /*! FORCE INDEX (raw_events_host) */"
        );
        assert_eq!(
            hint(&[("tenant", "t")]),
            " /*! FORCE INDEX (raw_events_tenant) */"
        );
        assert_eq!(
            hint(&[("errors", "1")]),
            " /*! FORCE INDEX (raw_events_errors) */"
        );
        // Two filters, or one without a (column, id) index: the optimizer chooses.
        assert_eq!(hint(&[("deployment", "3"), ("host", "c1")]), "");
        assert_eq!(hint(&[("instance", "i")]), "");
        assert_eq!(hint(&[("event", "e"), ("service", "compute")]), "");
        assert_eq!(hint(&[]), "");
    }
}
