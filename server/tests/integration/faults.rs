//! Fault tests (SPEC §9): the broker connection closed mid-stream, `kill -9` of a real
//! `stacktach worker` mid-ingest, and poison messages. Each ends with published = stored by
//! message id, zero duplicates, zero lost, and empty queues.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::*;
use crate::workload::*;

const QUEUES: [&str; 2] = ["monitor.info", "monitor.error"];

fn one_deployment(vhost: &TestVhost) -> String {
    format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-a", &vhost.name, 5672)
    )
}

fn assert_complete(r: &Reconciliation, published: usize) {
    let expected = Reconciliation {
        published,
        stored: published,
        lost: 0,
        duplicates: 0,
        unexpected: 0,
    };
    assert_eq!(r, &expected, "published = stored by message id");
}

async fn assert_queues_empty(vhost: &TestVhost) {
    for queue in QUEUES {
        assert_eq!(queue_depth(vhost, queue).await, 0, "{queue} is drained");
    }
}

async fn wait_connected(app: &TestApp) {
    eventually(20, "consumers connected", || async {
        app.board.of_deployment("cell-a")[0].state == app::model::ConsumerState::Connected
    })
    .await;
}

async fn connection_closed_mid_stream(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(&one_deployment(&vhost))).await;
    wait_connected(&app).await;
    let messages = workload(21, 6_000, &["nova"]);
    let publishing = {
        let (vhost, messages) = (vhost.amqp_uri(), messages.clone());
        tokio::spawn(async move { publish_all_to(&vhost, &messages).await })
    };
    eventually(30, "ingest under way", || async {
        app.board.of_deployment("cell-a")[0].stored >= 500
    })
    .await;
    let closed = close_connections_named(&vhost, "stacktach:cell-a");
    assert_eq!(closed, 1, "the consumer's connection was found and closed");
    publishing.await.expect("publisher");
    let r = wait_stored(&db.url, &messages, 45).await;
    if r.lost > 0 {
        // What the consumer was doing, for a failure that only a loaded machine shows.
        eprintln!("consumers: {:?}", app.board.of_deployment("cell-a"));
    }
    assert_complete(&r, messages.len());
    let reconnects: u64 = app
        .board
        .of_deployment("cell-a")
        .iter()
        .map(|c| c.reconnects)
        .sum();
    assert!(reconnects >= 1, "the board counts the reconnect");
    app.stop().await;
    assert_queues_empty(&vhost).await;
}

