//! `/live[?deployment=<id>]`: the live feed of one deployment or all.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::get_feed;
use crate::components::{ErrorBox, LiveFeed};

/// A full-page live feed; the URL is shareable.
#[component]
pub fn LivePage() -> impl IntoView {
    let query = use_query_map();
    let deployment = move || {
        query
            .read()
            .get("deployment")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let feed = Resource::new(deployment, get_feed);
    view! {
        <Suspense fallback=|| view! { <p>"Loading the live feed…"</p> }>
            {move || Suspend::new(async move {
                match feed.await {
                    Ok(data) => view! {
                        <h1>{format!("Live feed — {}", data.title)}</h1>
                        <LiveFeed initial=data.rows deployment=data.deployment/>
                    }.into_any(),
                    Err(e) => view! {
                        <h1>"Live feed"</h1>
                        <ErrorBox message=e.to_string()/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
