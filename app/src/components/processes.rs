//! The status page's consumers (every process's, with the process and host each runs on) and
//! processes (running, exited, or silent: "heartbeat stopped 42 s ago").

use leptos::prelude::*;

use super::when::{MaybeWhen, When};
use crate::model::{format_duration, DeploymentSummary, Liveness, ProcessStatus};
use crate::routes;

/// What a process is doing, as the status page and the home page's consumers say it.
pub fn liveness_text(liveness: Liveness) -> String {
    match liveness {
        Liveness::Running => "running".to_owned(),
        Liveness::Exited => "exited".to_owned(),
        Liveness::HeartbeatLost { silent_us } => {
            let secs = silent_us.max(0) / 1_000_000;
            let ago = if secs < 120 {
                format!("{secs} s")
            } else {
                format_duration(secs * 1_000_000)
            };
            format!("heartbeat stopped {ago} ago")
        }
    }
}

/// The class of a liveness cell.
fn liveness_class(liveness: Liveness) -> &'static str {
    match liveness {
        Liveness::Running => "state running",
        Liveness::Exited => "state exited",
        Liveness::HeartbeatLost { .. } => "state lost",
    }
}

/// A process as one cell: its id's first 8 digits and its pid.
fn process_label(p: &ProcessStatus) -> String {
    let short: String = p.id.chars().take(8).collect();
    format!("{short} · pid {}", p.pid)
}

/// Every consumer of every deployment, one row per process and exchange.
#[component]
pub fn ConsumersTable(deployments: Vec<DeploymentSummary>) -> impl IntoView {
    let rows = deployments
        .into_iter()
        .flat_map(|d| {
            let name = d.name;
            d.consumers.into_iter().map(move |c| {
                let state = c.state.label();
                let process = c.process.as_ref().map(|p| {
                    let silent = (!p.running()).then(|| liveness_text(p.liveness));
                    (process_label(p), p.host.clone(), silent)
                });
                let (process, host, silent) = process.unwrap_or_default();
                view! {
                    <tr>
                        <td><a href=routes::live_of(Some(d.id))>{name.clone()}</a></td>
                        <td>{c.exchange}</td>
                        <td class="mono">{process}</td>
                        <td>{host}</td>
                        <td class=format!("state {state}") title=silent>{state}</td>
                        <td class="num">{c.stored}</td>
                        <td class="num">{c.quarantined}</td>
                        <td class="num">{c.last_minute}</td>
                        <td class="mono"><MaybeWhen at=c.last_message/></td>
                        <td class="num">{c.reconnects}</td>
                        <td class="wrap">{c.last_error}</td>
                    </tr>
                }
            })
        })
        .collect_view();
    view! {
        <table class="grid deployments" aria-label="Consumers">
            <thead><tr>
                <th scope="col">"Deployment"</th><th scope="col">"Exchange"</th>
                <th scope="col">"Process"</th><th scope="col">"Host"</th><th scope="col">"State"</th>
                <th scope="col" class="num">"Stored"</th><th scope="col" class="num">"Quarantined"</th>
                <th scope="col" class="num">"Last minute"</th><th scope="col">"Last message"</th>
                <th scope="col" class="num">"Reconnects"</th><th scope="col">"Last error"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Every process that beat within the day: the one that answered first.
#[component]
pub fn ProcessesTable(processes: Vec<ProcessStatus>) -> impl IntoView {
    if processes.is_empty() {
        return view! { <p class="hint">"No process has written a heartbeat yet."</p> }.into_any();
    }
    let rows = processes
        .into_iter()
        .map(|p| {
            let this = p.this_process.then_some(" (this one)");
            view! {
                <tr>
                    <td class="mono" title=p.id.clone()>{process_label(&p)}{this}</td>
                    <td>{p.host}</td>
                    <td>{p.kind.label()}</td>
                    <td class="mono"><When at=p.started_at/></td>
                    <td class="mono"><When at=p.beat_at/></td>
                    <td class=liveness_class(p.liveness)>{liveness_text(p.liveness)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid processes" aria-label="Processes">
            <thead><tr>
                <th scope="col">"Process"</th><th scope="col">"Host"</th><th scope="col">"Kind"</th>
                <th scope="col">"Started"</th><th scope="col">"Last beat"</th>
                <th scope="col">"State"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_process_says_how_long_ago_it_beat() {
        assert_eq!(liveness_text(Liveness::Running), "running");
        assert_eq!(liveness_text(Liveness::Exited), "exited");
        let lost = |silent_us| liveness_text(Liveness::HeartbeatLost { silent_us });
        assert_eq!(lost(42_900_000), "heartbeat stopped 42 s ago");
        assert_eq!(lost(245_000_000), "heartbeat stopped 4m 05s ago");
    }
}
