//! `/reports?name=&before=`: the stored reports (v2's `JsonReport`), newest first, a page at a
//! time, filtered by name; each links to its rendered page and its raw JSON.

use leptos::prelude::*;

use super::load::Load;
use super::query::{get, query_pairs};
use crate::api::get_reports;
use crate::components::{ErrorBox, PageTitle, When};
use crate::model::{ReportSummary, ReportsPage, ReportsQuery};
use crate::routes;

/// The reports list.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let pairs = query_pairs();
    let query = ReportsQuery {
        name: get(&pairs, "name").unwrap_or_default().trim().to_string(),
        before: get(&pairs, "before").and_then(|b| b.parse().ok()),
    };
    let source = query.clone();
    let data = Load::new(move || get_reports(source));
    view! {
        <PageTitle text="Reports — StackTach".to_string()/>
        <h1>"Reports"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match data.get().await {
                        Ok(d) => view! { <Reports query d/> }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Reports(query: ReportsQuery, d: ReportsPage) -> impl IntoView {
    let current = query.name.clone();
    let names = d
        .names
        .into_iter()
        .map(|n| {
            let selected = n == current;
            let value = n.clone();
            view! { <option value=value selected=selected>{n}</option> }
        })
        .collect_view();
    let next = d.next_before.map(|before| {
        let href = routes::reports(&query.name, Some(before));
        view! { <a class="pager" href=href rel="next">"Older reports →"</a> }
    });
    let table = if d.rows.is_empty() {
        view! { <p class="hint">"No stored reports."</p> }.into_any()
    } else {
        view! {
            <table class="grid" aria-label="Stored reports">
                <thead><tr>
                    <th scope="col" class="num">"Id"</th><th scope="col">"Name"</th>
                    <th scope="col" class="num">"Version"</th><th scope="col">"Period"</th>
                    <th scope="col">"Created"</th><th scope="col">"JSON"</th>
                </tr></thead>
                <tbody>{d.rows.into_iter().map(|r| view! { <ReportRow r/> }).collect_view()}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <form class="filters" method="get" action="/reports" role="search" aria-label="Filter reports">
            <label>"Name"
                <select name="name">
                    <option value="" selected=current.is_empty()>"all"</option>
                    {names}
                </select>
            </label>
            <button type="submit">"Filter"</button>
        </form>
        {table}
        {next}
    }
}

#[component]
fn ReportRow(r: ReportSummary) -> impl IntoView {
    let name_filter = routes::reports(&r.name, None);
    view! {
        <tr>
            <td class="num"><a href=routes::report(r.id)>{r.id}</a></td>
            <td><a href=routes::report(r.id)>{r.name.clone()}</a>" "
                <a class="filter" href=name_filter title="Reports with this name">"(all)"</a></td>
            <td class="num">{r.version}</td>
            <td><When at=r.period_start/>" – "<When at=r.period_end/></td>
            <td><When at=r.created/></td>
            <td><a href=routes::report_raw(r.id)>"raw"</a></td>
        </tr>
    }
}
