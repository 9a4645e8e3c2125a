//! A row of an event table (v2's columns), every value as text.

use leptos::prelude::*;

use crate::components::When;
use crate::model::EventRow;

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

/// One event; error rows are marked.
#[component]
pub fn EventRowView(row: EventRow) -> impl IntoView {
    let class = if row.is_error() {
        "event error"
    } else {
        "event"
    };
    view! {
        <tr class=class>
            <td class="num">{row.id}</td>
            <td>{row.deployment}</td>
            <td class="source">{row.routing_key}</td>
            <td>{row.tenant}</td>
            <td>{row.service}</td>
            <td>{row.host}</td>
            <td class="ev">{row.event}</td>
            <td class="mono">{row.instance}</td>
            <td class="mono"><When at=row.when/></td>
        </tr>
    }
}
