//! `/images/<uuid>`: an image's glance usages, deletes and exists (the newest of each), the
//! drill-down target of every image cell.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_usage_list;
use crate::components::{ErrorBox, PageTitle, UsageNav, UsageRecords, UsageSection};
use crate::model::{UsageQuery, UsageService, UsageTable};
use crate::routes;

/// The image page.
#[component]
pub fn ImagePage() -> impl IntoView {
    let uuid = use_params_map().with_untracked(|p| p.get("uuid").unwrap_or_default());
    let heading = format!("Image {uuid}");
    let sections = UsageTable::ALL
        .into_iter()
        .map(|table| {
            let query = UsageQuery {
                subject: uuid.clone(),
                ..UsageQuery::new(UsageService::Glance, table)
            };
            view! { <ImageTable query/> }
        })
        .collect_view();
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <UsageNav current=UsageSection::Other/>
        {sections}
    }
}

#[component]
fn ImageTable(query: UsageQuery) -> impl IntoView {
    let title = query.table.label(UsageService::Glance);
    let all = routes::usage_list(&query);
    let source = query.clone();
    let page = Load::new(move || get_usage_list(source));
    view! {
        <h2>{title}</h2>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let all = all.clone();
                Suspend::new(async move {
                    match page.get().await {
                        Ok(data) => {
                            let more = data.next_before.map(|_| view! { <a class="pager" href=all>"All rows →"</a> });
                            view! {
                                <UsageRecords service=UsageService::Glance table=query.table rows=data.rows
                                    label=title.to_string() empty="None."/>
                                {more}
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
