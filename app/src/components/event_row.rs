//! The rows of an event table (v2's columns). Every value is text, and every cell links to
//! "more rows like this" (the id cell to the event itself), by the short link the server
//! redirects to the full drill-down URL.
//!
//! Rows are static (no signals, no effects) and made in one place, [`event_row_html`], as a
//! string: the server puts a table's header and rows into it as HTML ([`table_html`], the rows
//! in `<tbody>` chunks), and the live feed inserts a frame's new rows with one
//! `insertAdjacentHTML`. So both always look the same, the browser's
//! own parser builds them (not a DOM call per element and attribute from wasm), and a page of
//! 10,000 rows carries no hydration markers or empty attributes.

use std::fmt::Write;

use leptos::prelude::*;

use crate::model::{format_micros, EventRow, Field};
use crate::routes;

/// The header matching [`event_row_html`].
const HEADER_HTML: &str = "<thead><tr>\
    <th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Deployment</th>\
    <th scope=\"col\">Source</th><th scope=\"col\">Tenant</th><th scope=\"col\">Service</th>\
    <th scope=\"col\">Host</th><th scope=\"col\">Event</th><th scope=\"col\">Instance</th>\
    <th scope=\"col\">When</th></tr></thead>";

/// Rows per `<tbody>`. An event table is a run of bodies of at most this many rows, and the
/// stylesheet lets the browser skip each one while it is off screen (`content-visibility`):
/// on a page of 10,000 rows the first paint then lays out 200 bodies, not 10,000 rows (in a
/// static copy of the 10,000-row live page in Chromium: DOMContentLoaded → painted 230–360 ms
/// with a skip per row, 8–47 ms with one per 50 or 100 rows, three loads each). The
/// stylesheet's estimate of a skipped body's height is this many rows.
pub const CHUNK_ROWS: usize = 50;

/// The cells between the id and the time, in column order. Cells carry no class: the
/// stylesheet styles event-table columns by position (`table.events td:nth-child(N)`), which
/// keeps a row's markup short (a page of 10,000 rows parses every byte of it).
const CELLS: [Field; 7] = [
    Field::Deployment,
    Field::Source,
    Field::Tenant,
    Field::Service,
    Field::Host,
    Field::Event,
    Field::Instance,
];

/// Appends `row`'s `<tr>` to `out`. Error rows are marked; the `highlight`ed row (a
/// drill-down's clicked row) too, and only it carries the element id the drill-down URL's
/// fragment scrolls to. Values are text, escaped ([`escape_text`]); every attribute is an id
/// or a fixed word.
pub fn event_row_html(row: &EventRow, highlight: bool, out: &mut String) {
    let id = row.id;
    out.push_str("<tr");
    if highlight {
        let _ = write!(
            out,
            " id=\"{}\" aria-current=\"true\"",
            routes::row_anchor(id)
        );
    }
    match (row.is_error(), highlight) {
        (false, false) => {}
        (true, false) => out.push_str(" class=\"error\""),
        (false, true) => out.push_str(" class=\"hl\""),
        (true, true) => out.push_str(" class=\"error hl\""),
    }
    let _ = write!(
        out,
        " data-id=\"{id}\"><td><a href=\"{}\">{id}</a></td>",
        routes::event(id)
    );
    for field in CELLS {
        out.push_str("<td>");
        let value = field.value_of(row);
        if !value.is_empty() {
            let _ = write!(out, "<a href=\"{}\">", routes::drill_link(field, id));
            escape_text(value, out);
            out.push_str("</a>");
        }
        out.push_str("</td>");
    }
    let _ = write!(
        out,
        "<td><a href=\"{}\">{}</a></td></tr>",
        routes::drill_link(Field::When, id),
        format_micros(row.when),
    );
}

/// Room for one row's markup (about 530 bytes with short links and no cell classes).
const ROW_BYTES: usize = 600;

/// Appends `rows`' `<tr>`s to `out`, in order, `highlight` marking one of them.
fn push_rows(rows: &[EventRow], highlight: Option<i64>, out: &mut String) {
    for row in rows {
        event_row_html(row, highlight == Some(row.id), out);
    }
}

/// Appends `rows` to `out` as `<tbody>` chunks of at most [`CHUNK_ROWS`] rows, in order.
fn push_chunks(rows: &[EventRow], highlight: Option<i64>, out: &mut String) {
    for chunk in rows.chunks(CHUNK_ROWS) {
        out.push_str("<tbody>");
        push_rows(chunk, highlight, out);
        out.push_str("</tbody>");
    }
}

/// `rows` as one string of `<tr>`s (the live feed inserts them into a chunk).
#[cfg(any(feature = "hydrate", test))]
pub fn rows_html(rows: &[EventRow], highlight: Option<i64>) -> String {
    let mut html = String::with_capacity(rows.len() * ROW_BYTES);
    push_rows(rows, highlight, &mut html);
    html
}

