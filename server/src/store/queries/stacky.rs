//! The queries of v2's `stacky` REST API (`/stacky/*`): raw events as v2's three raw tables
//! saw them, distinct event and host names, the live `watch` feed by id cursor, timings,
//! KPIs and the stored JSON reports.
//!
//! v2 kept nova, glance and generic notifications in three tables; we keep one, and the
//! exchange tells them apart exactly as the parser chose the flavour ([`StackyService`]).
//! Every list is bounded by a LIMIT. Indexes behind them: `raw_events (instance, when_us)`,
//! `(request_id, when_us)`, `(when_us)`, `(event)`, `(host)`, `(tenant)` and the primary key;
//! `timings (end_when)`, `request_trackers (start)`, `json_reports (created)`, `(name)`.

use super::{bound, Bind, Sql};
use crate::store::{with_pool, Store, StoreError};

/// How many rows of one name [`Store::stacky_names`] looks at to decide which services it
/// belongs to: names are tested on a bounded sample, never on every row.
const MEMBERSHIP_SAMPLE: i64 = 1000;

/// v2's `service` parameter: which of its raw tables a request reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackyService {
    /// `RawData`: the `nova` exchange.
    Nova,
    /// `GlanceRawData`: the `glance` exchange.
    Glance,
    /// `GenericRawData`: every other exchange.
    Generic,
}

impl StackyService {
    /// `nova`, `glance` or `generic`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "nova" => Some(Self::Nova),
            "glance" => Some(Self::Glance),
            "generic" => Some(Self::Generic),
            _ => None,
        }
    }

    /// The condition on `e.exchange` (fixed SQL, no user text).
    fn condition(self) -> &'static str {
        match self {
            Self::Nova => "e.exchange = 'nova'",
            Self::Glance => "e.exchange = 'glance'",
            Self::Generic => "e.exchange NOT IN ('nova', 'glance')",
        }
    }
}

/// A column whose distinct values `/stacky/events/` and `/stacky/hosts/` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameColumn {
    Event,
    Host,
}

impl NameColumn {
    fn column(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Host => "host",
        }
    }
}

/// A raw event's columns as v2's raw tables had them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StackyRaw {
    pub id: i64,
    pub deployment: String,
    pub routing_key: String,
    pub when_us: i64,
    pub event: String,
    pub publisher: String,
    pub service: String,
    pub host: Option<String>,
    pub instance: Option<String>,
    pub request_id: String,
    /// Nova only.
    pub state: Option<String>,
    pub old_state: Option<String>,
    pub old_task: Option<String>,
    /// Glance only: `payload.status` and `payload.id`.
    pub image_status: Option<String>,
    pub image_uuid: Option<String>,
}

const RAW_SELECT: &str = "SELECT e.id, d.name AS deployment, e.routing_key, e.when_us, e.event, \
     e.publisher, e.service, e.host, e.instance, e.request_id, e.state, e.old_state, \
     e.old_task, e.image_status, e.image_uuid \
     FROM raw_events e JOIN deployments d ON d.id = e.deployment_id";

/// A column `/stacky/search/` may match, from v2's model field names (the allow-list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackyField {
    Id,
    Deployment,
    Tenant,
    RoutingKey,
    State,
    OldState,
    OldTask,
    Task,
    ImageType,
    When,
    Publisher,
    Event,
    Service,
    Host,
    Instance,
    RequestId,
    /// Glance `uuid` (the image id).
    ImageUuid,
    /// Glance `status`.
    ImageStatus,
    /// Generic `message_id`.
    MessageId,
}

/// How a field's text value is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Integer,
    /// Decimal unix seconds.
    Time,
    Text,
}

impl StackyField {
    /// The field of v2's model for `service` called `name`; `None` when that model has no
    /// such searchable field (the 400 of v2's `FieldError`).
    pub fn parse(service: StackyService, name: &str) -> Option<Self> {
        use StackyField::*;
        let common = match name {
            "id" | "pk" => Id,
            "deployment" | "deployment_id" => Deployment,
            "routing_key" => RoutingKey,
            "when" => When,
            "publisher" => Publisher,
            "event" => Event,
            "service" => Service,
            "host" => Host,
            "instance" => Instance,
            "request_id" => RequestId,
            _ => {
                return match (service, name) {
                    (StackyService::Nova | StackyService::Generic, "tenant") => Some(Tenant),
                    (StackyService::Glance, "owner") => Some(Tenant),
                    (StackyService::Nova, "state") => Some(State),
                    (StackyService::Nova, "old_state") => Some(OldState),
                    (StackyService::Nova, "old_task") => Some(OldTask),
                    (StackyService::Nova, "task") => Some(Task),
                    (StackyService::Nova | StackyService::Glance, "image_type") => Some(ImageType),
                    (StackyService::Glance, "uuid") => Some(ImageUuid),
                    (StackyService::Glance, "status") => Some(ImageStatus),
                    (StackyService::Generic, "message_id") => Some(MessageId),
                    _ => None,
                }
            }
        };
        Some(common)
    }

