//! Typed URL builders: every link in the app is made here, never with ad-hoc `format!`.
//!
//! Values from notifications are untrusted text: they only ever appear percent-encoded in a
//! query string or a path segment, so they cannot change the path, add parameters or become
//! a `javascript:` URL (every URL here starts with `/`).

use std::fmt::Write;

use crate::model::{EventFilter, Field, SearchQuery, UsageQuery, UsageService, UsageTable, Window};

/// Which end of a live feed new rows go to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum FeedOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl FeedOrder {
    /// From the `order` query parameter.
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("oldest") => Self::OldestFirst,
            _ => Self::NewestFirst,
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    let mut url = path.to_string();
    for (i, (k, v)) in pairs.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&encode(v));
    }
    url
}

/// The live feed with a filter, an order and an initial row count (`None`: the default).
pub fn live(filter: &EventFilter, order: FeedOrder, rows: Option<u32>) -> String {
    let mut pairs = filter.pairs();
    if order == FeedOrder::OldestFirst {
        pairs.push(("order", "oldest".into()));
    }
    if let Some(n) = rows {
        pairs.push(("rows", n.to_string()));
    }
    with_query("/live", &pairs)
}

/// The live feed of one deployment, or of all of them.
pub fn live_of(deployment: Option<i64>) -> String {
    let filter = EventFilter {
        deployment,
        ..EventFilter::default()
    };
    live(&filter, FeedOrder::NewestFirst, None)
}

/// The filter as an encoded query string without the `?`: how the server-rendered feed
/// tells the browser which socket to open.
pub fn filter_query(filter: &EventFilter) -> String {
    with_query("", &filter.pairs())
        .trim_start_matches('?')
        .to_string()
}

/// The websocket of a live feed, resuming after `after` (the last id the page has).
pub fn live_socket(filter: &EventFilter, after: i64) -> String {
    live_socket_with(&filter_query(filter), after)
}

/// [`live_socket`] from an already encoded [`filter_query`].
pub fn live_socket_with(filter_query: &str, after: i64) -> String {
    if filter_query.is_empty() {
        format!("/live/ws?after={after}")
    } else {
        format!("/live/ws?after={after}&{filter_query}")
    }
}

/// The search form, empty.
pub fn search_form() -> String {
    "/search".to_string()
}

/// A search's results (`before`: the page after that id).
pub fn search(q: &SearchQuery) -> String {
    let mut pairs = vec![
        ("field", q.field.param().to_string()),
        ("value", q.value.clone()),
        ("count", q.count.param().to_string()),
    ];
    if q.updates {
        pairs.push(("updates", "1".into()));
    }
    if let Some(d) = q.deployment {
        pairs.push(("deployment", d.to_string()));
    }
    if let Some(b) = q.before {
        pairs.push(("before", b.to_string()));
    }
    with_query("/search", &pairs)
}

/// The element id of an event's row, the fragment a drill-down scrolls to.
pub fn row_anchor(id: i64) -> String {
    format!("ev-{id}")
}

/// "More rows like this": rows with the same `field` value as event `around` (for
/// [`Field::When`]: within ±1 minute of it), the clicked row highlighted and scrolled to.
pub fn drill(field: Field, value: &str, around: i64, deployment: Option<i64>) -> String {
    let mut pairs = vec![("field", field.param().to_string())];
    if field != Field::When {
        pairs.push(("value", value.to_string()));
    }
    pairs.push(("around", around.to_string()));
    if let Some(d) = deployment {
        pairs.push(("deployment", d.to_string()));
    }
    format!("{}#{}", with_query("/events", &pairs), row_anchor(around))
}

/// The short form of [`drill`] that event tables put in every cell: `/d/<around>/<field>`.
/// The server answers it with a redirect to the full drill-down URL, reading the value from
/// event `around` itself, so a table of 10,000 rows does not carry each value a second time
/// (percent-encoded) in its links; the address bar still shows the full, shareable URL.
pub fn drill_link(field: Field, around: i64) -> String {
    format!("/d/{around}/{}", field.param())
}

/// One event in full.
pub fn event(id: i64) -> String {
    format!("/events/{id}")
}

pub fn host(host: &str) -> String {
    format!("/hosts/{}", encode(host))
}

pub fn tenant(tenant: &str) -> String {
    format!("/tenants/{}", encode(tenant))
}

pub fn request(request_id: &str) -> String {
    format!("/requests/{}", encode(request_id))
}

pub fn instance(instance: &str) -> String {
    format!("/instances/{}", encode(instance))
}

