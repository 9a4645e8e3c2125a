//! `/hosts/<host>` and `/tenants/<tenant>`: recent events and error counts of one host or
//! tenant.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_scope;
use crate::components::{ErrorBox, EventTable, PageTitle, When};
use crate::model::{EventFilter, ScopeData, ScopeKind};
use crate::routes::{self, FeedOrder};

/// The host page.
#[component]
pub fn HostPage() -> impl IntoView {
    view! { <ScopePage kind=ScopeKind::Host param="host"/> }
}

/// The tenant page.
#[component]
pub fn TenantPage() -> impl IntoView {
    view! { <ScopePage kind=ScopeKind::Tenant param="tenant"/> }
}

#[component]
fn ScopePage(kind: ScopeKind, param: &'static str) -> impl IntoView {
    let value = use_params_map().with_untracked(|p| p.get(param).unwrap_or_default());
    let data = Load::new(move || get_scope(kind, value));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(d) => view! { <Scope d/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Scope(d: ScopeData) -> impl IntoView {
    let heading = format!("{} {}", d.kind.label(), d.value);
    let mut filter = EventFilter::default();
    match d.kind {
        ScopeKind::Host => filter.host = Some(d.value.clone()),
        ScopeKind::Tenant => filter.tenant = Some(d.value.clone()),
    }
    let live = routes::live(&filter, FeedOrder::NewestFirst, None);
    let live_errors = routes::live(
        &EventFilter {
            errors: true,
            ..filter
        },
        FeedOrder::NewestFirst,
        None,
    );
    let counts = d.by_event.into_iter().map(|c| {
        let class = if c.errors > 0 { "num errors" } else { "num" };
        view! { <tr><td class="ev">{c.event}</td><td class="num">{c.count}</td><td class=class>{c.errors}</td></tr> }
    }).collect_view();
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <p class="summary">
            <strong>{format!("{} errors in the last hour, {} in the last 24 hours", d.errors_hour, d.errors_day)}</strong>
            " · "<a href=live>"Live feed"</a>" · "<a href=live_errors>"Live errors"</a>
        </p>
        <h2>"Events by type, last 24 hours"</h2>
        <p class="hint">"Since " <When at=d.counts_since/> " (whole hours: the counts are kept per hour)."</p>
        <table class="grid counts" aria-label="Events by type">
            <thead><tr><th scope="col">"Event"</th><th scope="col" class="num">"Count"</th><th scope="col" class="num">"Errors"</th></tr></thead>
            <tbody>{counts}</tbody>
        </table>
        <h2>"Recent errors"</h2>
        <EventTable rows=d.recent_errors label="Recent errors".to_string() empty="No recent errors."/>
        <h2>"Recent events"</h2>
        <EventTable rows=d.recent label="Recent events".to_string()/>
    }
}
