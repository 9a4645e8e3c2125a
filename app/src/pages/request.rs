//! `/requests/<request id>`: a request's events in order and its end-to-end duration.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_request;
use crate::components::{Dur, ErrorBox, EventTable, PageTitle};
use crate::model::{format_duration, RequestData};
use crate::routes;

/// The request page.
#[component]
pub fn RequestPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let data = Load::new(move || get_request(id));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(d) => view! { <Request d/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Request(d: RequestData) -> impl IntoView {
    let heading = format!("Request {}", d.request_id);
    let duration = d.duration_us.map(|us| {
        view! {
            "End to end: " <strong><Dur us/></strong> {format!(" over {} events", d.rows.len())}
        }
    });
    let kpi = d.kpi.map(|k| {
        let instance = (!k.instance.is_empty()).then(|| {
            view! { " for instance " <a href=routes::instance(&k.instance)>{k.instance.clone()}</a> }
        });
        let op = k.last_operation.map(|op| format!(" (until {op}.end)")).unwrap_or_default();
        view! {
            <p class="summary">"KPI (API entry to the last .end): "
                <strong>{format_duration(k.duration_us)}</strong>{op}{instance}</p>
        }
    });
    let empty = d.rows.is_empty();
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <p class="summary">{duration}</p>
        {kpi}
        {empty.then(|| view! { <p class="hint">"No stored events carry this request id."</p> })}
        <EventTable rows=d.rows label="Request events".to_string()/>
    }
}
