//! Batches commit concurrently on PostgreSQL (no global ingest lock), and no reader that
//! resumes by id passes an id still uncommitted: the feed horizon on every backend, then, on
//! PostgreSQL, two batches open at once with the larger ids committed first, watched by the
//! live websocket, `/api/v1/events`, `/api/v1/quarantine` and `/stacky/watch`; and batches
//! that aggregate into the same rows wait for each other.

use std::time::Duration;

use app::model::{LiveMessage, Micros};
use futures::StreamExt;
use server::ingest::{Incoming, Parsed};
use server::notification::Redaction;
use server::store::{BatchTx, Store, MAX_KEY_LOCKS};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{deployments, http_get, nova_body, Backend, TestApp, TestDb};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[tokio::test]
async fn sqlite_horizon_is_the_last_committed_id() {
    horizon_is_the_last_committed_id(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_horizon_is_the_last_committed_id() {
    horizon_is_the_last_committed_id(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_horizon_is_the_last_committed_id() {
    horizon_is_the_last_committed_id(Backend::MariaDb).await;
}

/// One batch at a time (every backend): the horizon is 0 on an empty database, stays put
/// while a batch is open, and is the batch's last id once it commits.
async fn horizon_is_the_last_committed_id(backend: Backend) {
    let db = TestDb::new(backend);
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let deployment = store.ensure_deployment("cell-h").await.expect("deployment");
    assert_eq!(store.feed_horizon().await.expect("horizon"), 0);

    let (tx, ids) = open_batch(&store, deployment, "one", 3).await;
    assert_eq!(
        store.feed_horizon().await.expect("horizon"),
        0,
        "open batch"
    );
    tx.commit().await.expect("commit");
    assert_eq!(store.feed_horizon().await.expect("horizon"), ids[2]);

    // A batch of duplicates stores nothing; the horizon never goes back (on PostgreSQL it
    // passes the ids the duplicates drew from the sequence, which never commit).
    let (tx, again) = open_batch(&store, deployment, "one", 3).await;
    assert!(again.is_empty(), "redelivered: {again:?}");
    tx.commit().await.expect("commit");
    assert!(store.feed_horizon().await.expect("horizon") >= ids[2]);
    assert_eq!(store.max_event_id().await.expect("max"), ids[2]);
    store.close().await;
}

/// Two PostgreSQL batches open at once (the second does not wait for the first), the later
/// ids committed first: while the first is open no reader gets past its ids; once it
/// commits, every row arrives once, in id order.
#[tokio::test]
async fn postgres_batches_commit_concurrently_and_readers_never_skip() {
    let db = TestDb::new(Backend::Postgres);
    // A web node: its live tail reads what these batches commit.
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    let store = app.store.clone();
    let deployment = store.ensure_deployment("cell-c").await.expect("deployment");
    let url = format!("ws://127.0.0.1:{}/live/ws?after=0", app.port);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");

    let (first, low) = open_batch(&store, deployment, "low", 5).await;
    let second = tokio::time::timeout(
        Duration::from_secs(5),
        open_batch(&store, deployment, "high", 5),
    )
    .await
    .expect("a second batch opens and stores while the first is open: no global lock");
    let (second, high) = second;
    assert!(high[0] > low[4], "ids {low:?} then {high:?}");
    second.commit().await.expect("commit the larger ids first");

    assert_nothing_past(&app, &mut socket, low[0]).await;

    first.commit().await.expect("commit the smaller ids");
    let seen = receive_ids(&mut socket, 10).await;
    let expected: Vec<i64> = low.iter().chain(&high).copied().collect();
    assert_eq!(seen, expected, "every row once, in id order");
    assert_eq!(store.feed_horizon().await.expect("horizon"), high[4]);
    let (_, page) = http_get(app.port, "/api/v1/events?limit=100").await;
    assert_eq!(page.matches("inst-").count(), 10, "{page}");
    let (_, watch) = http_get(app.port, "/stacky/watch/0/?since=id:0").await;
    assert_eq!(watch.matches("inst-").count(), 10, "{watch}");
    let (_, quarantine) = http_get(app.port, "/api/v1/quarantine?limit=10").await;
    assert!(
        quarantine.contains("bad-low") && quarantine.contains("bad-high"),
        "{quarantine}"
    );
    app.stop().await;
}

/// Batches that aggregate into the same row wait for each other; batches that share no key
/// do not (PostgreSQL; elsewhere batches already run one at a time).
#[tokio::test]
async fn postgres_batches_sharing_an_aggregate_key_wait_for_each_other() {
    let db = TestDb::new(Backend::Postgres);
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let mut first = store.begin_batch().await.expect("begin");
    first.lock_keys(&[-7, 11]).await.expect("lock");

    let mut other = store.begin_batch().await.expect("begin");
    tokio::time::timeout(Duration::from_secs(5), other.lock_keys(&[3, 12]))
        .await
        .expect("disjoint keys do not wait")
        .expect("lock");
    other.commit().await.expect("commit");

    let store2 = store.clone();
    let mut shared = tokio::spawn(async move {
        let mut tx = store2.begin_batch().await.expect("begin");
        tx.lock_keys(&[11, 40]).await.expect("lock");
        tx.commit().await.expect("commit");
    });
    assert!(
        tokio::time::timeout(Duration::from_millis(500), &mut shared)
            .await
            .is_err(),
        "a batch sharing key 11 went ahead of the open one"
    );
    first.commit().await.expect("commit");
    tokio::time::timeout(Duration::from_secs(5), shared)
        .await
        .expect("it goes on once the first commits")
        .expect("joined");
    store.close().await;
}

/// A batch with more keys than `MAX_KEY_LOCKS` takes one lock and aggregates alone: it waits
/// for a small batch, and a small batch with none of its keys waits for it.
#[tokio::test]
async fn postgres_a_batch_with_too_many_keys_aggregates_alone() {
    let db = TestDb::new(Backend::Postgres);
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let many: Vec<i32> = (0..=MAX_KEY_LOCKS as i32).map(|k| k * 2).collect();

    let mut small = store.begin_batch().await.expect("begin");
    small.lock_keys(&[1]).await.expect("lock");
    let mut big = waiting_batch(&store, many.clone());
    assert!(
        tokio::time::timeout(Duration::from_millis(500), &mut big)
            .await
            .is_err(),
        "the big batch went ahead of a small one"
    );
    small.commit().await.expect("commit");
    let big = tokio::time::timeout(Duration::from_secs(5), big)
        .await
        .expect("it goes on once the small one commits")
        .expect("joined");

    let mut later = waiting_batch(&store, vec![3]);
    assert!(
        tokio::time::timeout(Duration::from_millis(500), &mut later)
            .await
            .is_err(),
        "a small batch went ahead of the big one"
    );
    big.commit().await.expect("commit");
    tokio::time::timeout(Duration::from_secs(5), later)
        .await
        .expect("it goes on once the big one commits")
        .expect("joined")
        .commit()
        .await
        .expect("commit");
    store.close().await;
}

/// A task that opens a batch and locks `keys`, answering the open batch.
fn waiting_batch(store: &Store, keys: Vec<i32>) -> tokio::task::JoinHandle<BatchTx> {
    let store = store.clone();
    tokio::spawn(async move {
        let mut tx = store.begin_batch().await.expect("begin");
        tx.lock_keys(&keys).await.expect("lock");
        tx
    })
}

/// While the batch holding `open_id` is open: the horizon is below it, and no reader shows
/// the rows committed past it (`inst-high-*`, `bad-high`).
async fn assert_nothing_past(app: &TestApp, socket: &mut Socket, open_id: i64) {
    let horizon = app.store.feed_horizon().await.expect("horizon");
    assert!(
        horizon < open_id,
        "horizon {horizon} passed open id {open_id}"
    );
    let (_, page) = http_get(app.port, "/api/v1/events?limit=100").await;
    assert!(
        !page.contains("inst-high"),
        "/api/v1 exposed rows past an open batch: {page}"
    );
    let (_, watch) = http_get(app.port, "/stacky/watch/0/?since=id:0").await;
    assert!(
        !watch.contains("inst-high"),
        "/stacky/watch ran ahead: {watch}"
    );
    let (_, quarantine) = http_get(app.port, "/api/v1/quarantine?limit=10").await;
    assert!(
        !quarantine.contains("bad-high"),
        "/api/v1/quarantine ran ahead: {quarantine}"
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(400), socket.next())
            .await
            .is_err(),
        "the live feed sent rows while a smaller id was still open"
    );
}

/// The ids of the next `count` live rows.
async fn receive_ids(socket: &mut Socket, count: usize) -> Vec<i64> {
    let mut seen = Vec::new();
    while seen.len() < count {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .unwrap_or_else(|_| panic!("rows in time; got {seen:?}"))
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = frame {
            match serde_json::from_str::<LiveMessage>(&text).expect("a live message") {
                LiveMessage::Rows { rows, .. } => seen.extend(rows.into_iter().map(|r| r.row.id)),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    seen
}

/// Opens a batch of `count` nova events tagged `tag` (message ids `tag-0`…) and one
/// unparseable message (routing key `bad-<tag>`), stores them; returns the open transaction
/// and the new event ids.
async fn open_batch(
    store: &Store,
    deployment: i64,
    tag: &str,
    count: usize,
) -> (BatchTx, Vec<i64>) {
    let base = 1_790_000_000_000_000;
    let mut parsed = Parsed::default();
    for i in 0..count {
        let body = nova_body(
            "compute.instance.update",
            "compute.cpu-c",
            &app::model::format_micros(Micros(base + i as i64)),
            &format!("{tag}-{i}"),
            &format!("inst-{tag}-{i}"),
            &format!("req-{tag}-{i}"),
        );
        let message = Incoming {
            routing_key: "monitor.info".into(),
            body: body.to_string().into_bytes(),
        };
        parsed.push(deployment, "nova", &message, &Redaction::default());
    }
    let unparseable = Incoming {
        routing_key: format!("bad-{tag}"),
        body: b"not json".to_vec(),
    };
    parsed.push(deployment, "nova", &unparseable, &Redaction::default());
    let mut tx = store.begin_batch().await.expect("begin");
    let inserted = tx.insert_events(parsed.events()).await.expect("insert");
    tx.insert_quarantine(parsed.quarantined())
        .await
        .expect("quarantine");
    (tx, inserted.into_iter().map(|(_, id)| id).collect())
}
