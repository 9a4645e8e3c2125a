//! `/live?deployment=&event=&service=&host=&tenant=&instance=&request=&errors=1&order=oldest&rows=N`:
//! a filtered live feed. The filter is applied on the server, to the first page and to the
//! websocket stream alike. `rows` is how many rows the table keeps (and loads at first).

use leptos::prelude::*;

use super::load::Load;
use super::query::{get, query_pairs};
use crate::api::{get_feed, FEED_PAGE, MAX_FEED_ROWS};
use crate::components::{ErrorBox, FeedForm, FeedTable, LiveFeed, NotFound, PageTitle};
use crate::model::EventFilter;
use crate::routes::FeedOrder;

/// A full-page live feed; the URL (filter included) is shareable.
#[component]
pub fn LivePage() -> impl IntoView {
    let pairs = query_pairs();
    let filter = EventFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let order = FeedOrder::parse(get(&pairs, "order"));
    let rows = get(&pairs, "rows")
        .and_then(|r| r.parse::<u32>().ok())
        .unwrap_or(FEED_PAGE)
        .clamp(1, MAX_FEED_ROWS);
    let feed = Load::new(move || get_feed(filter.clone(), rows));
    view! {
        <Suspense fallback=|| view! { <p>"Loading the live feed…"</p> }>
            {move || Suspend::new(async move {
                match feed.get().await {
                    Ok(Some(data)) => {
                        let heading = format!("Live feed — {}", data.title);
                        view! {
                            <PageTitle text=heading.clone()/>
                            <h1>{heading}</h1>
                            <FeedForm filter=data.filter.clone() order rows/>
                            <LiveFeed>
                                <FeedTable rows=data.rows filter=data.filter cursor=data.cursor
                                    order max_rows=rows/>
                            </LiveFeed>
                        }.into_any()
                    }
                    Ok(None) => view! {
                        <h1>"Live feed"</h1>
                        <NotFound message="There is no such deployment.".to_string()/>
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
