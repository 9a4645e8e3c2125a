//! The deployments table of the home page.

use leptos::prelude::*;

use super::processes::liveness_text;
use super::when::When;
use crate::model::{ConsumerStatus, DeploymentSummary, EventFilter, Liveness};
use crate::routes::{self, FeedOrder};

/// Every configured deployment with its consumers' state and recent activity, plus "All".
#[component]
pub fn DeploymentsTable(deployments: Vec<DeploymentSummary>) -> impl IntoView {
    let per_minute: u64 = deployments.iter().map(|d| d.per_minute).sum();
    let errors: u64 = deployments.iter().map(|d| d.errors_hour).sum();
    let errors_all = routes::live(
        &EventFilter {
            errors: true,
            ..EventFilter::default()
        },
        FeedOrder::NewestFirst,
        None,
    );
    let empty = deployments.is_empty();
    view! {
        <table class="grid deployments" aria-label="Deployments">
            <thead>
                <tr>
                    <th scope="col">"Deployment"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Consumers"</th>
                    <th scope="col" class="num">"Events/min"</th>
                    <th scope="col" class="num">"Errors (1 h)"</th>
                    <th scope="col">"Last event"</th>
                </tr>
            </thead>
            <tbody>
                <tr class="all">
                    <td><a href=routes::live_of(None)>"All"</a></td>
                    <td></td>
                    <td></td>
                    <td class="num">{per_minute}</td>
                    <td class="num"><a href=errors_all>{errors}</a></td>
                    <td></td>
                </tr>
                {deployments.into_iter().map(|d| view! { <DeploymentRow d/> }).collect_view()}
            </tbody>
        </table>
        {empty.then(|| view! {
            <p class="hint">"No deployments defined. Is the deployments file configured?"</p>
        })}
    }
}

#[component]
fn DeploymentRow(d: DeploymentSummary) -> impl IntoView {
    let state = d.state();
    let errors_href = routes::live(
        &EventFilter {
            deployment: Some(d.id),
            errors: true,
            ..EventFilter::default()
        },
        FeedOrder::NewestFirst,
        None,
    );
    let error_class = if d.errors_hour > 0 {
        "num errors"
    } else {
        "num"
    };
    view! {
        <tr>
            <td><a href=routes::live_of(Some(d.id))>{d.name.clone()}</a></td>
            <td class=format!("state {}", state.label())>{state.label()}</td>
            <td>{d.consumers.into_iter().filter(shown).map(|c| view! { <ConsumerCell c/> }).collect_view()}</td>
            <td class="num">{d.per_minute}</td>
            <td class=error_class><a href=errors_href>{d.errors_hour}</a></td>
            <td>{d.last_event.map(|(id, at)| view! { <a href=routes::event(id)><When at/></a> })}</td>
        </tr>
    }
}

/// Whether the home page lists a consumer: not one of a process that exited cleanly (the
/// status page lists those for a day; here they would only crowd out the running ones).
fn shown(c: &ConsumerStatus) -> bool {
    c.process
        .as_ref()
        .is_none_or(|p| p.liveness != Liveness::Exited)
}

/// One consumer: its exchange, state and count; its process, host and last error on hover.
/// A consumer whose process went silent says so instead of its state.
#[component]
fn ConsumerCell(c: ConsumerStatus) -> impl IntoView {
    let (class, state) = match c.process.as_ref().map(|p| p.liveness) {
        Some(lost @ Liveness::HeartbeatLost { .. }) => ("lost", liveness_text(lost)),
        _ => (c.state.label(), c.state.label().to_owned()),
    };
    let on = c
        .process
        .as_ref()
        .map(|p| format!("{} (pid {})", p.host, p.pid));
    let title = [on, c.last_error.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    view! {
        <span class=format!("consumer {class}") title=title>
            {format!("{}: {state} ({} stored)", c.exchange, c.stored)}
        </span>
    }
}
