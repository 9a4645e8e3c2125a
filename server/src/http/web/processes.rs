//! Every process's consumers, as the home and status pages show them: the heartbeat rows of
//! the last day (`process_heartbeats`, written by every `serve` and `worker`) merged with the
//! board of the process that answers.
//!
//! The answering process's own consumers come from its board, not from its rows: the board is
//! current to the message, its rows up to a beat old, and its rows are skipped so nothing is
//! shown twice. A web node (`serve --no-consumers`) has only placeholders on its board (its
//! deployments, never consumed here), so it shows the table's consumers alone. A process
//! whose last beat is older than three beats is shown as silent ("heartbeat lost") and its
//! consumers as stopped, whatever its last beat said.

use std::collections::BTreeMap;

use app::model::{now_micros, ConsumerState, ConsumerStatus, Micros, ProcessStatus};

use crate::store::{HeartbeatRow, Store, StoreError};
use crate::telemetry::heartbeat::{liveness, EXPIRE_AFTER_US};
use crate::telemetry::status::StatusBoard;

/// Every known process and the consumers of each deployment.
#[derive(Debug, Default)]
pub(super) struct SharedStatus {
    /// The answering process first, then by host, kind and start.
    pub processes: Vec<ProcessStatus>,
    /// By deployment name; each list by exchange, then the answering process first, then by
    /// host and process.
    consumers: BTreeMap<String, Vec<ConsumerStatus>>,
}

impl SharedStatus {
    /// Reads the heartbeats of the last day and merges `board`'s consumers in.
    ///
    /// # Errors
    /// Database errors.
    pub(super) async fn load(store: &Store, board: &StatusBoard) -> Result<Self, StoreError> {
        let now = now_micros();
        let rows = store.heartbeats_since(now - EXPIRE_AFTER_US).await?;
        Ok(merge(rows, board, now))
    }

    /// The consumers of `deployment` (taken: each deployment is asked once).
    pub(super) fn take_consumers(&mut self, deployment: &str) -> Vec<ConsumerStatus> {
        self.consumers.remove(deployment).unwrap_or_default()
    }
}

/// The answering process's board (`board`) and every other process's heartbeat `rows`, as of
/// `now` (UTC µs).
pub(super) fn merge(rows: Vec<HeartbeatRow>, board: &StatusBoard, now: i64) -> SharedStatus {
    let mut shared = SharedStatus::default();
    add_local(&mut shared, board, now);
    let me = board.identity().id.as_str();
    let mut by_process: BTreeMap<String, Vec<HeartbeatRow>> = BTreeMap::new();
    for row in rows.into_iter().filter(|r| r.process_id != me) {
        by_process
            .entry(row.process_id.clone())
            .or_default()
            .push(row);
    }
    let mut others = Vec::new();
    for rows in by_process.into_values() {
        let Some(process) = process_of(&rows, now) else {
            continue;
        };
        for row in rows.into_iter().filter(|r| !r.is_process_only()) {
            let deployment = row.deployment.clone();
            let consumer = consumer_of(row, &process);
            shared
                .consumers
                .entry(deployment)
                .or_default()
                .push(consumer);
        }
        others.push(process);
    }
    others.sort_by(|a, b| {
        (&a.host, a.kind.as_str(), a.started_at.0, &a.id).cmp(&(
            &b.host,
            b.kind.as_str(),
            b.started_at.0,
            &b.id,
        ))
    });
    shared.processes.extend(others);
    for consumers in shared.consumers.values_mut() {
        consumers.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    }
    shared
}

/// How a deployment's consumers are listed: by exchange, the answering process first, then
/// by host and process.
fn order_key(c: &ConsumerStatus) -> (&str, bool, &str, &str) {
    let (this, host, id) = c.process.as_ref().map_or((true, "", ""), |p| {
        (p.this_process, p.host.as_str(), p.id.as_str())
    });
    (c.exchange.as_str(), !this, host, id)
}

/// The answering process and its own consumers. Before a heartbeat named the process's kind
/// (a board nobody beats for: a benchmark's), the board is shown as it is, without a process.
fn add_local(shared: &mut SharedStatus, board: &StatusBoard, now: i64) {
    let Some(kind) = board.kind() else {
        for (deployment, consumer) in board.snapshot() {
            shared
                .consumers
                .entry(deployment)
                .or_default()
                .push(consumer);
        }
        return;
    };
    let me = board.identity();
    let process = ProcessStatus {
        id: me.id.clone(),
        pid: me.pid,
        host: me.host.clone(),
        kind,
        started_at: Micros(me.started_at),
        beat_at: Micros(now),
        liveness: app::model::Liveness::Running,
        this_process: true,
    };
    if kind.runs_consumers() {
        for (deployment, mut consumer) in board.snapshot() {
            consumer.process = Some(process.clone());
            shared
                .consumers
                .entry(deployment)
                .or_default()
                .push(consumer);
        }
    }
    shared.processes.push(process);
}

/// A process as its rows describe it: its newest beat decides.
fn process_of(rows: &[HeartbeatRow], now: i64) -> Option<ProcessStatus> {
    let newest = rows.iter().max_by_key(|r| r.beat_at)?;
    Some(ProcessStatus {
        id: newest.process_id.clone(),
        pid: newest.pid,
        host: newest.host.clone(),
        kind: newest.kind,
        started_at: Micros(newest.started_at),
        beat_at: Micros(newest.beat_at),
        liveness: liveness(newest.beat_at, newest.stopped_at, now),
        this_process: false,
    })
}

