//! `/events/<id>`: one event with every stored column (formatted here from the typed
//! [`EventDetail`]) and its notification JSON, pretty-printed, collapsible and copyable, and
//! always plain text.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_event;
use crate::components::{ErrorBox, EventTable, Facts, NotFound, NotificationJson, PageTitle};
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
    let data = Load::new(move || get_event(id));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
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

/// The Columns table: the row's columns, then every other stored column in table order; an
/// unset (NULL) column shows as an empty cell.
fn columns(d: &EventDetail) -> Vec<(String, String)> {
    let (row, c) = (&d.row, &d.columns);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let image_type = match (c.image_type, c.image_type_names.is_empty()) {
        (None, _) => String::new(),
        (Some(code), true) => code.to_string(),
        (Some(code), false) => format!("{code} ({})", c.image_type_names.join(", ")),
    };
    [
        ("id", row.id.to_string()),
        ("deployment", row.deployment.clone()),
        ("exchange", row.exchange.clone()),
        ("routing_key", row.routing_key.clone()),
        ("event", row.event.clone()),
        ("publisher", row.publisher.clone()),
        ("service", row.service.clone()),
        ("host", row.host.clone()),
        ("when", format_micros(row.when)),
        ("request_id", row.request_id.clone()),
        ("instance", row.instance.clone()),
        ("tenant", row.tenant.clone()),
        ("message_id", text(&c.message_id)),
        ("dedupe_key", c.dedupe_key.clone()),
        ("received", format_micros(c.received)),
        ("state", text(&c.state)),
        ("old_state", text(&c.old_state)),
        ("old_task", text(&c.old_task)),
        ("task", text(&c.task)),
        ("image_type", image_type),
        ("image_status", text(&c.image_status)),
        ("image_uuid", text(&c.image_uuid)),
        (
            "image_size",
            c.image_size.map(|n| n.to_string()).unwrap_or_default(),
        ),
        ("os_architecture", text(&c.os_architecture)),
        ("os_distro", text(&c.os_distro)),
        ("os_version", text(&c.os_version)),
        ("rax_options", text(&c.rax_options)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[component]
fn Event(detail: EventDetail) -> impl IntoView {
    let heading = format!("Event #{}: {}", detail.row.id, detail.row.event);
    let facts = columns(&detail);
    let EventDetail { row, json, .. } = detail;
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
            <NotificationJson json/>
        </div>
    }
}
