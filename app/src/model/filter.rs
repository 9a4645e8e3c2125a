//! The live feed's filter: one definition for the page URL, the websocket URL, the SQL
//! backfill and the per-subscriber check of pushed rows, so all four always agree.

use serde::{Deserialize, Serialize};

use super::event::EventRow;

/// Which events a live feed shows. Every text criterion is an exact match; absent means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventFilter {
    pub deployment: Option<i64>,
    pub event: Option<String>,
    pub service: Option<String>,
    pub host: Option<String>,
    pub tenant: Option<String>,
    pub instance: Option<String>,
    pub request: Option<String>,
    /// Only error rows ([`EventRow::is_error`]).
    pub errors: bool,
}

/// The text criteria: (query parameter, form label).
pub const TEXT_CRITERIA: [(&str, &str); 6] = [
    ("event", "Event"),
    ("service", "Service"),
    ("host", "Host"),
    ("tenant", "Tenant"),
    ("instance", "Instance"),
    ("request", "Request"),
];

impl EventFilter {
    /// Reads the filter from query parameters (`deployment`, `event`, …, `errors`); empty and
    /// unknown parameters are ignored, so a submitted form with blank fields means "any".
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = Self::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "deployment" => f.deployment = value.parse().ok(),
                "errors" => f.errors = matches!(value, "1" | "on" | "true"),
                _ => {
                    if let Some(slot) = f.text_mut(key) {
                        *slot = Some(value.to_string());
                    }
                }
            }
        }
        f
    }

    /// The filter as query parameters, in a stable order (the inverse of [`Self::from_pairs`]).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(d) = self.deployment {
            out.push(("deployment", d.to_string()));
        }
        for (key, _) in TEXT_CRITERIA {
            if let Some(v) = self.text(key) {
                out.push((key, v.to_string()));
            }
        }
        if self.errors {
            out.push(("errors", "1".to_string()));
        }
        out
    }

    /// The value of a text criterion by its parameter name.
    pub fn text(&self, key: &str) -> Option<&str> {
        match key {
            "event" => self.event.as_deref(),
            "service" => self.service.as_deref(),
            "host" => self.host.as_deref(),
            "tenant" => self.tenant.as_deref(),
            "instance" => self.instance.as_deref(),
            "request" => self.request.as_deref(),
            _ => None,
        }
    }

    fn text_mut(&mut self, key: &str) -> Option<&mut Option<String>> {
        match key {
            "event" => Some(&mut self.event),
            "service" => Some(&mut self.service),
            "host" => Some(&mut self.host),
            "tenant" => Some(&mut self.tenant),
            "instance" => Some(&mut self.instance),
            "request" => Some(&mut self.request),
            _ => None,
        }
    }

    /// True when nothing is filtered out.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a pushed row passes: the same rule the SQL backfill applies.
    pub fn matches(&self, row: &EventRow) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        self.deployment.is_none_or(|d| d == row.deployment_id)
            && eq(&self.event, &row.event)
            && eq(&self.service, &row.service)
            && eq(&self.host, &row.host)
            && eq(&self.tenant, &row.tenant)
            && eq(&self.instance, &row.instance)
            && eq(&self.request, &row.request_id)
            && (!self.errors || row.is_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::row;

    #[test]
    fn round_trips_through_query_pairs() {
        let f = EventFilter::from_pairs([
            ("deployment", "2"),
            ("host", "cpu-1"),
            ("event", ""),
            ("errors", "on"),
            ("bogus", "x"),
        ]);
        assert_eq!(f.deployment, Some(2));
        assert_eq!(f.host.as_deref(), Some("cpu-1"));
        assert_eq!(f.event, None);
        assert!(f.errors);
        let pairs = f.pairs();
        let again = EventFilter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(again, f);
        assert!(EventFilter::default().is_empty());
    }

    #[test]
    fn matches_like_the_sql() {
        let r = row("monitor.error", "compute.instance.update");
        assert!(EventFilter::default().matches(&r));
        assert!(EventFilter::from_pairs([("errors", "1"), ("host", "h")]).matches(&r));
        assert!(!EventFilter::from_pairs([("host", "other")]).matches(&r));
        assert!(!EventFilter::from_pairs([("deployment", "9")]).matches(&r));
        let ok = row("monitor.info", "compute.instance.update");
        assert!(!EventFilter::from_pairs([("errors", "1")]).matches(&ok));
    }
}
