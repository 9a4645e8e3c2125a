//! The vocabulary of v2's `stacky` REST API (`/stacky/*`): which of v2's three raw tables a
//! request reads ([`StackyService`]), the fields its search may match ([`StackyField`], an
//! allow-list: no other text becomes a column), and the row and query types of its lists.
//! The queries themselves live with their tables (`events::stacky`, `aggregates::timings`,
//! `reports`); they all take these types.
//!
//! v2 kept nova, glance and generic notifications in three tables; we keep one, and the
//! exchange tells them apart exactly as the parser chose the flavour.

pub use crate::store::reports::{JsonReportRow, NewJsonReport, ReportFilter};

use crate::store::text::{OptText, Text};

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

    /// As `stacky_names` stores it (the name of v2's raw table).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nova => "nova",
            Self::Glance => "glance",
            Self::Generic => "generic",
        }
    }

    /// The condition on `e.exchange` (fixed SQL, no user text).
    pub(crate) fn condition(self) -> &'static str {
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
    pub(crate) fn column(self) -> &'static str {
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
    #[sqlx(try_from = "Text")]
    pub deployment: String,
    #[sqlx(try_from = "Text")]
    pub routing_key: String,
    pub when_us: i64,
    #[sqlx(try_from = "Text")]
    pub event: String,
    #[sqlx(try_from = "Text")]
    pub publisher: String,
    #[sqlx(try_from = "Text")]
    pub service: String,
    #[sqlx(try_from = "OptText")]
    pub host: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance: Option<String>,
    #[sqlx(try_from = "Text")]
    pub request_id: String,
    /// Nova only.
    #[sqlx(try_from = "OptText")]
    pub state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub old_state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub old_task: Option<String>,
    /// Glance only: `payload.status` and `payload.id`.
    #[sqlx(try_from = "OptText")]
    pub image_status: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub image_uuid: Option<String>,
}

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

    /// The `(column, id)` index of a field whose values have many rows each (deployment,
    /// host, tenant, event type): a newest-first search by it reads that index newest id
    /// first ([`crate::store::Store::stacky_search`]) rather than sorting every row of the
    /// value by time. The other fields' indexes, where they have one, hold the time.
    pub(crate) fn id_index(self) -> Option<&'static str> {
        match self {
            Self::Deployment => Some("raw_events_deployment"),
            Self::Tenant => Some("raw_events_tenant"),
            Self::Event => Some("raw_events_event"),
            Self::Host => Some("raw_events_host"),
            _ => None,
        }
    }

    pub(crate) fn column(self) -> &'static str {
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
    #[sqlx(try_from = "Text")]
    pub name: String,
    pub has_start: bool,
    pub has_end: bool,
    pub diff: Option<i64>,
}

/// Per operation: how many complete timings, and their min, max and total duration (µs).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimingSummary {
    #[sqlx(try_from = "Text")]
    pub name: String,
    pub n: i64,
    pub min: i64,
    pub max: i64,
    pub total: i64,
}

/// A request's KPI row: its last timing's operation (the end event's type without `.end`),
/// duration (µs), instance, the end event's deployment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StackyKpi {
    #[sqlx(try_from = "Text")]
    pub operation: String,
    pub duration: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    #[sqlx(try_from = "Text")]
    pub deployment: String,
}

/// The watch feed's rows after a cursor: `(rows, cursor to resume from)`.
pub type WatchPage = (Vec<StackyRaw>, i64);

/// What a watch call narrows the feed to.
#[derive(Debug, Clone)]
pub struct WatchFilter {
    pub service: StackyService,
    /// `None`: every deployment (v2's deployment id 0).
    pub deployment: Option<i64>,
    pub event: Option<String>,
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
