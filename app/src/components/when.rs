//! The one component that shows a timestamp.

use leptos::prelude::*;

use crate::model::{format_micros, Micros};

/// A UTC timestamp as a `<time>` element.
#[component]
pub fn When(at: Micros) -> impl IntoView {
    let text = format_micros(at);
    let machine = format!("{}Z", text.replace(' ', "T"));
    view! { <time datetime=machine>{text}</time> }
}
