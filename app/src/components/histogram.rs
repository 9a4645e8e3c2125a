//! An inline SVG histogram of durations (bucket counts), drawn on the server.

use leptos::prelude::*;

use crate::model::BUCKET_LABELS;

const BAR: u64 = 10;
const GAP: u64 = 2;
const HEIGHT: u64 = 28;

/// Bars for `counts` (one per [`BUCKET_LABELS`] bucket), scaled to the largest; each bar has a
/// tooltip with its bucket and count. Sizes are attributes, not inline styles (CSP).
#[component]
pub fn Histogram(counts: Vec<u64>, label: String) -> impl IntoView {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let width = counts.len() as u64 * (BAR + GAP);
    let bars = counts
        .into_iter()
        .zip(BUCKET_LABELS)
        .enumerate()
        .map(|(i, (n, bucket))| {
            // At least 1 px for a non-empty bucket, so rare slow runs stay visible.
            let h = if n == 0 { 0 } else { (n * HEIGHT).div_ceil(max).max(1) };
            let x = i as u64 * (BAR + GAP);
            view! {
                <rect x=x y=HEIGHT - h width=BAR height=h class=if n == 0 { "empty" } else { "bar" }>
                    <title>{format!("{bucket}: {n}")}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <svg class="histogram" role="img" aria-label=label width=width height=HEIGHT + 1
            viewBox=format!("0 0 {width} {}", HEIGHT + 1)>
            <line x1="0" y1=HEIGHT x2=width y2=HEIGHT class="axis"/>
            {bars}
        </svg>
    }
}
