//! A two-column table of labelled values (an event's columns, a request's summary).

use leptos::prelude::*;

/// `(label, value)` pairs as a table under an accessible `label`; values are text.
#[component]
pub fn Facts(rows: Vec<(String, String)>, label: String) -> impl IntoView {
    view! {
        <table class="facts" aria-label=label>
            <tbody>
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}
