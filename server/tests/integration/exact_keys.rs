//! Keys that differ only by letter case, an accent or a trailing space are different keys on
//! every backend: each spelling is its own stored event, lifecycle, timing and request tracker,
//! in one batch and across batches. A case- or accent-insensitive or PAD SPACE collation
//! (MySQL's defaults) would merge them: dedupe would drop distinct messages and an upsert would
//! return a row the batch cannot find by its exact key (PLAN D1).

use std::collections::HashSet;

use serde_json::Value;
use server::ingest::Incoming;

use crate::aggregate::Setup;
use crate::helpers::{nova_body, Backend};

/// One spelling per way a lax collation could merge it with the first.
const SPELLINGS: [&str; 5] = ["Key-é", "key-é", "KEY-É", "Key-é ", "Key-e"];

/// A request of `key`: the API's update (starts its tracker), then `create.start` and
/// `create.end` of its instance (a timing that ends the tracker two seconds later).
fn request(key: &str) -> Vec<Value> {
    let (instance, request) = (format!("inst-{key}"), format!("req-{key}"));
    [
        ("compute.instance.update", "api.api-k01", "00"),
        ("compute.instance.create.start", "compute.cpu-k01", "01"),
        ("compute.instance.create.end", "compute.cpu-k01", "02"),
    ]
    .iter()
    .enumerate()
    .map(|(n, (event, publisher, second))| {
        let when = format!("2026-11-24 10:00:{second}.000000");
        let message_id = format!("{n}:{key}");
        nova_body(event, publisher, &when, &message_id, &instance, &request)
    })
    .collect()
}

/// Ingests `bodies` as one nova batch: (newly stored, duplicates, quarantined).
async fn ingest(setup: &Setup, bodies: &[Value]) -> (usize, usize, usize) {
    let messages: Vec<Incoming> = bodies
        .iter()
        .map(|b| Incoming {
            routing_key: "monitor.info".into(),
            body: b.to_string().into_bytes(),
        })
        .collect();
    let committed = setup
        .ingestor
        .ingest(&setup.deployment, "nova", &messages)
        .await
        .expect("ingest");
    (
        committed.inserted.len(),
        committed.duplicates,
        committed.quarantined,
    )
}

async fn keys_stay_distinct(backend: Backend) {
    let setup = Setup::new(backend).await;
    let first: Vec<Value> = SPELLINGS[..2].iter().flat_map(|k| request(k)).collect();
    assert_eq!(ingest(&setup, &first).await, (6, 0, 0), "one batch");
    // The other spellings after the first two are stored, with the first batch redelivered.
    let mut second: Vec<Value> = SPELLINGS[2..].iter().flat_map(|k| request(k)).collect();
    second.extend(first);
    assert_eq!(ingest(&setup, &second).await, (9, 6, 0), "across batches");

    let store = &setup.store;
    let (mut lifecycles, mut trackers) = (HashSet::new(), HashSet::new());
    for key in SPELLINGS {
        let ids: Vec<String> = (0..3).map(|n| format!("{n}:{key}")).collect();
        assert_eq!(store.count_events_with_message_ids(&ids).await.unwrap(), 3);
        let instance = format!("inst-{key}");
        let lifecycle = store.lifecycle(&instance).await.unwrap().expect(&instance);
        assert_eq!(lifecycle.instance, instance);
        let timings = store.timings_of(&instance).await.unwrap();
        assert_eq!(timings.len(), 1, "{instance:?}");
        assert_eq!(timings[0].diff, Some(1_000_000), "{instance:?}");
        let request = format!("req-{key}");
        let tracker = store
            .request_tracker(&request)
            .await
            .unwrap()
            .expect(&request);
        assert_eq!(tracker.request_id, request);
        assert_eq!(tracker.lifecycle_id, lifecycle.id, "{request:?}");
        assert_eq!(tracker.duration, 2_000_000, "{request:?}");
        lifecycles.insert(lifecycle.id);
        trackers.insert(tracker.id);
    }
    assert_eq!((lifecycles.len(), trackers.len()), (5, 5));
    let counts = store.aggregate_counts().await.unwrap();
    assert_eq!(counts[..3], [5, 5, 5], "lifecycles, timings, trackers");
}

#[tokio::test]
async fn sqlite_keys_differing_by_case_accent_or_trailing_space_stay_distinct() {
    keys_stay_distinct(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_keys_differing_by_case_accent_or_trailing_space_stay_distinct() {
    keys_stay_distinct(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_keys_differing_by_case_accent_or_trailing_space_stay_distinct() {
    keys_stay_distinct(Backend::MariaDb).await;
}