    /// How the value is compared.
    pub fn kind(self) -> FieldKind {
        match self {
            Self::Id | Self::Deployment | Self::ImageType => FieldKind::Integer,
            Self::When => FieldKind::Time,
            _ => FieldKind::Text,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Self::Id => "e.id",
            Self::Deployment => "e.deployment_id",
            Self::Tenant => "e.tenant",
            Self::RoutingKey => "e.routing_key",
            Self::State => "e.state",
            Self::OldState => "e.old_state",
            Self::OldTask => "e.old_task",
            Self::Task => "e.task",
            Self::ImageType => "e.image_type",
            Self::When => "e.when_us",
            Self::Publisher => "e.publisher",
            Self::Event => "e.event",
            Self::Service => "e.service",
            Self::Host => "e.host",
            Self::Instance => "e.instance",
            Self::RequestId => "e.request_id",
            Self::ImageUuid => "e.image_uuid",
            Self::ImageStatus => "e.image_status",
            Self::MessageId => "e.message_id",
        }
    }
}

/// A typed value to match a [`StackyField`] with; `Null` is v2's `field=None` (no `value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Null,
    Int(i64),
    Text(String),
}

/// Which raw events a `/stacky` list reads, and the page of them.
#[derive(Debug, Clone)]
pub struct RawQuery {
    pub service: StackyService,
    /// `(field, value)` conditions, all of which must hold.
    pub matches: Vec<(StackyField, FieldValue)>,
    /// Inclusive `when` bounds (µs).
    pub when_min: Option<i64>,
    pub when_max: Option<i64>,
    /// Newest first (`search`) instead of oldest first.
    pub newest_first: bool,
    pub limit: i64,
    pub offset: i64,
}

/// One timing of an instance: which halves it has and its duration (µs).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimingHalves {
    pub name: String,
    pub has_start: bool,
    pub has_end: bool,
    pub diff: Option<i64>,
}

/// Per operation: how many complete timings, and their min, max and total duration (µs).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimingSummary {
    pub name: String,
    pub n: i64,
    pub min: i64,
    pub max: i64,
    pub total: i64,
}

/// A request's KPI row: the end event of its last timing, duration (µs), instance, deployment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StackyKpi {
    pub event: String,
    pub duration: i64,
    pub instance: String,
    pub deployment: String,
}

/// A stored report without its body.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JsonReportRow {
    pub id: i64,
    pub period_start: i64,
    pub period_end: i64,
    pub created: i64,
    pub name: String,
    pub version: i64,
}

/// A condition of `/stacky/reports/search/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportFilter {
    Id(i64),
    Name(String),
    /// `created_after < created < created_before` (µs, both exclusive).
    CreatedBetween(i64, i64),
    PeriodStart(i64),
    PeriodEnd(i64),
}

/// A report to store.
#[derive(Debug, Clone)]
pub struct NewJsonReport {
    pub period_start: i64,
    pub period_end: i64,
    pub created: i64,
    pub name: String,
    pub version: i64,
    pub json: String,
}

/// The watch feed's rows after a cursor: `(rows, cursor to resume from)`.
pub type WatchPage = (Vec<StackyRaw>, i64);

