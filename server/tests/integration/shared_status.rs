//! The shared status board on every backend: two workers consume, a separate web node
//! (`serve --no-consumers`) on the same database shows their consumers in `/api/v1/status`
//! with the process and host each runs on; a worker that stops cleanly shows as exited, one
//! killed without its final beat as silent ("heartbeat lost"), its consumers stopped; and the
//! rows of a process silent for more than a day are deleted by the beating processes.

use std::time::Duration;

use app::model::{
    ConsumerState, ConsumerStatus, DeploymentSummary, Liveness, ProcessKind, ProcessStatus,
    StatusData,
};
use server::cmd::serve::{Application, Settings};
use server::store::{HeartbeatRow, Store};
use server::telemetry::status::StatusBoard;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::helpers::{
    deployments, eventually, http_get, nova_deployment, nova_notification, publish, Backend,
    TestDb, TestVhost,
};

const DAY_US: i64 = 86_400_000_000;

#[tokio::test]
async fn sqlite_web_node_shows_every_workers_consumers() {
    web_node_shows_every_workers_consumers(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_web_node_shows_every_workers_consumers() {
    web_node_shows_every_workers_consumers(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_web_node_shows_every_workers_consumers() {
    web_node_shows_every_workers_consumers(Backend::MariaDb).await;
}

/// A running application: `serve --no-consumers` (with a port) or `worker` (without).
struct Process {
    port: Option<u16>,
    store: Store,
    board: StatusBoard,
    shutdown: CancellationToken,
    handle: JoinHandle<anyhow::Result<()>>,
}

impl Process {
    /// `web`: a web node on a free port, no consumers; else a worker without `--listen`.
    async fn start(db: &TestDb, vhost: &TestVhost, web: bool) -> Self {
        let file = format!(
            r#"{{"deployments": [{}]}}"#,
            nova_deployment("cell-s", &vhost.name, 5672)
        );
        let settings = Settings {
            deployments: deployments(&file),
            database_url: db.url.as_str().into(),
            listen: web.then(|| "127.0.0.1:0".parse().expect("address")),
            web,
            consumers: !web,
            demo: false,
            site_root: "target/site".into(),
            billing: Default::default(),
            redaction: Default::default(),
            retention: server::retention::Policy::default(),
        };
        let app = Application::build(settings).await.expect("builds");
        let (port, store, board) = (app.port(), app.store().clone(), app.board().clone());
        let shutdown = CancellationToken::new();
        let handle = tokio::spawn(app.run(shutdown.clone()));
        Self {
            port,
            store,
            board,
            shutdown,
            handle,
        }
    }

    fn id(&self) -> &str {
        &self.board.identity().id
    }

    /// A clean stop: the final beat says the consumers stopped.
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(20), self.handle)
            .await
            .expect("stops in time")
            .expect("no panic")
            .expect("clean exit");
    }

    /// A kill: every task dropped where it stands, no final beat.
    async fn kill(self) {
        self.handle.abort();
        let _cancelled = self.handle.await;
    }
}

/// The web node's status as `/api/v1/status` answers it.
async fn status(web: &Process) -> StatusData {
    let (code, body) = http_get(web.port.expect("web port"), "/api/v1/status").await;
    assert_eq!(code, 200, "{body}");
    serde_json::from_str(&body).expect("status JSON")
}

/// The consumers of `process` that the web node lists for `cell-s`.
fn consumers_of(status: &StatusData, process: &str) -> Vec<ConsumerStatus> {
    cell(status)
        .consumers
        .iter()
        .filter(|c| c.process.as_ref().is_some_and(|p| p.id == process))
        .cloned()
        .collect()
}

fn process<'a>(status: &'a StatusData, id: &str) -> Option<&'a ProcessStatus> {
    status.processes.iter().find(|p| p.id == id)
}

/// The heartbeat row of a process that is not running, beating last at `beat_at`.
fn old_row(process_id: &str, beat_at: i64) -> HeartbeatRow {
    HeartbeatRow {
        process_id: process_id.into(),
        pid: 4242,
        host: "gone.example.net".into(),
        kind: ProcessKind::Worker,
        started_at: beat_at - 1_000_000,
        beat_at,
        stopped_at: None,
        deployment: "cell-s".into(),
        exchange: "nova".into(),
        state: ConsumerState::Connected,
        stored: 5,
        quarantined: 0,
        reconnects: 0,
        last_minute: 5,
        last_message: Some(beat_at),
        last_error: Some("broker error: amqp://u:***@h".into()),
    }
}

