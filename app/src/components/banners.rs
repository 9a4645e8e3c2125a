//! Notices at the top of a page.

use leptos::prelude::*;

use crate::model::{DemoMode, DemoUnroutable};

/// Says that the data is generated, how it reaches the store, and how many simulated
/// notifications the broker could not route (so were never stored), with the newest one's
/// exchange and routing key.
#[component]
pub fn DemoBanner(demo: Option<DemoMode>, unroutable: Option<DemoUnroutable>) -> impl IntoView {
    let unroutable = unroutable.map(|u| {
        let text = format!(
            "{} simulated notification(s) matched no queue and were lost: nothing on the broker \
             binds routing key {:?} to exchange {:?} (newest). Check the deployments file's \
             topics against the broker's bindings.",
            u.count, u.routing_key, u.exchange
        );
        view! { <p class="banner error" role="alert">{text}</p> }
    });
    let mode = demo.map(|mode| {
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
    });
    view! { {mode} {unroutable} }
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
