//! Outages injected through a TCP proxy the test owns, in front of the broker or the database,
//! while a stream of notifications is being ingested: every connection cut (and new ones
//! refused) for 2 s, or every connection stalled (open, no byte moving) for 3 s. Ingest
//! resumes by itself, and published = stored by message id: zero lost, zero duplicates, the
//! queues drained. The broker is cut on every backend; the database only where it is a server
//! (PostgreSQL, MariaDB): SQLite is a file.

use std::time::Duration;

use crate::helpers::*;
use crate::proxy::TcpProxy;
use crate::workload::*;

const QUEUES: [&str; 2] = ["monitor.info", "monitor.error"];
const RABBITMQ: &str = "127.0.0.1:5672";

/// What the proxy stands in front of.
#[derive(Clone, Copy)]
enum Target {
    Broker,
    /// The database server at this address (the one in the backend's test URL).
    Database(&'static str),
}

/// What the proxy does mid-stream.
#[derive(Clone, Copy)]
enum Fault {
    /// Closes every connection and refuses new ones for 2 s.
    Cut,
    /// Holds every byte of every connection for 3 s.
    Stall,
}

/// The application under test, its broker or database reached through `proxy`.
struct Setup {
    vhost: TestVhost,
    db: TestDb,
    proxy: TcpProxy,
    app: TestApp,
    name: String,
}

async fn set_up(backend: Backend, target: Target) -> Setup {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let address = match target {
        Target::Broker => RABBITMQ,
        Target::Database(server) => server,
    };
    assert!(
        matches!(target, Target::Broker) || db.url.contains(address),
        "{} is not on {address}",
        db.url
    );
    let proxy = TcpProxy::start(address.parse().unwrap()).await;
    let (broker_port, url) = match target {
        Target::Broker => (proxy.port, db.url.clone()),
        Target::Database(server) => (
            5672,
            db.url.replace(server, &format!("127.0.0.1:{}", proxy.port)),
        ),
    };
    let name = format!("cell-out-{}", unique());
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment(&name, &vhost.name, broker_port)
    ));
    let app = TestApp::spawn_as(&url, file, true).await;
    app.wait_connected(&name).await;
    Setup {
        vhost,
        db,
        proxy,
        app,
        name,
    }
}

/// Injects `fault` through the proxy; a stall must hold ingest while it lasts.
async fn inject(s: &Setup, fault: Fault) {
    let before = stored_now(&s.app, &s.name);
    match fault {
        Fault::Cut => {
            s.proxy.cut();
            tokio::time::sleep(Duration::from_secs(2)).await;
            s.proxy.restore();
        }
        Fault::Stall => {
            s.proxy.stall();
            tokio::time::sleep(Duration::from_secs(3)).await;
            // Nothing moved while stalled (a batch under way when it began may still land).
            let during = stored_now(&s.app, &s.name);
            assert!(
                during <= before + 500,
                "stored {before} → {during} while stalled"
            );
            s.proxy.resume();
        }
    }
}

async fn ingest_through(backend: Backend, target: Target, fault: Fault, seed: u64) {
    let s = set_up(backend, target).await;
    // Published straight to RabbitMQ, 500 every 250 ms (about 6 s in all), so the stream is
    // still flowing when the fault comes and after it ends: only the consumer's side goes
    // through the proxy.
    let messages = workload(seed, 12_000, &["nova"]);
    let publishing = {
        let (uri, messages) = (s.vhost.amqp_uri(), messages.clone());
        tokio::spawn(async move {
            for chunk in messages.chunks(500) {
                publish_all_to(&uri, chunk).await;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    eventually(30, "ingest under way", || {
        let stored = stored_now(&s.app, &s.name);
        async move { stored >= 300 }
    })
    .await;
    inject(&s, fault).await;
    assert!(
        !publishing.is_finished(),
        "the stream outlasts the fault, so ingest has to resume by itself"
    );
    publishing.await.expect("publisher");
    let r = wait_stored(&s.db.url, &messages, 90).await;
    assert_eq!(
        (r.published, r.stored, r.lost, r.duplicates, r.unexpected),
        (messages.len(), messages.len(), 0, 0, 0),
        "published = stored by message id"
    );
    if let Fault::Cut = fault {
        // The fault was felt: the consumer reconnected, or a batch was retried.
        let felt = match target {
            Target::Broker => (s.app.board.of_deployment(&s.name).iter())
                .map(|c| c.reconnects)
                .sum(),
            Target::Database(_) => commit_retries(&s.app).await,
        };
        assert!(felt >= 1, "the cut was felt");
    }
    s.app.stop().await;
    for queue in QUEUES {
        assert_eq!(queue_depth(&s.vhost, queue).await, 0, "{queue} is drained");
    }
}

#[tokio::test]
async fn sqlite_broker_cut_mid_stream_loses_nothing() {
    ingest_through(Backend::Sqlite, Target::Broker, Fault::Cut, 81).await;
}

#[tokio::test]
async fn postgres_broker_cut_mid_stream_loses_nothing() {
    ingest_through(Backend::Postgres, Target::Broker, Fault::Cut, 82).await;
}

#[tokio::test]
async fn mariadb_broker_cut_mid_stream_loses_nothing() {
    ingest_through(Backend::MariaDb, Target::Broker, Fault::Cut, 83).await;
}

#[tokio::test]
async fn sqlite_broker_stalled_mid_stream_loses_nothing() {
    ingest_through(Backend::Sqlite, Target::Broker, Fault::Stall, 84).await;
}

#[tokio::test]
async fn postgres_broker_stalled_mid_stream_loses_nothing() {
    ingest_through(Backend::Postgres, Target::Broker, Fault::Stall, 85).await;
}

#[tokio::test]
async fn mariadb_broker_stalled_mid_stream_loses_nothing() {
    ingest_through(Backend::MariaDb, Target::Broker, Fault::Stall, 86).await;
}

#[tokio::test]
async fn postgres_database_cut_mid_batch_loses_nothing() {
    let server = Target::Database("127.0.0.1:5432");
    ingest_through(Backend::Postgres, server, Fault::Cut, 87).await;
}

#[tokio::test]
async fn mariadb_database_cut_mid_batch_loses_nothing() {
    let server = Target::Database("127.0.0.1:3306");
    ingest_through(Backend::MariaDb, server, Fault::Cut, 88).await;
}

#[tokio::test]
async fn postgres_database_stalled_mid_batch_loses_nothing() {
    let server = Target::Database("127.0.0.1:5432");
    ingest_through(Backend::Postgres, server, Fault::Stall, 89).await;
}

#[tokio::test]
async fn mariadb_database_stalled_mid_batch_loses_nothing() {
    let server = Target::Database("127.0.0.1:3306");
    ingest_through(Backend::MariaDb, server, Fault::Stall, 90).await;
}

/// Messages the deployment's consumers have stored so far.
fn stored_now(app: &TestApp, deployment: &str) -> u64 {
    app.board
        .of_deployment(deployment)
        .iter()
        .map(|c| c.stored)
        .sum()
}