/// One consumer of another process; stopped unless that process still beats.
fn consumer_of(row: HeartbeatRow, process: &ProcessStatus) -> ConsumerStatus {
    let running = process.running();
    ConsumerStatus {
        exchange: row.exchange,
        state: if running {
            row.state
        } else {
            ConsumerState::Stopped
        },
        stored: row.stored,
        reconnects: row.reconnects,
        last_error: row.last_error,
        quarantined: row.quarantined,
        last_minute: if running { row.last_minute } else { 0 },
        last_message: row.last_message.map(Micros),
        process: Some(process.clone()),
    }
}

#[cfg(test)]
mod tests {
    use app::model::{Liveness, ProcessKind};

    use super::*;
    use crate::telemetry::heartbeat::{beat_rows, LOST_AFTER_US};

    const NOW: i64 = 1_800_000_000_000_000;

    /// A worker's board with one connected `east/nova` consumer that stored `stored`.
    fn worker(stored: u64) -> StatusBoard {
        let board = StatusBoard::default();
        board.register("east", "nova", ConsumerState::Connected);
        board.update("east", "nova", |s| {
            s.stored = stored;
            s.last_minute = 4;
        });
        board
    }

    /// A web node's board: its deployment registered as a placeholder, stopped.
    fn web_node() -> StatusBoard {
        let board = StatusBoard::default();
        board.register("east", "nova", ConsumerState::Stopped);
        board.set_kind(ProcessKind::WebNode);
        board
    }

    #[test]
    fn a_web_node_shows_the_workers_consumers_and_not_its_placeholders() {
        let (a, b) = (worker(10), worker(20));
        let mut rows = beat_rows(&a, ProcessKind::Worker, NOW - 1_000_000, false);
        rows.extend(beat_rows(&b, ProcessKind::Worker, NOW - 2_000_000, false));
        let web = web_node();
        rows.extend(beat_rows(
            &web,
            ProcessKind::WebNode,
            NOW - 3_000_000,
            false,
        ));
        let mut shared = merge(rows, &web, NOW);
        let nova = shared.take_consumers("east");
        assert_eq!(nova.len(), 2, "{nova:?}");
        assert!(nova.iter().all(|c| c.state == ConsumerState::Connected));
        assert_eq!(nova.iter().map(|c| c.stored).sum::<u64>(), 30);
        let ids: Vec<&str> = nova
            .iter()
            .map(|c| c.process.as_ref().map_or("", |p| p.id.as_str()))
            .collect();
        assert!(ids.contains(&a.identity().id.as_str()) && ids.contains(&b.identity().id.as_str()));
        // Three processes, the answering one (its own row skipped) first.
        assert_eq!(shared.processes.len(), 3);
        assert!(shared.processes[0].this_process);
        assert_eq!(shared.processes[0].kind, ProcessKind::WebNode);
        assert!(shared.processes.iter().all(ProcessStatus::running));
    }

    #[test]
    fn a_silent_process_is_lost_and_its_consumers_stopped_and_an_exited_one_says_so() {
        let (silent, gone) = (worker(10), worker(20));
        let mut rows = beat_rows(&silent, ProcessKind::Worker, NOW - LOST_AFTER_US - 1, false);
        rows.extend(beat_rows(
            &gone,
            ProcessKind::Worker,
            NOW - 60_000_000,
            true,
        ));
        let mut shared = merge(rows, &web_node(), NOW);
        let nova = shared.take_consumers("east");
        assert!(nova
            .iter()
            .all(|c| c.state == ConsumerState::Stopped && c.last_minute == 0));
        let liveness_of = |board: &StatusBoard| {
            let id = &board.identity().id;
            shared
                .processes
                .iter()
                .find(|p| &p.id == id)
                .map(|p| p.liveness)
        };
        assert_eq!(
            liveness_of(&silent),
            Some(Liveness::HeartbeatLost {
                silent_us: LOST_AFTER_US + 1
            })
        );
        assert_eq!(liveness_of(&gone), Some(Liveness::Exited));
    }

    #[test]
    fn the_answering_process_shows_its_board_once_and_current() {
        let serve = worker(5);
        serve.set_kind(ProcessKind::Serve);
        // Its own row, a beat old, says 1 stored; the board says 5.
        let rows = beat_rows(&worker(1), ProcessKind::Serve, NOW, false)
            .into_iter()
            .map(|r| HeartbeatRow {
                process_id: serve.identity().id.clone(),
                ..r
            })
            .collect();
        let mut shared = merge(rows, &serve, NOW);
        let nova = shared.take_consumers("east");
        assert_eq!(nova.len(), 1);
        assert_eq!(nova[0].stored, 5);
        assert!(nova[0].process.as_ref().is_some_and(|p| p.this_process));
        assert_eq!(shared.processes.len(), 1);
        // A board nobody beats for is shown as it is.
        let bench = worker(3);
        let mut shared = merge(Vec::new(), &bench, NOW);
        let nova = shared.take_consumers("east");
        assert_eq!(
            (nova.len(), nova[0].stored, nova[0].process.is_none()),
            (1, 3, true)
        );
        assert!(shared.processes.is_empty());
    }
}
