//! Notices at the top of a page.

use leptos::prelude::*;

use crate::model::DemoMode;

/// Says that the data is generated, and how it reaches the store.
#[component]
pub fn DemoBanner(demo: Option<DemoMode>) -> impl IntoView {
    demo.map(|mode| {
        let text = match mode {
            DemoMode::Broker => {
                "Demo mode: simulated Nova notifications are being published to the configured \
                 RabbitMQ and ingested by the consumers."
            }
            DemoMode::Direct => {
                "Demo mode: no RabbitMQ broker is reachable, so simulated Nova notifications are \
                 fed straight into the ingest pipeline."
            }
        };
        view! { <p class="banner demo" role="note">{text}</p> }
    })
}

/// A failed data load, as text.
#[component]
pub fn ErrorBox(message: String) -> impl IntoView {
    view! { <p class="banner error" role="alert">{message}</p> }
}

/// "No such thing" inside a page, with a 404 status on the server-rendered response.
#[component]
pub fn NotFound(message: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <p class="banner error" role="alert">{message}</p> }
}
