//! The deployments table of the home page.

use leptos::prelude::*;

use crate::components::When;
use crate::model::{ConsumerStatus, DeploymentSummary};
use crate::routes;

/// Every configured deployment with its consumers' state, plus "All".
#[component]
pub fn DeploymentsTable(deployments: Vec<DeploymentSummary>) -> impl IntoView {
    let total: i64 = deployments.iter().map(|d| d.events).sum();
    let empty = deployments.is_empty();
    view! {
        <table class="grid deployments" aria-label="Deployments">
            <thead>
                <tr>
                    <th scope="col">"Deployment"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Consumers"</th>
                    <th scope="col" class="num">"Events"</th>
                    <th scope="col">"Last event"</th>
                </tr>
            </thead>
            <tbody>
                <tr class="all">
                    <td><a href=routes::live(None)>"All"</a></td>
                    <td></td>
                    <td></td>
                    <td class="num">{total}</td>
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
    view! {
        <tr>
            <td><a href=routes::live(Some(d.id))>{d.name.clone()}</a></td>
            <td class=format!("state {}", state.label())>{state.label()}</td>
            <td>{d.consumers.into_iter().map(|c| view! { <ConsumerCell c/> }).collect_view()}</td>
            <td class="num">{d.events}</td>
            <td>{d.last_event.map(|at| view! { <When at/> })}</td>
        </tr>
    }
}

#[component]
fn ConsumerCell(c: ConsumerStatus) -> impl IntoView {
    let title = c.last_error.clone().unwrap_or_default();
    view! {
        <span class=format!("consumer {}", c.state.label()) title=title>
            {format!("{}: {} ({} stored)", c.exchange, c.state.label(), c.stored)}
        </span>
    }
}
