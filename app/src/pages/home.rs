//! `/`: deployments with their consumers, and the live feed of all of them.

use leptos::prelude::*;

use crate::api::{get_feed, get_home};
use crate::components::{DemoBanner, DeploymentsTable, ErrorBox, LiveFeed};

/// The landing page operators keep open.
#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    let feed = Resource::new(|| (), |_| get_feed(None));
    view! {
        <h1>"StackTach"</h1>
        <Suspense fallback=|| view! { <p>"Loading deployments…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(data) => view! {
                        <DemoBanner demo=data.demo/>
                        <DeploymentsTable deployments=data.deployments/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p>"Loading the live feed…"</p> }>
            {move || Suspend::new(async move {
                match feed.await {
                    Ok(data) => view! { <LiveFeed initial=data.rows deployment=None/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
