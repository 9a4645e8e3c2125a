//! Fault-test fixtures: realistic workloads from the simulator, fast publishing with confirms,
//! published-vs-stored reconciliation by message id, and closing a named broker connection.

use std::process::Command;
use std::time::Duration;

use lapin::{Connection, ConnectionProperties};
use server::store::Store;

use crate::helpers::TestVhost;

/// One message of a test workload.
#[derive(Debug, Clone)]
pub struct Msg {
    pub exchange: String,
    pub routing_key: String,
    pub message_id: String,
    pub body: Vec<u8>,
}

/// `n` realistic notifications from the simulator (deterministic for `seed`) on the given
/// exchanges only.
pub fn workload(seed: u64, n: usize, exchanges: &[&str]) -> Vec<Msg> {
    let options = server::cmd::simulate::notigen::GeneratorOptions {
        max_in_flight: 200,
        ..Default::default()
    };
    let mut generator =
        server::cmd::simulate::notigen::Generator::new(seed, options, 1_700_000_000_000_000);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let batch = generator.take(1_000);
        assert!(!batch.is_empty(), "the generator ran dry");
        out.extend(
            batch
                .into_iter()
                .filter(|o| exchanges.contains(&o.exchange.as_str()))
                .map(|o| Msg {
                    exchange: o.exchange,
                    routing_key: o.routing_key,
                    message_id: o.message_id,
                    body: o.body.into_bytes(),
                }),
        );
    }
    out.truncate(n);
    out
}

/// Publishes `messages` with confirms, many in flight; returns when all are confirmed.
pub async fn publish_all(vhost: &TestVhost, messages: &[Msg]) {
    publish_all_to(&vhost.amqp_uri(), messages).await;
}

/// [`publish_all`] to an AMQP URI (for publishing from a spawned task).
pub async fn publish_all_to(uri: &str, messages: &[Msg]) {
    let conn = Connection::connect(uri, ConnectionProperties::default())
        .await
        .expect("connect");
    let mut publisher = server::amqp::publish::Publisher::open(&conn, 500, false)
        .await
        .expect("confirm channel");
    for m in messages {
        publisher
            .publish(&m.exchange, &m.routing_key, &m.message_id, &m.body)
            .await
            .expect("published");
    }
    publisher.close().await.expect("all confirmed");
    let _ = conn.close(200, "done".into()).await;
}

/// What the database holds: every stored `message_id` (one entry per row) and the number of
/// quarantined messages. The SQL is here, not in the store, because only tests need it.
pub async fn stored_ids(url: &str) -> (Vec<Option<String>>, i64) {
    let store = Store::connect(url).await.expect("database");
    const IDS: &str = "SELECT message_id FROM raw_events";
    const QUARANTINED: &str = "SELECT COUNT(*) FROM quarantine";
    let result = match &store {
        Store::Sqlite(pool) => (
            sqlx::query_scalar(IDS).fetch_all(pool).await,
            sqlx::query_scalar(QUARANTINED).fetch_one(pool).await,
        ),
        Store::Postgres(pool) => (
            sqlx::query_scalar(IDS).fetch_all(pool).await,
            sqlx::query_scalar(QUARANTINED).fetch_one(pool).await,
        ),
        // A binary collation's column decodes only as bytes; CONVERT gives it a text type.
        Store::MySql(pool) => (
            sqlx::query_scalar("SELECT CONVERT(message_id USING utf8mb4) FROM raw_events")
                .fetch_all(pool)
                .await,
            sqlx::query_scalar(QUARANTINED).fetch_one(pool).await,
        ),
    };
    store.close().await;
    (
        result.0.expect("message ids"),
        result.1.expect("quarantine"),
    )
}

/// Published vs stored by message id.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    pub published: usize,
    pub stored: usize,
    pub lost: usize,
    pub duplicates: usize,
    pub unexpected: usize,
}

/// Compares what was published with what is stored.
pub async fn reconcile(url: &str, published: &[Msg]) -> Reconciliation {
    use std::collections::HashSet;
    let (ids, _) = stored_ids(url).await;
    let stored: Vec<String> = ids.into_iter().flatten().collect();
    let distinct: HashSet<&str> = stored.iter().map(String::as_str).collect();
    let expected: HashSet<&str> = published.iter().map(|m| m.message_id.as_str()).collect();
    Reconciliation {
        published: expected.len(),
        stored: stored.len(),
        lost: expected.difference(&distinct).count(),
        duplicates: stored.len() - distinct.len(),
        unexpected: distinct.difference(&expected).count(),
    }
}

/// Waits until every published message is stored (polling the database).
pub async fn wait_stored(url: &str, published: &[Msg], secs: u64) -> Reconciliation {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let r = reconcile(url, published).await;
        if r.lost == 0 || tokio::time::Instant::now() > deadline {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Closes the broker connections of `vhost` whose name is `name` (as `rabbitmqctl
/// close_connection` does for an operator); returns how many were closed.
pub fn close_connections_named(vhost: &TestVhost, name: &str) -> usize {
    let out = Command::new("rabbitmqctl")
        .args([
            "-q",
            "list_connections",
            "pid",
            "vhost",
            "client_properties",
        ])
        .output()
        .expect("rabbitmqctl list_connections");
    let text = String::from_utf8_lossy(&out.stdout);
    let needle = format!("{{\"connection_name\",\"{name}\"}}");
    let mut closed = 0;
    for line in text.lines() {
        let mut fields = line.splitn(3, '\t');
        let (Some(pid), Some(host), Some(props)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if host == vhost.name && props.contains(&needle) {
            let status = Command::new("rabbitmqctl")
                .args(["-q", "close_connection", pid, "fault test"])
                .status();
            assert!(status.is_ok_and(|s| s.success()), "close_connection {pid}");
            closed += 1;
        }
    }
    closed
}
