//! The 404 page.

use leptos::prelude::*;

/// Shown for any unknown path, with a 404 status on the server-rendered response.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"Not found"</h1>
        <p>"There is no page at this address. " <a href="/">"Back to the deployments"</a></p>
    }
}
