//! `/reports/<id>`: one stored report rendered as tables (v2's layouts, every value text), the
//! KPI summary with its per-operation percentile chart, and the link to the raw JSON.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_report;
use crate::components::{ErrorBox, Facts, NotFound, PageTitle, PercentileChart, ReportTree};
use crate::model::{format_micros, kpi_chart, report_tree, ReportDetail};
use crate::routes;

/// One report.
#[component]
pub fn ReportPage() -> impl IntoView {
    let raw = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let Some(id) = raw
        .parse::<i64>()
        .ok()
        .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()))
    else {
        return view! { <h1>"Report"</h1><NotFound message="Report ids are numbers.".to_string()/> }
            .into_any();
    };
    let data = Load::new(move || get_report(id));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(Some(d)) => view! { <Report d/> }.into_any(),
                    Ok(None) => view! {
                        <h1>"Report"</h1>
                        <NotFound message=format!("There is no report #{id}.")/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Report(d: ReportDetail) -> impl IntoView {
    let s = d.summary.clone();
    let heading = format!("Report #{}: {}", s.id, s.name);
    let facts = vec![
        ("Name".to_string(), s.name.clone()),
        ("Version".to_string(), s.version.to_string()),
        ("Period start".to_string(), format_micros(s.period_start)),
        ("Period end".to_string(), format_micros(s.period_end)),
        ("Created".to_string(), format_micros(s.created)),
    ];
    let chart = d
        .is_kpi_summary()
        .then(|| kpi_chart(&d.json))
        .flatten()
        .map(|chart| view! { <h2>"Durations per operation"</h2><PercentileChart chart/> });
    let body = match report_tree(&d.json) {
        Ok(node) => view! { <ReportTree node label="Report contents".to_string()/> }.into_any(),
        Err(e) => view! { <ErrorBox message=format!("The stored report is not valid JSON: {e}")/> }
            .into_any(),
    };
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <Facts rows=facts label="Report details".to_string()/>
        <ul class="related">
            <li><a href=routes::report_raw(s.id)>"Raw JSON"</a></li>
            <li><a href=routes::reports(&s.name, None)>"Reports with this name"</a></li>
            <li><a href=routes::reports("", None)>"All reports"</a></li>
        </ul>
        {chart}
        <h2>"Contents"</h2>
        {body}
    }
}
