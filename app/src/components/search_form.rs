//! v2's Commands box: field, value, include updates, count. A GET form: results are a URL.

use leptos::prelude::*;

use crate::model::{Count, Field, SearchQuery};

/// The search form, filled in with `query` (or v2's defaults).
#[component]
pub fn SearchForm(query: Option<SearchQuery>) -> impl IntoView {
    let field = query.as_ref().map_or(Field::Instance, |q| q.field);
    let value = query.as_ref().map(|q| q.value.clone()).unwrap_or_default();
    let updates = query.as_ref().is_none_or(|q| q.updates);
    let count = query.as_ref().map_or(Count::N25, |q| q.count);
    let deployment = query.as_ref().and_then(|q| q.deployment);
    view! {
        <form class="commands" method="get" action="/search" role="search" aria-label="Search events">
            <label>"Field"
                <select name="field">
                    {Field::SEARCHABLE.into_iter().map(|f| view! {
                        <option value=f.param() selected=f == field>{f.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Value"<input type="text" name="value" value=value size="40" required=true/></label>
            <label class="check">
                <input type="checkbox" name="updates" value="1" checked=updates/>"Include updates"
            </label>
            <label>"Count"
                <select name="count">
                    {Count::CHOICES.into_iter().map(|c| view! {
                        <option value=c.param() selected=c == count>
                            {if c == Count::All { "All" } else { c.param() }}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            {deployment.map(|d| view! { <input type="hidden" name="deployment" value=d/> })}
            <button type="submit">"Search"</button>
        </form>
    }
}
