//! `/usage/<nova|glance>/<launches|deletes|exists>?instance|uuid=&tenant|owner=&status=&period=
//! &before=`: one usage table, newest first, a page at a time (by id), filtered; and
//! `/usage/failed?service=&status=`: the failed exists with their reasons.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use super::query::{get, query_pairs};
use crate::api::get_usage_list;
use crate::components::{
    ErrorBox, NotFound, PageTitle, UsageFilters, UsageNav, UsageRecords, UsageSection,
};
use crate::model::{UsageQuery, UsageService, UsageTable, FAILED_STATUSES};
use crate::routes;

/// A usage table page.
#[component]
pub fn UsageListPage() -> impl IntoView {
    let (service, table) = use_params_map().with_untracked(|p| {
        let service = p.get("service").and_then(|s| UsageService::parse(&s));
        let table = p.get("table").and_then(|t| UsageTable::parse(&t));
        (service, table)
    });
    let (Some(service), Some(table)) = (service, table) else {
        return view! {
            <h1>"Usage"</h1>
            <UsageNav current=UsageSection::Other/>
            <NotFound message="There is no such usage table.".to_string()/>
        }
        .into_any();
    };
    let pairs = query_pairs();
    let parsed = UsageQuery::new(service, table).with_pairs(|k| get(&pairs, k));
    let title = table.label(service);
    let body = match parsed {
        Ok(query) => view! { <UsageFilters query=query.clone()/><Rows query/> }.into_any(),
        Err(message) => view! { <ErrorBox message/> }.into_any(),
    };
    view! {
        <PageTitle text=format!("{title} — StackTach")/>
        <h1>{title}</h1>
        <UsageNav current=UsageSection::Table(service, table)/>
        {body}
    }
    .into_any()
}

/// The failed exists of a service.
#[component]
pub fn UsageFailedPage() -> impl IntoView {
    let pairs = query_pairs();
    let service = get(&pairs, "service")
        .and_then(UsageService::parse)
        .unwrap_or(UsageService::Nova);
    let status = get(&pairs, "status")
        .filter(|s| FAILED_STATUSES.contains(s))
        .unwrap_or_default()
        .to_string();
    let query = UsageQuery {
        status: status.clone(),
        failed_only: true,
        before: get(&pairs, "before").and_then(|b| b.parse().ok()),
        ..UsageQuery::new(service, UsageTable::Exists)
    };
    let choice = move |href: String, text: &'static str, here: bool| {
        view! { <a href=href aria-current=here.then_some("page")>{text}</a> }
    };
    let services = UsageService::ALL
        .into_iter()
        .map(|s| {
            choice(
                routes::usage_failed(s, &status, None),
                s.label(),
                s == service,
            )
        })
        .collect_view();
    let statuses = [("", "both")]
        .into_iter()
        .chain(FAILED_STATUSES.map(|s| (s, s)))
        .map(|(s, text)| choice(routes::usage_failed(service, s, None), text, s == status))
        .collect_view();
    view! {
        <PageTitle text="Failed exists — StackTach".to_string()/>
        <h1>{format!("Failed {} exists", service.label())}</h1>
        <UsageNav current=UsageSection::Failed/>
        <nav class="choices" aria-label="Service">"Service:" {services}</nav>
        <nav class="choices" aria-label="Failed status">"Status:" {statuses}</nav>
        <Rows query/>
    }
}

/// One page of rows of `query`, with the link to the next page.
#[component]
fn Rows(query: UsageQuery) -> impl IntoView {
    let source = query.clone();
    let page = Load::new(move || get_usage_list(source));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match page.get().await {
                        Ok(data) => rows_view(query, data).into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn rows_view(query: UsageQuery, data: crate::model::UsagePage) -> impl IntoView {
    let next = data.next_before.map(|before| {
        let href = if query.failed_only {
            routes::usage_failed(query.service, &query.status, Some(before))
        } else {
            routes::usage_list(&UsageQuery {
                before: Some(before),
                ..query.clone()
            })
        };
        view! { <a class="pager" href=href rel="next">"Older rows →"</a> }
    });
    let summary = format!("{} rows", data.rows.len());
    let label = if query.failed_only {
        format!("Failed {} exists", query.service.label())
    } else {
        query.table.label(query.service).to_string()
    };
    view! {
        <p class="summary" role="status">{summary}</p>
        <UsageRecords service=query.service table=query.table rows=data.rows label empty="No rows."/>
        {next}
    }
}
