//! The components that show times and durations.

use leptos::prelude::*;

use crate::model::{format_duration, format_micros, Micros};

/// A UTC timestamp as a `<time>` element.
#[component]
pub fn When(at: Micros) -> impl IntoView {
    let text = format_micros(at);
    let machine = format!("{}Z", text.replace(' ', "T"));
    view! { <time datetime=machine>{text}</time> }
}

/// An optional timestamp; nothing when absent.
#[component]
pub fn MaybeWhen(at: Option<Micros>) -> impl IntoView {
    at.map(|at| view! { <When at/> })
}

/// A duration in microseconds, e.g. `4m 05s`.
#[component]
pub fn Dur(us: i64) -> impl IntoView {
    view! { <span class="dur">{format_duration(us)}</span> }
}
