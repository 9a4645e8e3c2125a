//! Size limits every backend shares (PLAN D2, D3): an identifier longer than 255 characters
//! quarantines its notification while the rest of the batch is stored (MySQL's `VARCHAR(255)`
//! would refuse the whole batch, forever); 255 characters, even multi-byte ones, are stored;
//! multi-megabyte notifications round-trip byte for byte, and a batch of many of them is
//! stored on MariaDB (whose statements are bounded by `max_allowed_packet`).

use serde_json::Value;
use server::ingest::Incoming;
use server::store::Committed;

use crate::aggregate::Setup;
use crate::helpers::{nova_body, Backend};

const MIB: usize = 1024 * 1024;
const WHEN: &str = "2026-11-24 10:00:00.000000";

fn update(message_id: &str, instance: &str, request: &str) -> Value {
    let event = "compute.instance.update";
    nova_body(event, "api.api-l01", WHEN, message_id, instance, request)
}

/// Ingests `bodies` as one nova batch.
async fn ingest(setup: &Setup, bodies: Vec<Vec<u8>>) -> Committed {
    let messages: Vec<Incoming> = bodies
        .into_iter()
        .map(|body| Incoming {
            routing_key: "monitor.info".into(),
            body,
        })
        .collect();
    setup
        .ingestor
        .ingest(&setup.deployment, "nova", &messages)
        .await
        .expect("ingest")
}

fn bytes(bodies: &[Value]) -> Vec<Vec<u8>> {
    bodies.iter().map(|b| b.to_string().into_bytes()).collect()
}

async fn overlong_identifier_is_quarantined(backend: Backend) {
    let setup = Setup::new(backend).await;
    let wide = "é".repeat(255);
    let bodies = [
        update("m-ok", "inst-ok", "req-ok"),
        update("m-instance", &"i".repeat(256), "req-i"),
        update("m-request", "inst-r", &"r".repeat(300)),
        update(&"m".repeat(256), "inst-m", "req-m"),
        update("m-wide", &wide, "req-wide"),
    ];
    let committed = ingest(&setup, bytes(&bodies)).await;
    assert_eq!((committed.inserted.len(), committed.quarantined), (2, 3));
    let store = &setup.store;
    let ids = ["m-ok".to_string(), "m-wide".to_string()];
    assert_eq!(store.count_events_with_message_ids(&ids).await.unwrap(), 2);
    let lifecycle = store
        .lifecycle(&wide)
        .await
        .unwrap()
        .expect("255 characters");
    assert_eq!(lifecycle.instance, wide);
    assert!(store.lifecycle("inst-r").await.unwrap().is_none());
    let (rows, total) = store.quarantine_list(10).await.unwrap();
    assert_eq!((rows.len(), total), (3, 3));
    for row in &rows {
        assert!(
            row.error.contains("is longer than 255 characters"),
            "{}",
            row.error
        );
    }
}

/// A nova update whose serialized body is exactly `size` bytes: padded with ASCII, two- and
/// four-byte characters and spaces (none of which JSON escapes).
fn sized(message_id: &str, size: usize) -> Vec<u8> {
    let mut body = update(message_id, "inst-big", "req-big");
    body["payload"]["padding"] = Value::from("");
    let room = size - body.to_string().len();
    let mut padding = "ab é 😀 ".repeat(room / "ab é 😀 ".len());
    padding.push_str(&"x".repeat(room - padding.len()));
    body["payload"]["padding"] = Value::from(padding);
    let text = body.to_string().into_bytes();
    assert_eq!(text.len(), size);
    text
}

/// `stored` is `expected`, without printing megabytes when it is not.
fn assert_same(stored: &[u8], expected: &[u8], what: &str) {
    let first_difference = stored.iter().zip(expected).position(|(a, b)| a != b);
    assert!(
        stored == expected,
        "{what}: {} bytes stored, {} sent, first difference at {first_difference:?}",
        stored.len(),
        expected.len()
    );
}

async fn eight_mib_round_trip(backend: Backend) {
    let setup = Setup::new(backend).await;
    let event = sized("m-8mib", 8 * MIB);
    let mut unparseable = b"\xff\xfe not JSON ".to_vec();
    unparseable.resize(8 * MIB, b'q');
    let committed = ingest(&setup, vec![event.clone(), unparseable.clone()]).await;
    assert_eq!((committed.inserted.len(), committed.quarantined), (1, 1));
    let store = &setup.store;
    let id = committed.inserted[0].1;
    let (_, columns) = store.event_detail(id).await.unwrap().expect("stored");
    assert_same(columns.json.as_bytes(), &event, "event");
    let (rows, _) = store.quarantine_list(1).await.unwrap();
    let record = store
        .quarantined(rows[0].id)
        .await
        .unwrap()
        .expect("stored");
    assert_same(&record.body, &unparseable, "quarantined body");
}

#[tokio::test]
async fn sqlite_overlong_identifier_is_quarantined_and_the_rest_stored() {
    overlong_identifier_is_quarantined(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_overlong_identifier_is_quarantined_and_the_rest_stored() {
    overlong_identifier_is_quarantined(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_overlong_identifier_is_quarantined_and_the_rest_stored() {
    overlong_identifier_is_quarantined(Backend::MariaDb).await;
}

#[tokio::test]
async fn sqlite_8_mib_notification_round_trips_byte_identical() {
    eight_mib_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_8_mib_notification_round_trips_byte_identical() {
    eight_mib_round_trip(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_8_mib_notification_round_trips_byte_identical() {
    eight_mib_round_trip(Backend::MariaDb).await;
}

/// 40 MiB in one batch: more than one statement may carry (`max_allowed_packet`, 16 MiB by
/// default on MariaDB), and on MySQL 8 more than 10% of a default redo log.
#[tokio::test]
async fn mariadb_batch_of_20_notifications_of_2_mib_is_stored() {
    let setup = Setup::new(Backend::MariaDb).await;
    let bodies: Vec<Vec<u8>> = (0..20).map(|n| sized(&format!("m-{n}"), 2 * MIB)).collect();
    let committed = ingest(&setup, bodies.clone()).await;
    assert_eq!((committed.inserted.len(), committed.quarantined), (20, 0));
    for &(index, id) in &committed.inserted {
        let (_, columns) = setup.store.event_detail(id).await.unwrap().expect("stored");
        assert_same(columns.json.as_bytes(), &bodies[index], "2 MiB event");
    }
}
