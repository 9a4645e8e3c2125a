//! `/status/quarantine/<id>`: one quarantined message's stored bytes, as text (invalid UTF-8
//! replaced) and as a hex dump. Both are plain text, never markup.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::load::Load;
use crate::api::get_quarantined;
use crate::components::{ErrorBox, Facts, NotFound, PageTitle};
use crate::model::{format_micros, QuarantineDetail};

/// The quarantined-message page.
#[component]
pub fn QuarantinePage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <NotFound message="Quarantine ids are numbers.".to_string()/> }.into_any();
    };
    let data = Load::new(move || get_quarantined(id));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(Some(d)) => view! { <Quarantined d/> }.into_any(),
                    Ok(None) => view! {
                        <h1>{format!("Quarantined message #{id}")}</h1>
                        <NotFound message=format!("There is no quarantined message #{id}.")/>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Quarantined(d: QuarantineDetail) -> impl IntoView {
    let heading = format!("Quarantined message #{}", d.row.id);
    let facts = vec![
        ("deployment".to_string(), d.row.deployment),
        ("exchange".to_string(), d.row.exchange),
        ("routing_key".to_string(), d.row.routing_key),
        ("received".to_string(), format_micros(d.row.received)),
        ("bytes".to_string(), d.row.size.to_string()),
        ("error".to_string(), d.row.error),
    ];
    let truncated = d.hex_truncated.then(|| {
        format!(
            "The hex dump shows the first {} bytes.",
            QuarantineDetail::HEX_LIMIT
        )
    });
    view! {
        <PageTitle text=heading.clone()/>
        <h1>{heading}</h1>
        <Facts rows=facts label="Message".to_string()/>
        <details open=true>
            <summary>"As text (UTF-8, invalid bytes shown as �)"</summary>
            <pre aria-label="Body as text">{d.text}</pre>
        </details>
        <details open=true>
            <summary>"As bytes (hex)"</summary>
            {truncated.map(|t| view! { <p class="hint">{t}</p> })}
            <pre aria-label="Body as hex">{d.hex}</pre>
        </details>
    }
}
