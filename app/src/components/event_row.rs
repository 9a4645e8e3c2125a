//! A row of an event table (v2's columns). Every value is text, and every cell links to "more
//! rows like this" (the id cell to the event itself).
//!
//! The row is static: no signals, no effects. The server renders it, and the live feed builds
//! new ones in the browser from the same component, so both always look the same.

use leptos::prelude::*;

use super::when::When;
use crate::model::{EventRow, Field};
use crate::routes;

/// The header matching [`EventRowView`].
#[component]
pub fn EventHeader() -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col" class="num">"#"</th>
                <th scope="col">"Deployment"</th>
                <th scope="col">"Source"</th>
                <th scope="col">"Tenant"</th>
                <th scope="col">"Service"</th>
                <th scope="col">"Host"</th>
                <th scope="col">"Event"</th>
                <th scope="col">"Instance"</th>
                <th scope="col">"When"</th>
            </tr>
        </thead>
    }
}

/// A drill-down link for one cell; an empty value gets an empty cell (nothing to match).
fn cell(row: &EventRow, field: Field, class: &'static str) -> impl IntoView {
    let value = field.value_of(row).to_string();
    let link = (!value.is_empty()).then(|| {
        let href = routes::drill(field, &value, row.id, None);
        view! { <a href=href>{value}</a> }
    });
    view! { <td class=(!class.is_empty()).then_some(class)>{link}</td> }
}

/// One event; error rows are marked, the `highlight`ed row (a drill-down's clicked row) too.
#[component]
pub fn EventRowView(row: EventRow, #[prop(optional)] highlight: bool) -> impl IntoView {
    let class = match (row.is_error(), highlight) {
        (false, false) => "event",
        (true, false) => "event error",
        (false, true) => "event hl",
        (true, true) => "event error hl",
    };
    let when_href = routes::drill(Field::When, "", row.id, None);
    view! {
        <tr id=routes::row_anchor(row.id) class=class data-id=row.id
            aria-current=highlight.then_some("true")>
            <td class="num"><a href=routes::event(row.id)>{row.id}</a></td>
            {cell(&row, Field::Deployment, "")}
            {cell(&row, Field::Source, "source")}
            {cell(&row, Field::Tenant, "")}
            {cell(&row, Field::Service, "")}
            {cell(&row, Field::Host, "")}
            {cell(&row, Field::Event, "ev")}
            {cell(&row, Field::Instance, "mono")}
            <td class="mono"><a href=when_href><When at=row.when/></a></td>
        </tr>
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
        <table class="grid events" aria-label=label>
            <EventHeader/>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let highlight = highlight == Some(row.id);
                        view! { <EventRowView row highlight/> }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
