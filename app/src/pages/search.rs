//! `/search?field=&value=&updates=1&count=25|100|250|all[&deployment=][&before=<id>]`: v2's
//! Commands box with its results at a real URL. "All" pages through every match, a page at a
//! time, by id cursor.

use leptos::prelude::*;

use super::load::Load;
use super::query::{get, query_pairs};
use crate::api::run_search;
use crate::components::{ErrorBox, EventTable, PageTitle, SearchForm};
use crate::model::{Count, Field, SearchQuery};
use crate::routes;

/// The search a URL describes; `None` for the empty form. An unknown field or count is
/// `Err` with a message (never a SQL identifier).
fn parse(pairs: &[(String, String)]) -> Option<Result<SearchQuery, String>> {
    let value = get(pairs, "value")?.trim().to_string();
    let name = get(pairs, "field").unwrap_or("instance");
    let Some(field) = Field::parse(name).filter(|f| *f != Field::When) else {
        return Some(Err(format!(
            "There is no searchable field called {name:?}."
        )));
    };
    let count = match get(pairs, "count").map(Count::parse) {
        None => Count::N25,
        Some(Some(c)) => c,
        Some(None) => return Some(Err("Count must be 25, 100, 250 or all.".into())),
    };
    Some(Ok(SearchQuery {
        field,
        value,
        deployment: get(pairs, "deployment").and_then(|d| d.parse().ok()),
        updates: get(pairs, "updates").is_some(),
        count,
        before: get(pairs, "before").and_then(|b| b.parse().ok()),
    }))
}

/// The search form and, once submitted, one page of results.
#[component]
pub fn SearchPage() -> impl IntoView {
    let parsed = parse(&query_pairs());
    let form_query = parsed.clone().and_then(Result::ok);
    let results = match parsed {
        None => None,
        Some(Err(message)) => Some(view! { <ErrorBox message/> }.into_any()),
        Some(Ok(query)) => Some(view! { <Results query/> }.into_any()),
    };
    view! {
        <PageTitle text="Search — StackTach".to_string()/>
        <h1>"Search"</h1>
        <SearchForm query=form_query/>
        {results}
    }
}

#[component]
fn Results(query: SearchQuery) -> impl IntoView {
    let source = query.clone();
    let page = Load::new(move || run_search(source));
    view! {
        <Suspense fallback=|| view! { <p>"Searching…"</p> }>
            {move || {
                let query = query.clone();
                Suspend::new(async move { match page.get().await {
                    Ok(data) => {
                        let label = format!("Events with {} = {}", query.field.label(), query.value);
                        let next = data.next_before.map(|before| {
                            let href = routes::search(&SearchQuery { before: Some(before), ..query.clone() });
                            view! { <a class="pager" href=href rel="next">"Older rows →"</a> }
                        });
                        let summary = format!("{} rows", data.rows.len());
                        view! {
                            <p class="summary" role="status">{summary}</p>
                            <EventTable rows=data.rows label empty="No results."/>
                            {next}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }})
            }}
        </Suspense>
    }
}