impl Store {
    async fn stacky_raws(&self, sql: &Sql) -> Result<Vec<StackyRaw>, StoreError> {
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }

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
        let names: Vec<String> = with_pool!(self, pool => {
            bound!(sqlx::query_scalar(&sql.text), sql).fetch_all(pool).await?
        });
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
        self.stacky_raws(&sql).await
    }

    /// One raw event of `service` by id.
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
        let Some(raw) = self.stacky_raws(&sql).await?.pop() else {
            return Ok(None);
        };
        let mut body = Sql::new("SELECT json FROM raw_events WHERE id = ");
        body.int(id);
        let json: String = with_pool!(self, pool => {
            bound!(sqlx::query_scalar(&body.text), body).fetch_one(pool).await?
        });
        Ok(Some((raw, json)))
    }

    /// The highest event id (0 when there are none): every event committed later has a
    /// higher id (ids are assigned in commit order), so it is the watch feed's cursor.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_max_event_id(&self) -> Result<i64, StoreError> {
        self.fetch_int(&Sql::new("SELECT MAX(id) FROM raw_events"))
            .await
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
        let newest = self.stacky_max_event_id().await?;
        let upto = newest.min(cursor.saturating_add(window)).max(cursor);
        let mut sql = Sql::new(RAW_SELECT);
        sql.push(" WHERE e.id > ").int(cursor);
        sql.push(" AND e.id <= ").int(upto);
        push_watch_filter(&mut sql, filter);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ").int(window);
        Ok((self.stacky_raws(&sql).await?, upto))
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
        let newest = self.stacky_max_event_id().await?;
        let mut sql = Sql::new(RAW_SELECT);
        sql.push(" WHERE e.when_us > ").int(from);
        sql.push(" AND e.when_us <= ").int(to);
        sql.push(" AND e.id <= ").int(newest);
        push_watch_filter(&mut sql, filter);
        sql.push(" ORDER BY e.when_us, e.id LIMIT ").int(limit);
        Ok((self.stacky_raws(&sql).await?, newest))
    }

    /// The timings of the lifecycles of `instance` (a page of lifecycles, as v2 paged them;
    /// at most `max_timings` timings each), in id order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_instance_timings(
        &self,
        instance: &str,
        limit: i64,
        offset: i64,
        max_timings: i64,
    ) -> Result<Vec<TimingHalves>, StoreError> {
        let mut sql = Sql::new("SELECT id FROM lifecycles WHERE instance = ");
        sql.text(instance).push(" ORDER BY id LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        let lifecycles: Vec<i64> = with_pool!(self, pool => {
            bound!(sqlx::query_scalar(&sql.text), sql).fetch_all(pool).await?
        });
        let mut out = Vec::new();
        for lifecycle in lifecycles {
            let mut t = Sql::new(
                "SELECT name, start_raw_id IS NOT NULL AS has_start, \
                 end_raw_id IS NOT NULL AS has_end, diff FROM timings WHERE lifecycle_id = ",
            );
            t.int(lifecycle)
                .push(" ORDER BY id LIMIT ")
                .int(max_timings);
            let rows: Vec<TimingHalves> = with_pool!(self, pool => {
                bound!(sqlx::query_as(&t.text), t).fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Complete timings of operation `name` (optionally ending within `[end_min, end_max]`),
    /// fastest first, one page: `(instance, diff µs)`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_timings(
        &self,
        name: &str,
        end_min: Option<i64>,
        end_max: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT l.instance, t.diff FROM timings t JOIN lifecycles l ON l.id = t.lifecycle_id \
             WHERE t.start_raw_id IS NOT NULL AND t.end_raw_id IS NOT NULL \
             AND t.diff IS NOT NULL AND t.name = ",
        );
        sql.text(name);
        if let Some(min) = end_min {
            sql.push(" AND t.end_when >= ").int(min);
        }
        if let Some(max) = end_max {
            sql.push(" AND t.end_when <= ").int(max);
        }
        sql.push(" ORDER BY t.diff, t.id LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }

    /// Per operation, over ALL its complete, non-negative timings: count, min, max, total.
    /// At most `max` operations, by name.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_timing_summary(&self, max: i64) -> Result<Vec<TimingSummary>, StoreError> {
        let mut sql = Sql::new(
            "SELECT name, COUNT(*) AS n, MIN(diff) AS min, MAX(diff) AS max, \
             CAST(SUM(diff) AS BIGINT) AS total FROM timings \
             WHERE start_raw_id IS NOT NULL AND end_raw_id IS NOT NULL AND diff >= 0 \
             GROUP BY name ORDER BY name LIMIT ",
        );
        sql.int(max);
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
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

    /// Requests that started at or after `since` and have a finished timing, quickest first,
    /// at most `limit`; with `tenant`, only those whose last end event has that tenant.
    ///
    /// # Errors
    /// Database errors.
    pub async fn stacky_kpis(
        &self,
        since: i64,
        tenant: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StackyKpi>, StoreError> {
        let mut sql = Sql::new(
            "SELECT e.event, t.duration, l.instance, d.name AS deployment \
             FROM request_trackers t JOIN lifecycles l ON l.id = t.lifecycle_id \
             JOIN timings tm ON tm.id = t.last_timing_id \
             JOIN raw_events e ON e.id = tm.end_raw_id \
             JOIN deployments d ON d.id = e.deployment_id WHERE t.start >= ",
        );
        sql.int(since);
        if let Some(tenant) = tenant {
            sql.push(" AND e.tenant = ").text(tenant);
        }
        sql.push(" ORDER BY t.duration, t.id LIMIT ").int(limit);
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }

    /// Stores a report (what v2's report jobs wrote); returns its id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn insert_json_report(&self, r: &NewJsonReport) -> Result<i64, StoreError> {
        let mut sql = Sql::new(
            "INSERT INTO json_reports (period_start, period_end, created, name, version, json) \
             VALUES (",
        );
        sql.int(r.period_start).push(", ").int(r.period_end);
        sql.push(", ").int(r.created).push(", ").text(&r.name);
        sql.push(", ").int(r.version).push(", ").text(&r.json);
        sql.push(") RETURNING id");
        self.fetch_int(&sql).await
    }

    /// Reports created within `[from, to]`, by id, one page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_reports_created(
        &self,
        from: i64,
        to: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<JsonReportRow>, StoreError> {
        let mut sql = Sql::new(REPORT_SELECT);
        sql.push(" WHERE created >= ").int(from);
        sql.push(" AND created <= ").int(to);
        sql.push(" ORDER BY id LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        self.json_reports(&sql).await
    }

    /// Reports matching every filter, newest id first, one page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_reports_search(
        &self,
        filters: &[ReportFilter],
        limit: i64,
        offset: i64,
    ) -> Result<Vec<JsonReportRow>, StoreError> {
        let mut sql = Sql::new(REPORT_SELECT);
        sql.push(" WHERE 1 = 1");
        for f in filters {
            match f {
                ReportFilter::Id(id) => sql.push(" AND id = ").int(*id),
                ReportFilter::Name(n) => sql.push(" AND name = ").text(n),
                ReportFilter::CreatedBetween(after, before) => sql
                    .push(" AND created > ")
                    .int(*after)
                    .push(" AND created < ")
                    .int(*before),
                ReportFilter::PeriodStart(t) => sql.push(" AND period_start = ").int(*t),
                ReportFilter::PeriodEnd(t) => sql.push(" AND period_end = ").int(*t),
            };
        }
        sql.push(" ORDER BY id DESC LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        self.json_reports(&sql).await
    }

    /// One report's stored JSON text.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_report(&self, id: i64) -> Result<Option<String>, StoreError> {
        let mut sql = Sql::new("SELECT json FROM json_reports WHERE id = ");
        sql.int(id);
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_scalar(&sql.text), sql).fetch_optional(pool).await?
        }))
    }

    async fn json_reports(&self, sql: &Sql) -> Result<Vec<JsonReportRow>, StoreError> {
        Ok(with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        }))
    }
}

