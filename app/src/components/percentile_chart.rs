//! The KPI summary's chart: per operation, bars for the minimum, median, percentile and
//! maximum duration, as inline SVG drawn on the server (sizes are attributes, not styles: CSP).

use leptos::prelude::*;

use crate::model::{format_duration, KpiChart, OpPercentiles};

const LABEL_W: f64 = 230.0;
const PLOT_W: f64 = 520.0;
const VALUE_W: f64 = 90.0;
const BAR_H: f64 = 5.0;
const GROUP_GAP: f64 = 8.0;

fn seconds_text(s: f64) -> String {
    format_duration((s * 1_000_000.0).round() as i64)
}

/// Characters of an operation's label that fit left of the bars; longer ones are cut (the
/// label's tooltip has it whole).
const LABEL_CHARS: usize = 36;

fn short(label: &str) -> String {
    if label.chars().count() > LABEL_CHARS {
        let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        label.to_string()
    }
}

/// The bars of one operation at `y`, scaled so that `max` fills the plot.
fn op_bars(op: OpPercentiles, y: f64, max: f64, pct_label: &str) -> impl IntoView {
    let bars = [
        ("min", "Min", Some(op.min)),
        ("median", "Median", op.median),
        ("pct", pct_label, op.percentile),
        ("max", "Max", Some(op.max)),
    ];
    let label = op.label.clone();
    let rects = bars
        .into_iter()
        .enumerate()
        .filter_map(|(i, (class, name, v))| v.map(|v| (i, class, name.to_string(), v)))
        .map(|(i, class, name, v)| {
            let w = if v > 0.0 { (v / max * PLOT_W).max(1.0) } else { 0.0 };
            let title = format!("{}: {name} {}", op.label, seconds_text(v));
            view! {
                <rect class=format!("bar {class}") x=LABEL_W y=y + i as f64 * BAR_H width=w height=BAR_H - 1.0>
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <g class="op">
            <title>{label.clone()}</title>
            <text class="op" x=LABEL_W - 6.0 y=y + 2.0 * BAR_H + 3.0 text-anchor="end">{short(&label)}</text>
        </g>
        {rects}
        <text class="value" x=LABEL_W + PLOT_W + 6.0 y=y + 4.0 * BAR_H>{seconds_text(op.max)}</text>
    }
}

/// Min, median, percentile and max per operation of a KPI summary report.
#[component]
pub fn PercentileChart(chart: KpiChart) -> impl IntoView {
    if chart.ops.is_empty() {
        return view! { <p class="hint">"No operations to chart."</p> }.into_any();
    }
    let max = chart
        .ops
        .iter()
        .map(|o| o.max)
        .fold(0.0_f64, f64::max)
        .max(1e-6);
    let group = 4.0 * BAR_H + GROUP_GAP;
    let height = chart.ops.len() as f64 * group + GROUP_GAP;
    let width = LABEL_W + PLOT_W + VALUE_W;
    let pct = chart.percentile_label.clone();
    let groups = chart
        .ops
        .into_iter()
        .enumerate()
        .map(|(i, op)| op_bars(op, GROUP_GAP + i as f64 * group, max, &pct))
        .collect_view();
    let label = format!("Durations per operation: min, median, {pct} and max");
    view! {
        <figure class="percentiles">
            <svg class="percentiles" role="img" aria-label=label width=width height=height
                viewBox=format!("0 0 {width} {height}")>
                <line class="axis" x1=LABEL_W y1="0" x2=LABEL_W y2=height/>
                {groups}
            </svg>
            <figcaption>
                <span class="key min">"min"</span>" "<span class="key median">"median"</span>" "
                <span class="key pct">{pct}</span>" "<span class="key max">"max"</span>
                {format!(" · scale 0 – {}", seconds_text(max))}
            </figcaption>
        </figure>
    }
    .into_any()
}
