//! A notification's JSON body, pretty-printed, collapsible and copyable, always as plain text
//! (the body is untrusted).

use leptos::prelude::*;

use super::copyable::Copyable;

/// The stored body as a collapsible, copyable `<pre>`, pretty-printed when it is JSON.
#[component]
pub fn NotificationJson(json: String) -> impl IntoView {
    view! {
        <details class="json" open=true>
            <summary>"Notification JSON"</summary>
            <Copyable><pre aria-label="Notification JSON">{pretty_json(&json)}</pre></Copyable>
        </details>
    }
}

/// The JSON body pretty-printed; text that is not JSON (stored bodies always are, but they
/// are untrusted) is shown as stored.
pub fn pretty_json(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_prints_json_and_keeps_other_text() {
        assert_eq!(
            pretty_json(r#"{"a":[1,2]}"#),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
        assert_eq!(pretty_json("not json <x>"), "not json <x>");
    }
}
