//! The live feed's filter form: a plain GET form, so a filtered feed is a URL to share.

use leptos::prelude::*;

use crate::model::{EventFilter, TEXT_CRITERIA};
use crate::routes::FeedOrder;

/// Filter criteria, errors-only, order and row count; applied on the server.
#[component]
pub fn FeedForm(filter: EventFilter, order: FeedOrder, rows: u32) -> impl IntoView {
    let fields = TEXT_CRITERIA
        .into_iter()
        .map(|(key, label)| {
            let value = filter.text(key).unwrap_or_default().to_string();
            view! {
                <label>{label}<input type="text" name=key value=value size="14"/></label>
            }
        })
        .collect_view();
    view! {
        <form class="filters" method="get" action="/live" aria-label="Filter the live feed">
            {filter.deployment.map(|d| view! { <input type="hidden" name="deployment" value=d/> })}
            {fields}
            <label class="check">
                <input type="checkbox" name="errors" value="1" checked=filter.errors/>"Errors only"
            </label>
            <label>"Order"
                <select name="order">
                    <option value="newest" selected=order == FeedOrder::NewestFirst>"Newest first"</option>
                    <option value="oldest" selected=order == FeedOrder::OldestFirst>"Oldest first"</option>
                </select>
            </label>
            <label>"Rows"<input type="number" name="rows" min="1" max="10000" value=rows size="6"/></label>
            <button type="submit">"Apply"</button>
        </form>
    }
}