const REPORT_SELECT: &str =
    "SELECT id, period_start, period_end, created, name, version FROM json_reports";

/// What a watch call narrows the feed to.
#[derive(Debug, Clone)]
pub struct WatchFilter {
    pub service: StackyService,
    /// `None`: every deployment (v2's deployment id 0).
    pub deployment: Option<i64>,
    pub event: Option<String>,
}

fn push_watch_filter(sql: &mut Sql, f: &WatchFilter) {
    sql.push(" AND ").push(f.service.condition());
    if let Some(d) = f.deployment {
        sql.push(" AND e.deployment_id = ").int(d);
    }
    if let Some(event) = &f.event {
        sql.push(" AND e.event = ").bind(Bind::Text(event.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_fields_come_from_each_models_allow_list() {
        use StackyService::*;
        assert_eq!(
            StackyField::parse(Nova, "tenant"),
            Some(StackyField::Tenant)
        );
        assert_eq!(
            StackyField::parse(Glance, "owner"),
            Some(StackyField::Tenant)
        );
        assert_eq!(StackyField::parse(Glance, "tenant"), None);
        assert_eq!(StackyField::parse(Nova, "uuid"), None);
        assert_eq!(
            StackyField::parse(Glance, "uuid"),
            Some(StackyField::ImageUuid)
        );
        assert_eq!(
            StackyField::parse(Generic, "message_id"),
            Some(StackyField::MessageId)
        );
        assert_eq!(StackyField::parse(Nova, "state"), Some(StackyField::State));
        assert_eq!(StackyField::parse(Generic, "state"), None);
        // Case-sensitive, and nothing that is not a plain column (json, lookups, SQL).
        assert_eq!(StackyField::parse(Nova, "Tenant"), None);
        assert_eq!(StackyField::parse(Nova, "json"), None);
        assert_eq!(StackyField::parse(Nova, "tenant__icontains"), None);
        assert_eq!(StackyField::parse(Nova, "1=1; --"), None);
        assert_eq!(
            StackyField::parse(Nova, "when").map(StackyField::kind),
            Some(FieldKind::Time)
        );
        assert_eq!(
            StackyField::parse(Nova, "id").map(StackyField::kind),
            Some(FieldKind::Integer)
        );
    }

    #[test]
    fn services_are_v2s_three_tables() {
        assert_eq!(StackyService::parse("nova"), Some(StackyService::Nova));
        assert_eq!(StackyService::parse("glance"), Some(StackyService::Glance));
        assert_eq!(
            StackyService::parse("generic"),
            Some(StackyService::Generic)
        );
        assert_eq!(StackyService::parse("Nova"), None);
        assert_eq!(StackyService::parse("all"), None);
    }
}
