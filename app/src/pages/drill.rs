//! `/events?field=<field>&value=<v>&around=<id>[&deployment=<id>]`: v2's details view, "more
//! rows like this". Rows sharing the clicked cell's value (for `when`: within ±1 minute of the
//! clicked row), on both sides of the clicked row, which is highlighted and scrolled to.

use leptos::prelude::*;

use super::load::Load;
use super::query::{get, query_pairs};
use crate::api::get_drill;
use crate::components::{ErrorBox, EventTable, NotFound, PageTitle, When};
use crate::model::{Count, DrillData, Field, SearchQuery};
use crate::routes;

/// The drill-down page.
#[component]
pub fn DrillPage() -> impl IntoView {
    let pairs = query_pairs();
    let field = get(&pairs, "field").and_then(Field::parse);
    let around = get(&pairs, "around").and_then(|a| a.parse::<i64>().ok());
    let (Some(field), Some(around)) = (field, around) else {
        return view! {
            <h1>"More rows like this"</h1>
            <ErrorBox message="A drill-down needs a known field and the id of a row (around=)."
                .to_string()/>
        }
        .into_any();
    };
    let value = get(&pairs, "value").unwrap_or_default().to_string();
    let deployment = get(&pairs, "deployment").and_then(|d| d.parse().ok());
    let key = (field, value.clone(), around, deployment);
    let data = Load::new(move || {
        let (field, value, around, deployment) = key;
        get_drill(field, value, around, deployment)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let value = value.clone();
                Suspend::new(async move {
                    match data.get().await {
                        Ok(Some(d)) => view! { <Drill field value d/> }.into_any(),
                        Ok(None) => view! {
                            <h1>"More rows like this"</h1>
                            <NotFound message=format!("There is no event #{around}.")/>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Drill(field: Field, value: String, d: DrillData) -> impl IntoView {
    let anchor = d.anchor.id;
    let (heading, label) = if field == Field::When {
        (
            format!("Rows within ±1 minute of event #{anchor}"),
            format!("Events within one minute of event {anchor}"),
        )
    } else {
        (
            format!("Rows with {} = {value}", field.label()),
            format!("Events with {} = {value}", field.label()),
        )
    };
    let page_link = match field {
        Field::Host => Some((routes::host(&value), "Host page")),
        Field::Tenant => Some((routes::tenant(&value), "Tenant page")),
        Field::Request => Some((routes::request(&value), "Request page")),
        Field::Instance => Some((routes::instance(&value), "Instance page")),
        _ => None,
    };
    let search_all = (field != Field::When).then(|| {
        routes::search(&SearchQuery {
            field,
            value: value.clone(),
            deployment: None,
            updates: true,
            count: Count::All,
            before: None,
        })
    });
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <p class="summary">
            "Around event " <a href=routes::event(anchor)>{format!("#{anchor}")}</a> " at "
            <When at=d.anchor.when/> {format!(" — {} rows", d.rows.len())}
            {page_link.map(|(href, text)| view! { " · " <a href=href>{text}</a> })}
            {search_all.map(|href| view! { " · " <a href=href>"All rows like this"</a> })}
        </p>
        {d.more_newer.then(|| view! { <p class="hint">"Newer rows exist beyond these."</p> })}
        <EventTable rows=d.rows label highlight=anchor/>
        {d.more_older.then(|| view! { <p class="hint">"Older rows exist beyond these."</p> })}
    }
}
