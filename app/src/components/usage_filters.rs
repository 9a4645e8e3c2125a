//! The usage tables' filter form (a GET form: a filtered table is a URL) and the section's
//! navigation.

use leptos::prelude::*;

use crate::model::{UsageQuery, UsageService, UsageTable, EXISTS_STATUSES};
use crate::routes;

/// Filters of a usage table: instance or image, tenant or owner (where the table has one),
/// status (exists), and the audit period being looked at, kept.
#[component]
pub fn UsageFilters(query: UsageQuery) -> impl IntoView {
    let service = query.service;
    let action = routes::usage_table(service, query.table);
    let (subject_name, owner_name) = match service {
        UsageService::Nova => ("instance", "tenant"),
        UsageService::Glance => ("uuid", "owner"),
    };
    let owner = query.table.has_owner().then(|| {
        view! {
            <label>{service.owner()}
                <input type="text" name=owner_name value=query.owner.clone() size="34"/>
            </label>
        }
    });
    let status = (query.table == UsageTable::Exists).then(|| {
        let current = query.status.clone();
        view! {
            <label>"Status"
                <select name="status">
                    <option value="" selected=current.is_empty()>"any"</option>
                    {EXISTS_STATUSES.into_iter().map(|s| view! {
                        <option value=s selected=current == s>{s}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    });
    let period = query
        .period_ending
        .map(|p| view! { <input type="hidden" name="period" value=p/> });
    let label = format!("Filter {}", query.table.label(service));
    let clear = action.clone();
    view! {
        <form class="filters" method="get" action=action role="search" aria-label=label>
            <label>{service.subject()}
                <input type="text" name=subject_name value=query.subject size="38"/>
            </label>
            {owner}
            {status}
            {period}
            <button type="submit">"Filter"</button>
            <a href=clear>"Clear"</a>
        </form>
    }
}

/// Which page of the Usage section is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageSection {
    Overview,
    Failed,
    Table(UsageService, UsageTable),
    /// A page that is none of the above (an image).
    Other,
}

/// The Usage section's links: overview, failed exists, and the six tables.
#[component]
pub fn UsageNav(current: UsageSection) -> impl IntoView {
    let item = move |href: String, text: &'static str, here: bool| {
        let aria = here.then_some("page");
        view! { <a href=href aria-current=aria>{text}</a> }
    };
    let tables = UsageService::ALL
        .into_iter()
        .flat_map(|s| UsageTable::ALL.into_iter().map(move |t| (s, t)))
        .map(|(s, t)| {
            item(
                routes::usage_table(s, t),
                t.label(s),
                current == UsageSection::Table(s, t),
            )
        })
        .collect_view();
    view! {
        <nav class="choices usage-nav" aria-label="Usage section">
            {item(routes::usage(), "Overview", current == UsageSection::Overview)}
            {item(routes::usage_failed(UsageService::Nova, "", None), "Failed exists", current == UsageSection::Failed)}
            {tables}
        </nav>
    }
}
