//! `/events/<id>`: one event with every stored column and its notification JSON,
//! pretty-printed on the server, collapsible and copyable, and always plain text.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::get_event;
use crate::components::{Copyable, ErrorBox, EventTable, Facts, NotFound, PageTitle};
use crate::model::{format_micros, EventDetail, EventRow};
use crate::routes;

/// The event page.
#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <h1>"Event"</h1><NotFound message="Event ids are numbers.".to_string()/> }
            .into_any();
    };
    let data = Resource::new(move || id, get_event);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(detail)) => view! { <Event detail/> }.into_any(),
                    Ok(None) => view! {
                        <h1>{format!("Event #{id}")}</h1>
                        <NotFound message=format!("There is no event #{id}.")/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// Links from an event to the pages about its host, tenant, request and instance.
fn related(row: &EventRow) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !row.host.is_empty() {
        out.push((routes::host(&row.host), format!("Host {}", row.host)));
    }
    if !row.tenant.is_empty() {
        out.push((
            routes::tenant(&row.tenant),
            format!("Tenant {}", row.tenant),
        ));
    }
    if !row.request_id.is_empty() {
        out.push((
            routes::request(&row.request_id),
            format!("Request {}", row.request_id),
        ));
    }
    if !row.instance.is_empty() {
        out.push((
            routes::instance(&row.instance),
            format!("Instance {}", row.instance),
        ));
    }
    out
}

#[component]
fn Event(detail: EventDetail) -> impl IntoView {
    let EventDetail { row, columns, json } = detail;
    let heading = format!("Event #{}: {}", row.id, row.event);
    let mut facts = vec![
        ("id".to_string(), row.id.to_string()),
        ("deployment".to_string(), row.deployment.clone()),
        ("exchange".to_string(), row.exchange.clone()),
        ("routing_key".to_string(), row.routing_key.clone()),
        ("event".to_string(), row.event.clone()),
        ("publisher".to_string(), row.publisher.clone()),
        ("service".to_string(), row.service.clone()),
        ("host".to_string(), row.host.clone()),
        ("when".to_string(), format_micros(row.when)),
        ("request_id".to_string(), row.request_id.clone()),
        ("instance".to_string(), row.instance.clone()),
        ("tenant".to_string(), row.tenant.clone()),
    ];
    facts.extend(columns);
    let links = related(&row)
        .into_iter()
        .map(|(href, text)| view! { <li><a href=href>{text}</a></li> })
        .collect_view();
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <EventTable rows=vec![row] label="This event".to_string()/>
        <nav aria-label="Related pages"><ul class="related">{links}</ul></nav>
        <div class="split">
            <Facts rows=facts label="Columns".to_string()/>
            <details class="json" open=true>
                <summary>"Notification JSON"</summary>
                <Copyable><pre aria-label="Notification JSON">{json}</pre></Copyable>
            </details>
        </div>
    }
}
