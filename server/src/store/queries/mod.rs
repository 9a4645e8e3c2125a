//! Read-only queries of the web pages: live feed backfill with filters, search, drill-down,
//! one event, host/tenant, instance and request pages, timings, status.
//!
//! Statements are assembled by [`Sql`] from fixed fragments; every value a user supplies is a
//! bind parameter, and every column a user picks comes from the [`app::model::Field`] enum's
//! fixed mapping ([`field_column`]), so no user text ever becomes SQL.
//!
//! # Layout
//! - `events`: event lists (feed, backfill, search, drill-down, by instance or request).
//! - `detail`: one event's every column, one quarantined message.
//! - `api`: the `/api/v1` lists (id cursors, time windows) and query plans for the benchmark.
//! - `pages`: host/tenant counts, KPIs, timings, home and status figures.
//! - [`stacky`]: v2's `/stacky` API (raw tables by service, names, watch cursor, reports).

mod api;
mod detail;
mod events;
mod pages;
pub mod stacky;

pub use api::{EventsOf, Explained, TimeWindow};
pub use detail::{EventColumns, QuarantineRecord};
pub use pages::ScopeSample;

use app::model::{EventFilter, EventRow, Field, Micros};

use super::{with_pool, Store, StoreError};

/// A bind parameter.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// A statement under construction: SQL text with `$n` placeholders and their values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            binds: Vec::new(),
        }
    }

    /// Appends fixed SQL (never user text).
    pub(crate) fn push(&mut self, fragment: &str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    pub(crate) fn int(&mut self, v: i64) -> &mut Self {
        self.bind(Bind::Int(v))
    }

    pub(crate) fn text(&mut self, v: &str) -> &mut Self {
        self.bind(Bind::Text(v.to_string()))
    }

    /// `AND <column> = value`, where an empty value also matches NULL (how a missing host or
    /// tenant is stored).
    pub(crate) fn and_eq(&mut self, column: &'static str, value: &str) -> &mut Self {
        if value.is_empty() {
            self.push(" AND (")
                .push(column)
                .push(" IS NULL OR ")
                .push(column);
            self.push(" = '')")
        } else {
            self.push(" AND ").push(column).push(" = ").text(value)
        }
    }
}

/// Binds `$sql`'s values to the query `$q`, in order.
macro_rules! bound {
    ($q:expr, $sql:expr) => {{
        let mut q = $q;
        for b in &$sql.binds {
            q = match b {
                $crate::store::queries::Bind::Int(v) => q.bind(*v),
                $crate::store::queries::Bind::Text(s) => q.bind(s.as_str()),
            };
        }
        q
    }};
}
use bound;

/// The SELECT list of [`EventRecord`]; queries join `deployments d` for the name.
pub(crate) const EVENT_SELECT: &str = "SELECT e.id, e.deployment_id, d.name AS deployment, \
     e.exchange, e.routing_key, e.event, e.publisher, e.service, e.host, e.when_us, \
     e.request_id, e.instance, e.tenant \
     FROM raw_events e JOIN deployments d ON d.id = e.deployment_id";

/// v2 marks rows whose routing key ends with `error`; we also mark `*.error` events
/// (the same rule as [`EventRow::is_error`]).
pub(crate) const IS_ERROR: &str = "(e.routing_key LIKE '%error' OR e.event LIKE '%.error')";

/// An event row as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRecord {
    id: i64,
    deployment_id: i64,
    deployment: String,
    exchange: String,
    routing_key: String,
    event: String,
    publisher: String,
    service: String,
    host: Option<String>,
    when_us: i64,
    request_id: String,
    instance: Option<String>,
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
pub(crate) fn push_filter(sql: &mut Sql, f: &EventFilter) {
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
    pub(crate) async fn fetch_events(&self, sql: &Sql) -> Result<Vec<EventRow>, StoreError> {
        let records: Vec<EventRecord> = with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        });
        Ok(records.into_iter().map(EventRow::from).collect())
    }

    /// Runs a query returning one integer.
    pub(crate) async fn fetch_int(&self, sql: &Sql) -> Result<i64, StoreError> {
        let n: Option<i64> = with_pool!(self, pool => {
            bound!(sqlx::query_scalar(&sql.text), sql).fetch_one(pool).await?
        });
        Ok(n.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            sql.text,
            format!("SELECT 1 WHERE 1 = 1 AND e.deployment_id = $1 AND e.host = $2 AND {IS_ERROR}")
        );
        assert!(matches!(&sql.binds[1], Bind::Text(s) if s.starts_with("h'")));
        let mut empty = Sql::new("");
        empty.and_eq("e.host", "");
        assert_eq!(empty.text, " AND (e.host IS NULL OR e.host = '')");
        assert!(empty.binds.is_empty());
    }
}
