//! `/usage`: the verifier's progress. Per service, the exists counted by status and by send
//! status (the HTTP class the billing feed confirmed), over all periods and per audit period
//! (the latest first); every count links to the exists it counts.

use leptos::prelude::*;

use super::load::Load;
use crate::api::get_usage_overview;
use crate::components::{ErrorBox, PageTitle, UsageNav, UsageSection, When};
use crate::model::{
    ProgressRow, SendClass, ServiceProgress, UsageOverview, UsageQuery, UsageTable, EXISTS_STATUSES,
};
use crate::routes;

/// The Usage section's overview.
#[component]
pub fn UsageOverviewPage() -> impl IntoView {
    let data = Load::new(get_usage_overview);
    view! {
        <PageTitle text="Usage — StackTach".to_string()/>
        <h1>"Usage"</h1>
        <UsageNav current=UsageSection::Overview/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(d) => view! { <Overview d/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(d: UsageOverview) -> impl IntoView {
    d.services
        .into_iter()
        .map(|s| view! { <Progress s/> })
        .collect_view()
}

#[component]
fn Progress(s: ServiceProgress) -> impl IntoView {
    let service = s.service;
    let heading = format!("{} exists: verifier progress", service.label());
    let older = s.older_periods.then(|| {
        view! { <p class="hint">"Older audit periods are not listed; the first row counts them too."</p> }
    });
    let rows = std::iter::once(s.all)
        .chain(s.periods)
        .map(|row| view! { <PeriodRow service row/> })
        .collect_view();
    let label = format!("{} verifier progress", service.label());
    view! {
        <h2>{heading}</h2>
        <table class="grid progress" aria-label=label>
            <thead><tr>
                <th scope="col">"Audit period"</th><th scope="col" class="num">"Total"</th>
                {EXISTS_STATUSES.into_iter().map(|st| view! { <th scope="col" class="num">{st}</th> }).collect_view()}
                {SendClass::ALL.into_iter().map(|c| view! { <th scope="col" class="num send">{c.label()}</th> }).collect_view()}
                <th scope="col" class="num">"Done"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {older}
    }
}

#[component]
fn PeriodRow(service: crate::model::UsageService, row: ProgressRow) -> impl IntoView {
    let all = row.beginning.is_none() && row.ending.is_none();
    let period_ending = row.ending.map(|e| e.0);
    let period = if all {
        view! { <th scope="row">"All periods"</th> }.into_any()
    } else {
        let span = row
            .beginning
            .zip(row.ending)
            .map(|(b, e)| view! { <When at=b/>" – "<When at=e/> });
        view! { <th scope="row">{span}</th> }.into_any()
    };
    let list = move |status: &str| {
        routes::usage_list(&UsageQuery {
            status: status.to_string(),
            period_ending,
            ..UsageQuery::new(service, UsageTable::Exists)
        })
    };
    let statuses = EXISTS_STATUSES
        .into_iter()
        .zip(row.by_status.clone())
        .map(|(st, n)| {
            let class = if n > 0 {
                format!("num status {st}")
            } else {
                "num zero".to_string()
            };
            let cell = (n > 0).then(|| view! { <a href=list(st)>{n}</a> });
            view! { <td class=class>{cell}{(n == 0).then_some("0")}</td> }
        })
        .collect_view();
    let sends = row
        .by_send
        .iter()
        .map(|n| view! { <td class="num send">{*n}</td> })
        .collect_view();
    let done = format!("{:.1} %", row.done_percent());
    view! {
        <tr>
            {period}
            <td class="num"><a href=list("")>{row.total}</a></td>
            {statuses}
            {sends}
            <td class="num">{done}</td>
        </tr>
    }
}
