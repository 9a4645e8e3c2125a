//! A stored report rendered from its [`ReportNode`] tree: tables with headers, key/value
//! tables, lists; every value is text (the JSON is untrusted).

use leptos::prelude::*;

use crate::model::{ReportNode, MAX_REPORT_ITEMS};

fn more(hidden: usize) -> Option<AnyView> {
    (hidden > 0).then(|| {
        let text = format!(
            "{hidden} more entries are not shown (only the first {MAX_REPORT_ITEMS}); the raw JSON has them."
        );
        view! { <p class="hint">{text}</p> }.into_any()
    })
}

/// One node; `label` names its tables for assistive technology (the key it sits under).
fn node_view(node: ReportNode, label: String) -> AnyView {
    match node {
        ReportNode::Text(t) => t.into_any(),
        ReportNode::Null => view! { <span class="null">"null"</span> }.into_any(),
        ReportNode::Table {
            headers,
            rows,
            hidden,
        } => {
            let body = rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| {
                    let cells = row
                        .into_iter()
                        .map(
                            |c| view! { <td>{node_view(c, format!("{label} row {}", i + 1))}</td> },
                        )
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
                .collect_view();
            view! {
                <table class="grid report" aria-label=label>
                    <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
                {more(hidden)}
            }
            .into_any()
        }
        ReportNode::Dict { entries, hidden } => {
            let rows = entries
                .into_iter()
                .map(|(k, v)| {
                    let child = node_view(v, k.clone());
                    view! { <tr><th scope="row">{k}</th><td>{child}</td></tr> }
                })
                .collect_view();
            view! {
                <table class="facts report" aria-label=label><tbody>{rows}</tbody></table>
                {more(hidden)}
            }
            .into_any()
        }
        ReportNode::List { items, hidden } => {
            let items = items
                .into_iter()
                .enumerate()
                .map(|(i, n)| view! { <li>{node_view(n, format!("{label} item {}", i + 1))}</li> })
                .collect_view();
            view! { <ol class="report">{items}</ol>{more(hidden)} }.into_any()
        }
    }
}

/// A report's tree under the accessible name `label`.
#[component]
pub fn ReportTree(node: ReportNode, label: String) -> impl IntoView {
    view! { <div class="report-body">{node_view(node, label)}</div> }
}
