//! `/instances/<uuid>`: an instance's lifecycle state, every event in order, its timings
//! (v2's S/E/. states), its requests with KPI durations and its usage rows (their columns
//! formatted here from the typed [`UsageLine`]).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_instance;
use crate::components::{Dur, ErrorBox, EventTable, KpiTable, MaybeWhen, PageTitle};
use crate::model::{format_micros, InstanceData, Micros, TimingView, UsageLine};
use crate::routes;

/// The instance page.
#[component]
pub fn InstancePage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let data = Load::new(move || get_instance(id));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(d) => view! { <Instance d/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Instance(d: InstanceData) -> impl IntoView {
    let heading = format!("Instance {}", d.instance);
    let state = match &d.lifecycle {
        Some(l) => format!("State: {} · task: {}", or_dash(&l.state), or_dash(&l.task)),
        None => "No lifecycle recorded (no nova events for this instance).".to_string(),
    };
    let capped = d
        .events_capped
        .then(|| format!("Showing the first {} events.", InstanceData::EVENT_LIMIT));
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <p class="summary" aria-label="Lifecycle">{state}</p>
        <h2>"Timings"</h2>
        <TimingsTable timings=d.timings/>
        <h2>"Requests"</h2>
        <KpiTable kpis=d.requests label="Requests"/>
        <h2>"Usage"</h2>
        <UsageTable lines=d.usage/>
        <h2>"Events"</h2>
        {capped.map(|c| view! { <p class="hint">{c}</p> })}
        <EventTable rows=d.events label="Instance events".to_string()/>
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "—"
    } else {
        s
    }
}

fn event_link(id: Option<i64>, at: Option<Micros>) -> impl IntoView {
    match id {
        Some(id) => view! { <a href=routes::event(id)><MaybeWhen at/></a> }.into_any(),
        None => view! { <MaybeWhen at/> }.into_any(),
    }
}

#[component]
fn TimingsTable(timings: Vec<TimingView>) -> impl IntoView {
    if timings.is_empty() {
        return view! { <p class="hint">"No .start/.end operations."</p> }.into_any();
    }
    view! {
        <table class="grid" aria-label="Timings">
            <thead><tr>
                <th scope="col">"Operation"</th><th scope="col">"State"</th><th scope="col">"Start"</th>
                <th scope="col">"End"</th><th scope="col" class="num">"Duration"</th>
            </tr></thead>
            <tbody>
                {timings.into_iter().map(|t| view! {
                    <tr>
                        <td class="ev">{t.name.clone()}</td>
                        <td class="mono" title="S: start only · E: end only · .: both">{t.state()}</td>
                        <td class="mono">{event_link(t.start_id, t.start)}</td>
                        <td class="mono">{event_link(t.end_id, t.end)}</td>
                        <td class="num">{t.diff_us.map(|us| view! { <Dur us/> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A usage line's kind-specific columns as `label: value` joined by ` · `; unset or empty
/// columns say nothing and are left out.
fn usage_details(u: &UsageLine) -> String {
    let audit_period = u
        .audit_period_beginning
        .zip(u.audit_period_ending)
        .map(|(b, e)| format!("{} – {}", format_micros(b), format_micros(e)));
    [
        ("request", u.request_id.clone()),
        ("status", u.status.clone()),
        ("audit period", audit_period),
        ("type", u.instance_type_id.clone()),
        ("flavor", u.instance_flavor_id.clone()),
        ("tenant", u.tenant.clone()),
        ("os", u.os_distro.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}: {v}")))
    .collect::<Vec<_>>()
    .join(" · ")
}

#[component]
fn UsageTable(lines: Vec<UsageLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="hint">"No usage, delete or exists rows."</p> }.into_any();
    }
    view! {
        <table class="grid" aria-label="Usage">
            <thead><tr>
                <th scope="col">"Kind"</th><th scope="col">"Launched"</th><th scope="col">"Deleted"</th>
                <th scope="col">"Details"</th><th scope="col">"Event"</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|u| view! {
                    <tr>
                        <td>{u.kind.label()}</td>
                        <td class="mono"><MaybeWhen at=u.launched_at/></td>
                        <td class="mono"><MaybeWhen at=u.deleted_at/></td>
                        <td>{usage_details(&u)}</td>
                        <td class="num">{u.raw_id.map(|id| view! { <a href=routes::event(id)>{format!("#{id}")}</a> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
