//! `/timings?window=1h|24h|7d`: per-operation duration statistics (count, min, average,
//! percentiles, max) with a histogram each, and the slowest requests of the last day.

use leptos::prelude::*;

use super::load::Load;
use super::query::{get, query_pairs};
use crate::api::get_timings;
use crate::components::{Dur, ErrorBox, Histogram, KpiTable, PageTitle, When};
use crate::model::{OpStats, TimingsData, Window};
use crate::routes;

/// The timings page.
#[component]
pub fn TimingsPage() -> impl IntoView {
    let window = get(&query_pairs(), "window")
        .and_then(Window::parse)
        .unwrap_or(Window::Day);
    let data = Load::new(move || get_timings(window));
    let choices = Window::CHOICES
        .into_iter()
        .map(|w| {
            let current = (w == window).then_some("page");
            view! { <a href=routes::timings(w) aria-current=current>{w.param()}</a> }
        })
        .collect_view();
    view! {
        <PageTitle text="Timings — StackTach".to_string()/>
        <h1>"Timings"</h1>
        <nav class="choices" aria-label="Time window">"Operations that ended in the last " {choices}</nav>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(d) => view! { <Timings d/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Timings(d: TimingsData) -> impl IntoView {
    let ops = if d.ops.is_empty() {
        view! { <p class="hint">"No operation ended in this window."</p> }.into_any()
    } else {
        view! {
            <table class="grid timings" aria-label="Operations">
                <thead><tr>
                    <th scope="col">"Operation"</th><th scope="col" class="num">"Count"</th>
                    <th scope="col" class="num">"Min"</th><th scope="col" class="num">"Average"</th>
                    <th scope="col" class="num">"p50"</th><th scope="col" class="num">"p95"</th>
                    <th scope="col" class="num">"p99"</th><th scope="col" class="num">"Max"</th>
                    <th scope="col">"Histogram (0.1 s … ≥1 h)"</th>
                </tr></thead>
                <tbody>{d.ops.into_iter().map(|op| view! { <OpRow op/> }).collect_view()}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <p class="hint">
            "Ended since " <When at=d.since/> " (whole hours: the statistics are kept per hour). "
            "Count, min, average and max are exact; a percentile is within its duration bucket, "
            "about 12 %."
        </p>
        {ops}
        <h2>"Slowest requests of the last day"</h2>
        <KpiTable kpis=d.slowest label="Slowest requests"/>
    }
}

#[component]
fn OpRow(op: OpStats) -> impl IntoView {
    let label = format!("Durations of {}", op.name);
    view! {
        <tr>
            <td class="ev">{op.name}</td>
            <td class="num">{op.count}</td>
            <td class="num"><Dur us=op.min/></td>
            <td class="num"><Dur us=op.avg/></td>
            <td class="num"><Dur us=op.p50/></td>
            <td class="num"><Dur us=op.p95/></td>
            <td class="num"><Dur us=op.p99/></td>
            <td class="num"><Dur us=op.max/></td>
            <td><Histogram counts=op.histogram label/></td>
        </tr>
    }
}