async fn web_node_shows_every_workers_consumers(backend: Backend) {
    let (db, vhost) = (TestDb::new(backend), TestVhost::new());
    let web = Process::start(&db, &vhost, true).await;
    let now = app::model::now_micros();
    // A process silent for 23 hours is kept (and shown silent); one silent for two days goes.
    let expired = old_row(EXPIRED, now - 2 * DAY_US);
    let silent = old_row(SILENT, now - DAY_US + 3_600_000_000);
    web.store
        .record_heartbeat(&[expired, silent])
        .await
        .expect("old rows");
    let (a, b) = (
        Process::start(&db, &vhost, false).await,
        Process::start(&db, &vhost, false).await,
    );
    ingest_through_both(&vhost, &web, &a, &b).await;
    let s = status(&web).await;
    assert_processes_listed(&s, &web, &a, &b);
    assert_old_rows(&s, &web.store).await;

    // A clean stop: exited, consumers stopped. A kill: silent, consumers stopped.
    let (a_id, b_id) = (a.id().to_owned(), b.id().to_owned());
    b.stop().await;
    a.kill().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    age(&web.store, &a_id, 60_000_000).await;
    let s = status(&web).await;
    assert_eq!(
        process(&s, &b_id).map(|p| p.liveness),
        Some(Liveness::Exited)
    );
    let lost = process(&s, &a_id).map(|p| p.liveness);
    assert!(
        matches!(lost, Some(Liveness::HeartbeatLost { silent_us }) if silent_us >= 60_000_000),
        "{lost:?}"
    );
    for id in [&a_id, &b_id] {
        let consumers = consumers_of(&s, id);
        assert!(
            consumers.len() == 1 && consumers[0].state == ConsumerState::Stopped,
            "{consumers:?}"
        );
    }
    assert_eq!(
        cell(&s).state(),
        ConsumerState::Stopped,
        "no process runs cell-s"
    );
    web.stop().await;
}

/// The id of a process silent for two days (its row expires).
const EXPIRED: &str = "expired00000000a";
/// The id of a process silent for 23 hours (its row is kept).
const SILENT: &str = "silent000000000b";

fn cell(status: &StatusData) -> &DeploymentSummary {
    let cell = status.deployments.iter().find(|d| d.name == "cell-s");
    cell.expect("cell-s listed")
}

/// Publishes 20 notifications once both workers consume, and waits until the web node shows
/// each worker's consumer running, the two having stored them all.
async fn ingest_through_both(vhost: &TestVhost, web: &Process, a: &Process, b: &Process) {
    eventually(20, "both workers connected", || async {
        [a, b].iter().all(|w| {
            let consumers = w.board.of_deployment("cell-s");
            !consumers.is_empty()
                && consumers
                    .iter()
                    .all(|c| c.state == ConsumerState::Connected)
        })
    })
    .await;
    let messages: Vec<(&str, Vec<u8>)> = (0..20)
        .map(|i| {
            let (_, body) = nova_notification("compute.instance.update", &format!("i-{i}"));
            ("monitor.info", body)
        })
        .collect();
    publish(vhost, "nova", &messages).await;
    eventually(30, "the web node shows both workers' consumers", || async {
        let s = status(web).await;
        let (ca, cb) = (consumers_of(&s, a.id()), consumers_of(&s, b.id()));
        let stored: u64 = ca.iter().chain(&cb).map(|c| c.stored).sum();
        ca.len() == 1
            && cb.len() == 1
            && ca
                .iter()
                .chain(&cb)
                .all(|c| c.state == ConsumerState::Connected)
            && stored >= 20
    })
    .await;
}

/// Each worker with its kind, host and pid, running; the web node itself, without consumers.
fn assert_processes_listed(s: &StatusData, web: &Process, a: &Process, b: &Process) {
    for w in [a, b] {
        let p = process(s, w.id()).expect("worker listed");
        let me = w.board.identity();
        assert_eq!(
            (p.kind, p.liveness),
            (ProcessKind::Worker, Liveness::Running)
        );
        assert_eq!((p.host.as_str(), p.pid), (me.host.as_str(), me.pid));
        assert!(!p.host.is_empty() && !p.this_process);
    }
    let me = process(s, web.id()).expect("the web node lists itself");
    assert_eq!((me.kind, me.this_process), (ProcessKind::WebNode, true));
    // Its placeholders (it consumes nothing) are not shown as consumers.
    assert!(consumers_of(s, web.id()).is_empty());
    assert_eq!(cell(s).state(), ConsumerState::Connected);
}

/// The 23-hour-old process is shown silent, its consumer stopped; the two-day-old one's row
/// was deleted by a beating process.
async fn assert_old_rows(s: &StatusData, store: &Store) {
    let p = process(s, SILENT).expect("silent process kept");
    assert!(
        matches!(p.liveness, Liveness::HeartbeatLost { silent_us } if silent_us > 22 * 3_600_000_000)
    );
    let old = consumers_of(s, SILENT);
    assert!(
        old.len() == 1 && old[0].state == ConsumerState::Stopped,
        "{old:?}"
    );
    assert!(process(s, EXPIRED).is_none());
    let rows = store.heartbeats_since(0).await.expect("rows");
    assert!(
        rows.iter().all(|r| r.process_id != EXPIRED),
        "expired row deleted"
    );
}

/// Moves every heartbeat row of `process` `by` µs into the past, as if it had stopped
/// beating that long ago.
async fn age(store: &Store, process: &str, by: i64) {
    let rows: Vec<HeartbeatRow> = store
        .heartbeats_since(0)
        .await
        .expect("rows")
        .into_iter()
        .filter(|r| r.process_id == process)
        .map(|r| HeartbeatRow {
            beat_at: r.beat_at - by,
            ..r
        })
        .collect();
    assert!(!rows.is_empty(), "{process} has beaten");
    store.record_heartbeat(&rows).await.expect("aged");
}