#[tokio::test]
async fn sqlite_connection_closed_mid_stream_loses_nothing() {
    connection_closed_mid_stream(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_connection_closed_mid_stream_loses_nothing() {
    connection_closed_mid_stream(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_connection_closed_mid_stream_loses_nothing() {
    connection_closed_mid_stream(Backend::MariaDb).await;
}

/// A real `stacktach worker` process on a deployments file and database; killed on drop.
struct Worker {
    child: Option<Child>,
    log: std::path::PathBuf,
}

impl Worker {
    fn spawn(dir: &std::path::Path, db: &TestDb, run: u32) -> Self {
        let log = dir.join(format!("worker-{run}.log"));
        let stderr = std::fs::File::create(&log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_stacktach"))
            .args(["worker", "--deployments"])
            .arg(dir.join("deployments.json"))
            .args(["--database-url", &db.url])
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("stacktach worker starts");
        Self {
            child: Some(child),
            log,
        }
    }

    /// `kill -9`, then reap it.
    fn kill_9(mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    /// SIGTERM, then wait up to 20 s for a clean exit.
    #[allow(
        clippy::disallowed_methods,
        reason = "polls a child process from synchronous test code, not from a runtime task"
    )]
    fn terminate(mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                assert!(
                    status.success(),
                    "clean exit ({status}): {}",
                    self.log_text()
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("no exit within 20 s of SIGTERM: {}", self.log_text());
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn kill_9_mid_ingest(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("deployments.json"), one_deployment(&vhost)).expect("file");
    // The first worker migrates and declares the queues before anything is published.
    let first = Worker::spawn(dir.path(), &db, 1);
    eventually(30, "queues declared", || async {
        rabbitmq_queue_exists(&vhost, QUEUES[1])
    })
    .await;
    let messages = workload(22, 8_000, &["nova"]);
    publish_all(&vhost, &messages).await;
    eventually(30, "ingest under way", || async {
        stored_ids(&db.url).await.0.len() >= 1_000
    })
    .await;
    first.kill_9();
    let at_kill = stored_ids(&db.url).await.0.len();
    assert!(at_kill < messages.len(), "killed mid-ingest ({at_kill})");

    let second = Worker::spawn(dir.path(), &db, 2);
    let r = wait_stored(&db.url, &messages, 50).await;
    second.terminate();
    assert_complete(&r, messages.len());
    assert_queues_empty(&vhost).await;
}

/// Whether `queue` exists on the vhost (without declaring it).
fn rabbitmq_queue_exists(vhost: &TestVhost, queue: &str) -> bool {
    let out = Command::new("rabbitmqctl")
        .args(["-q", "list_queues", "-p", &vhost.name, "name"])
        .output()
        .expect("rabbitmqctl list_queues");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == queue)
}

#[tokio::test]
async fn sqlite_kill_9_mid_ingest_loses_and_duplicates_nothing() {
    kill_9_mid_ingest(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_kill_9_mid_ingest_loses_and_duplicates_nothing() {
    kill_9_mid_ingest(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_kill_9_mid_ingest_loses_and_duplicates_nothing() {
    kill_9_mid_ingest(Backend::MariaDb).await;
}

/// The four kinds of poison SPEC §4 names, with a readable label.
fn poisons() -> [(&'static str, Vec<u8>); 4] {
    [
        ("not JSON", b"{\"event_type\": compute.instance.update".to_vec()),
        ("not UTF-8", b"{\"event_type\": \"\xff\xfe\"}".to_vec()),
        (
            "no publisher_id",
            br#"{"event_type": "compute.instance.update", "timestamp": "2026-11-24 10:00:00.000000", "message_id": "p-3", "payload": {}}"#
                .to_vec(),
        ),
        (
            "broken oslo envelope",
            br#"{"oslo.version": "2.0", "oslo.message": "{\"event_type\": \"compute"}"#.to_vec(),
        ),
    ]
}

async fn poison_among_good(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(&one_deployment(&vhost))).await;
    wait_connected(&app).await;
    let good = workload(23, 4_000, &["nova"]);
    let mut stream = Vec::with_capacity(good.len() + 4);
    let mut poison = poisons().into_iter();
    for (i, m) in good.iter().enumerate() {
        stream.push(m.clone());
        if i % 1_000 == 499 {
            let (label, body) = poison.next().expect("four poisons");
            stream.push(Msg {
                exchange: "nova".into(),
                routing_key: QUEUES[i / 1_000 % 2].into(),
                message_id: format!("poison: {label}"),
                body,
            });
        }
    }
    publish_all(&vhost, &stream).await;
    let r = wait_stored(&db.url, &good, 45).await;
    assert_complete(&r, good.len());
    eventually(10, "every poison quarantined", || async {
        stored_ids(&db.url).await.1 == 4
    })
    .await;
    let board = app.board.of_deployment("cell-a");
    assert_eq!(board.iter().map(|c| c.quarantined).sum::<u64>(), 4);
    app.stop().await;
    assert_queues_empty(&vhost).await;
}

#[tokio::test]
async fn sqlite_poison_is_quarantined_and_the_rest_stored() {
    poison_among_good(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_poison_is_quarantined_and_the_rest_stored() {
    poison_among_good(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_poison_is_quarantined_and_the_rest_stored() {
    poison_among_good(Backend::MariaDb).await;
}

/// A batch whose future is dropped while its transaction begins (the consumer's store is
/// cancelled when the broker connection goes, or the watchdog restarts it) leaves the store
/// usable: the next batches begin and commit. sqlx's SQLite `begin_with` dropped after its
/// `BEGIN` ran left the pooled connection inside that transaction, and every later batch on
/// it failed ("begin_with at non-zero transaction depth"): the consumer stored nothing more.
#[tokio::test]
async fn sqlite_batch_cancelled_while_beginning_leaves_the_store_usable() {
    let db = TestDb::new(Backend::Sqlite);
    let store = server::store::Store::connect(&db.url)
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    for i in 0..400u64 {
        // Cancelled at many different points of the begin, a few microseconds apart.
        let wait = Duration::from_micros(i % 40 * 5);
        if let Ok(Ok(tx)) = tokio::time::timeout(wait, store.begin_batch()).await {
            drop(tx);
        }
        tokio::task::yield_now().await;
    }
    for _ in 0..8 {
        let begun = tokio::time::timeout(Duration::from_secs(10), store.begin_batch()).await;
        let tx = begun
            .expect("a batch begins in time")
            .expect("a batch begins");
        tx.commit().await.expect("and commits");
    }
}
