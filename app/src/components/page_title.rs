//! The document title of a page, safe for untrusted text.
//!
//! `leptos_meta` 0.8 writes `<Title>` text into the server-rendered `<head>` without escaping
//! it, so a host name like `</title><img src=x onerror=…>` would break out of the title
//! element. Titles built from notification content go through [`PageTitle`], which escapes
//! them first. (Our pages are never hydrated, so the browser never sets the title itself.)

use leptos::prelude::*;
use leptos_meta::Title;

/// Escapes text for an HTML text context (`<title>` is RCDATA: entities are decoded, so the
/// tab shows the original text).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `<title>` for `text`, which may hold untrusted content.
#[component]
pub fn PageTitle(text: String) -> impl IntoView {
    view! { <Title text=escape_html(&text)/> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("Host </title><img src=x>&amp;"),
            "Host &lt;/title&gt;&lt;img src=x&gt;&amp;amp;"
        );
    }
}