/// `rows` as `<tbody>` chunks (the live feed inserts them as new chunks).
#[cfg(feature = "hydrate")]
pub fn chunks_html(rows: &[EventRow], highlight: Option<i64>) -> String {
    let mut html = String::with_capacity(rows.len() * ROW_BYTES + 16);
    push_chunks(rows, highlight, &mut html);
    html
}

/// An event table's inner HTML: the header, then the rows in `<tbody>` chunks of at most
/// [`CHUNK_ROWS`], built in one string (a 10,000-row page is about 5 MB of it).
pub fn table_html(rows: &[EventRow], highlight: Option<i64>) -> String {
    let mut html = String::with_capacity(HEADER_HTML.len() + rows.len() * ROW_BYTES + 16);
    html.push_str(HEADER_HTML);
    push_chunks(rows, highlight, &mut html);
    html
}

/// Escapes notification text for a text node. `&`, `<` and `>` are all a text node needs; the
/// quotes are escaped too, so the same function would stay safe in a quoted attribute. These
/// rows reach the page as raw HTML (the table's `inner_html`, the live feed's
/// `insertAdjacentHTML`), so this is the one place untrusted text is made inert; the tests
/// below and `end2end/tests/xss.spec.ts` (a hostile row rendered and pushed live) hold it.
fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A static table of events under an accessible `label`, with a hint when there are none.
#[component]
pub fn EventTable(
    rows: Vec<EventRow>,
    label: String,
    /// The row to highlight (a drill-down's clicked row).
    #[prop(optional)]
    highlight: Option<i64>,
    /// Shown instead of an empty table.
    #[prop(default = "No events.")]
    empty: &'static str,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="hint">{empty}</p> }.into_any();
    }
    view! {
        <table class="grid events" aria-label=label inner_html=table_html(&rows, highlight)></table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{tests::row, Micros};

    #[test]
    fn a_row_is_escaped_text_and_short_links() {
        let mut hostile = row("monitor.error", "compute.instance.<b>&amp;\"'</b>");
        hostile.id = 1_234_567;
        hostile.when = Micros(1_733_312_096_123_456);
        hostile.tenant = "<script>alert(1)</script>".into();
        hostile.instance.clear();
        let mut html = String::new();
        event_row_html(&hostile, false, &mut html);
        assert!(html.starts_with(
            "<tr class=\"error\" data-id=\"1234567\"><td>\
             <a href=\"/events/1234567\">1234567</a></td>"
        ));
        assert!(html.contains(
            "<td><a href=\"/d/1234567/event\">\
             compute.instance.&lt;b&gt;&amp;amp;&quot;&#39;&lt;/b&gt;</a></td>"
        ));
        assert!(html.contains(
            "<td><a href=\"/d/1234567/tenant\">&lt;script&gt;alert(1)&lt;/script&gt;</a></td>"
        ));
        // No value, nothing to match: an empty cell.
        assert!(html.contains("<td></td>"));
        assert!(html
            .ends_with("<td><a href=\"/d/1234567/when\">2024-12-04 11:34:56.123456</a></td></tr>"));
        assert_eq!(html.matches("<td").count(), 9);
        assert!(!html.contains("<script") && !html.contains("<b>"));
    }

    #[test]
    fn only_the_highlighted_row_is_an_anchor() {
        let mut a = row("monitor.info", "compute.instance.update");
        a.id = 7;
        let mut b = a.clone();
        b.id = 8;
        let html = rows_html(&[a, b], Some(8));
        assert!(html.starts_with("<tr data-id=\"7\">"));
        assert!(html.contains("<tr id=\"ev-8\" aria-current=\"true\" class=\"hl\" data-id=\"8\">"));
        assert_eq!(html.matches("<tr").count(), 2);
    }

    #[test]
    fn a_table_is_its_header_then_chunks_of_rows_in_order() {
        let rows: Vec<EventRow> = (1..=120)
            .map(|id| {
                let mut r = row("monitor.info", "compute.instance.update");
                r.id = id;
                r
            })
            .collect();
        let html = table_html(&rows, Some(77));
        assert!(html.starts_with("<thead><tr><th scope=\"col\" class=\"num\">#</th>"));
        let body = &html[html.find("</thead>").unwrap() + "</thead>".len()..];
        let chunks: Vec<&str> = body
            .strip_prefix("<tbody>")
            .and_then(|b| b.strip_suffix("</tbody>"))
            .unwrap()
            .split("</tbody><tbody>")
            .collect();
        let sizes: Vec<usize> = chunks.iter().map(|c| c.matches("<tr").count()).collect();
        assert_eq!(sizes, [CHUNK_ROWS, CHUNK_ROWS, 120 - 2 * CHUNK_ROWS]);
        assert_eq!(chunks.concat(), rows_html(&rows, Some(77)));
        assert_eq!(table_html(&[], None), HEADER_HTML);
    }
}