pub fn timings(window: Window) -> String {
    with_query("/timings", &[("window", window.param().to_string())])
}

pub fn status() -> String {
    "/status".to_string()
}

pub fn quarantined(id: i64) -> String {
    format!("/status/quarantine/{id}")
}

/// The Usage section's overview.
pub fn usage() -> String {
    "/usage".to_string()
}

/// A usage table with its filters and page.
pub fn usage_list(q: &UsageQuery) -> String {
    let path = format!("/usage/{}/{}", q.service.param(), q.table.param());
    with_query(&path, &q.pairs())
}

/// A usage table, unfiltered.
pub fn usage_table(service: UsageService, table: UsageTable) -> String {
    usage_list(&UsageQuery::new(service, table))
}

/// The failed exists of `service` (`status`: one failed status, or empty for both), from the
/// page after id `before`.
pub fn usage_failed(service: UsageService, status: &str, before: Option<i64>) -> String {
    let mut pairs = vec![("service", service.param().to_string())];
    if !status.is_empty() {
        pairs.push(("status", status.to_string()));
    }
    if let Some(b) = before {
        pairs.push(("before", b.to_string()));
    }
    with_query("/usage/failed", &pairs)
}

/// An image's glance usages, deletes and exists.
pub fn image(uuid: &str) -> String {
    format!("/images/{}", encode(uuid))
}

/// The stored reports, optionally of one name, from the page after id `before`.
pub fn reports(name: &str, before: Option<i64>) -> String {
    let mut pairs = Vec::new();
    if !name.is_empty() {
        pairs.push(("name", name.to_string()));
    }
    if let Some(b) = before {
        pairs.push(("before", b.to_string()));
    }
    with_query("/reports", &pairs)
}

/// One stored report rendered.
pub fn report(id: i64) -> String {
    format!("/reports/{id}")
}

/// One stored report's JSON as v2's `/stacky/report/<id>/` serves it.
pub fn report_raw(id: i64) -> String {
    format!("/stacky/report/{id}/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Count;

    #[test]
    fn live_urls() {
        assert_eq!(live_of(None), "/live");
        assert_eq!(live_of(Some(3)), "/live?deployment=3");
        let f = EventFilter::from_pairs([("host", "a b&c"), ("errors", "1")]);
        assert_eq!(
            live(&f, FeedOrder::OldestFirst, Some(500)),
            "/live?host=a%20b%26c&errors=1&order=oldest&rows=500"
        );
        assert_eq!(live_socket(&EventFilter::default(), 0), "/live/ws?after=0");
        assert_eq!(
            live_socket(&EventFilter::from_pairs([("deployment", "2")]), 41),
            "/live/ws?after=41&deployment=2"
        );
    }

    #[test]
    fn untrusted_values_stay_inside_their_component() {
        assert_eq!(host("../x/y?z=1#w"), "/hosts/..%2Fx%2Fy%3Fz%3D1%23w");
        assert_eq!(
            instance("javascript:alert(1)"),
            "/instances/javascript%3Aalert%281%29"
        );
        assert_eq!(
            drill(Field::Host, "<img src=x>", 7, Some(1)),
            "/events?field=host&value=%3Cimg%20src%3Dx%3E&around=7&deployment=1#ev-7"
        );
        assert_eq!(
            drill(Field::When, "ignored", 7, None),
            "/events?field=when&around=7#ev-7"
        );
    }

    #[test]
    fn usage_and_report_urls() {
        let mut q = UsageQuery::new(UsageService::Nova, UsageTable::Exists);
        q.subject = "a/b".into();
        q.status = "failed".into();
        q.before = Some(9);
        assert_eq!(
            usage_list(&q),
            "/usage/nova/exists?instance=a%2Fb&status=failed&before=9"
        );
        assert_eq!(
            usage_table(UsageService::Glance, UsageTable::Launches),
            "/usage/glance/launches"
        );
        assert_eq!(
            usage_failed(UsageService::Glance, "", Some(3)),
            "/usage/failed?service=glance&before=3"
        );
        assert_eq!(image("x y"), "/images/x%20y");
        assert_eq!(
            reports("summary for region: all", None),
            "/reports?name=summary%20for%20region%3A%20all"
        );
        assert_eq!(report_raw(4), "/stacky/report/4/");
    }

    #[test]
    fn search_urls() {
        let q = SearchQuery {
            field: Field::Request,
            value: "req-1".into(),
            deployment: None,
            updates: false,
            count: Count::All,
            before: Some(99),
        };
        assert_eq!(
            search(&q),
            "/search?field=request&value=req-1&count=all&before=99"
        );
    }
}
