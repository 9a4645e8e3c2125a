//! Requests with their KPI durations (instance and timings pages).

use leptos::prelude::*;

use super::when::{Dur, When};
use crate::model::Kpi;
use crate::routes;

/// Requests with their KPI durations, under an accessible `label`.
#[component]
pub fn KpiTable(kpis: Vec<Kpi>, label: &'static str) -> impl IntoView {
    if kpis.is_empty() {
        return view! { <p class="hint">"No API requests tracked."</p> }.into_any();
    }
    view! {
        <table class="grid" aria-label=label>
            <thead><tr>
                <th scope="col">"Request"</th><th scope="col">"Instance"</th><th scope="col">"Started"</th>
                <th scope="col">"Until"</th><th scope="col" class="num">"KPI duration"</th>
            </tr></thead>
            <tbody>
                {kpis.into_iter().map(|k| view! {
                    <tr>
                        <td class="mono"><a href=routes::request(&k.request_id)>{k.request_id.clone()}</a></td>
                        <td class="mono"><a href=routes::instance(&k.instance)>{k.instance.clone()}</a></td>
                        <td class="mono"><When at=k.start/></td>
                        <td>{k.last_operation.clone().map(|op| format!("{op}.end"))}</td>
                        <td class="num"><Dur us=k.duration_us/></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
