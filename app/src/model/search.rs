//! Search (v2's Commands box) and drill-down ("more rows like this") requests and results.
//!
//! The searchable columns are the [`Field`] enum: a URL can only name one of its variants, and
//! the store maps each variant to a fixed SQL column, so no user text ever becomes an
//! identifier.

use serde::{Deserialize, Serialize};

use super::event::EventRow;

/// A column of the event tables that search and drill-down can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    /// The deployment's name (or numeric id).
    Deployment,
    /// The AMQP routing key, v2's "source".
    Source,
    Tenant,
    Service,
    Host,
    Event,
    Request,
    Instance,
    /// Drill-down only: rows within ±1 minute of the clicked row.
    When,
}

impl Field {
    /// The fields of the search form, in v2's order.
    pub const SEARCHABLE: [Field; 8] = [
        Field::Deployment,
        Field::Source,
        Field::Tenant,
        Field::Service,
        Field::Host,
        Field::Event,
        Field::Request,
        Field::Instance,
    ];

    /// The query-parameter spelling (v2's field names).
    pub fn param(self) -> &'static str {
        match self {
            Self::Deployment => "deployment",
            Self::Source => "source",
            Self::Tenant => "tenant",
            Self::Service => "service",
            Self::Host => "host",
            Self::Event => "event",
            Self::Request => "request",
            Self::Instance => "instance",
            Self::When => "when",
        }
    }

    /// The inverse of [`Self::param`]; anything else is refused.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::When]
            .into_iter()
            .chain(Self::SEARCHABLE)
            .find(|f| f.param() == s)
    }

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Deployment => "Deployment",
            Self::Source => "Source",
            Self::Tenant => "Tenant",
            Self::Service => "Service",
            Self::Host => "Host",
            Self::Event => "Event",
            Self::Request => "Request",
            Self::Instance => "Instance",
            Self::When => "When",
        }
    }

    /// The row's value in this column, as a drill-down link carries it.
    pub fn value_of(self, row: &EventRow) -> &str {
        match self {
            Self::Deployment => &row.deployment,
            Self::Source => &row.routing_key,
            Self::Tenant => &row.tenant,
            Self::Service => &row.service,
            Self::Host => &row.host,
            Self::Event => &row.event,
            Self::Request => &row.request_id,
            Self::Instance => &row.instance,
            Self::When => "",
        }
    }
}

/// How many rows a search shows (v2's choices); `All` pages through everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Count {
    N25,
    N100,
    N250,
    All,
}

impl Count {
    /// The choices, in the form's order.
    pub const CHOICES: [Count; 4] = [Count::N25, Count::N100, Count::N250, Count::All];
    /// Rows per page of an `All` search: everything, a page at a time.
    pub const ALL_PAGE: u32 = 1_000;

    pub fn param(self) -> &'static str {
        match self {
            Self::N25 => "25",
            Self::N100 => "100",
            Self::N250 => "250",
            Self::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::CHOICES
            .into_iter()
            .find(|c| c.param() == s.to_ascii_lowercase())
    }

    /// Rows per page.
    pub fn limit(self) -> u32 {
        match self {
            Self::N25 => 25,
            Self::N100 => 100,
            Self::N250 => 250,
            Self::All => Self::ALL_PAGE,
        }
    }
}

/// A search: rows whose `field` equals `value`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchQuery {
    pub field: Field,
    pub value: String,
    /// Only this deployment's rows.
    pub deployment: Option<i64>,
    /// Include `compute.instance.update` (v2's "Include Updates", on by default).
    pub updates: bool,
    pub count: Count,
    /// Only rows with a smaller id: the cursor of the next page.
    pub before: Option<i64>,
}

/// One page of rows, newest first, and the cursor of the next (older) page if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub rows: Vec<EventRow>,
    pub next_before: Option<i64>,
}

/// The rows around a clicked row (v2's details view), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillData {
    /// The clicked row, highlighted in `rows`.
    pub anchor: EventRow,
    pub rows: Vec<EventRow>,
    /// Rows exist beyond the newer / older end of `rows`.
    pub more_newer: bool,
    pub more_older: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_counts_round_trip() {
        for f in Field::SEARCHABLE.into_iter().chain([Field::When]) {
            assert_eq!(Field::parse(f.param()), Some(f));
        }
        assert_eq!(Field::parse("json"), None);
        assert_eq!(Field::parse("id; DROP TABLE raw_events"), None);
        for c in Count::CHOICES {
            assert_eq!(Count::parse(c.param()), Some(c));
        }
        assert_eq!(Count::parse("All"), Some(Count::All));
        assert_eq!(Count::parse("1000000"), None);
    }
}
