//! `/`: deployments with their consumers, the Commands box, and the live feed of all of them.

use leptos::prelude::*;

use super::load::Load;
use crate::api::{get_feed, get_home, FEED_PAGE};
use crate::components::{DemoBanner, DeploymentsTable, ErrorBox, FeedTable, LiveFeed, SearchForm};
use crate::model::EventFilter;
use crate::routes::FeedOrder;

/// The landing page operators keep open.
#[component]
pub fn HomePage() -> impl IntoView {
    let home = Load::new(get_home);
    let feed = Load::new(|| get_feed(EventFilter::default(), FEED_PAGE));
    view! {
        <h1>"StackTach"</h1>
        <Suspense fallback=|| view! { <p>"Loading deployments…"</p> }>
            {move || Suspend::new(async move {
                match home.get().await {
                    Ok(data) => view! {
                        <DemoBanner demo=data.demo unroutable=data.demo_unroutable/>
                        <DeploymentsTable deployments=data.deployments/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <h2>"Commands"</h2>
        <SearchForm query=None/>
        <h2>"Recent activity — All"</h2>
        <Suspense fallback=|| view! { <p>"Loading the live feed…"</p> }>
            {move || Suspend::new(async move {
                match feed.get().await {
                    Ok(Some(data)) => view! {
                        <LiveFeed>
                            <FeedTable rows=data.rows filter=data.filter cursor=data.cursor
                                order=FeedOrder::NewestFirst max_rows=FEED_PAGE/>
                        </LiveFeed>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
