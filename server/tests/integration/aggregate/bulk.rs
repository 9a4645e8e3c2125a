//! Bulk consistency: the simulator's interleaved traffic (nova and glance) through the ingestor
//! in 500-message batches, checked against what the bodies themselves say; the same on every
//! backend; redelivery changes nothing (the timing and scope rollups and the minutes' id ranges
//! included).

use std::collections::HashMap;

use serde_json::Value;
use server::cmd::simulate::notigen::{Generator, GeneratorOptions};

use super::{Setup, BASE};
use crate::helpers::Backend;

/// What the bodies say each instance and request must aggregate to.
#[derive(Default)]
struct Expected {
    /// Instance → (state, old task state) of its last nova event.
    last: HashMap<String, (String, String)>,
    /// Instance → number of `.start` events.
    starts: HashMap<String, usize>,
    /// Request id → time of its first API update.
    tracker_start: HashMap<String, i64>,
}

fn text(body: &Value, pointer: &str) -> String {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// v2's instance lookup order.
fn instance_of(body: &Value) -> String {
    let mut found = text(body, "/payload/instance_id");
    if body.pointer("/payload/instance_uuid").is_some() {
        found = text(body, "/payload/instance_uuid");
    }
    for pointer in ["/payload/exception/kwargs/uuid", "/payload/instance/uuid"] {
        if found.is_empty() {
            found = text(body, pointer);
        }
    }
    found
}

fn expected(stream: &[(String, Value)]) -> Expected {
    let mut e = Expected::default();
    for (exchange, body) in stream {
        let instance = instance_of(body);
        if exchange != "nova" || instance.is_empty() {
            continue;
        }
        let state = (
            text(body, "/payload/state"),
            text(body, "/payload/old_task_state"),
        );
        e.last.insert(instance.clone(), state);
        let event = text(body, "/event_type");
        if event.ends_with(".start") {
            *e.starts.entry(instance).or_default() += 1;
        }
        let service = text(body, "/publisher_id");
        let service = service.split('.').next().unwrap_or("");
        let request = text(body, "/_context_request_id");
        if event == "compute.instance.update" && service.contains("api") && !request.is_empty() {
            let when = server::notification::parse_timestamp(&text(body, "/timestamp")).unwrap();
            e.tracker_start.entry(request).or_insert(when);
        }
    }
    e
}

/// Ingests `stream` in order: runs of one exchange, 500 per batch.
async fn ingest_all(setup: &Setup, stream: &[(String, Value)]) -> usize {
    let mut inserted = 0;
    let mut start = 0;
    while start < stream.len() {
        let exchange = &stream[start].0;
        let run = stream[start..]
            .iter()
            .take_while(|(x, _)| x == exchange)
            .count();
        let bodies: Vec<Value> = stream[start..start + run]
            .iter()
            .map(|(_, b)| b.clone())
            .collect();
        inserted += setup.ingest(exchange, &bodies, 500).await;
        start += run;
    }
    inserted
}

async fn bulk(backend: Backend, stream: &[(String, Value)]) -> Vec<i64> {
    let setup = Setup::new(backend).await;
    assert_eq!(ingest_all(&setup, stream).await, stream.len());
    let expected = expected(stream);
    for (instance, (state, old_task)) in &expected.last {
        let lifecycle = setup
            .store
            .lifecycle(instance)
            .await
            .unwrap()
            .expect("lifecycle");
        assert_eq!(
            lifecycle.last_state.as_deref().unwrap_or(""),
            state,
            "{instance}"
        );
        assert_eq!(
            lifecycle.last_task_state.as_deref().unwrap_or(""),
            old_task,
            "{instance}"
        );
        let timings = setup.store.timings_of(instance).await.unwrap();
        let started = timings.iter().filter(|t| t.start_raw_id.is_some()).count();
        assert_eq!(
            started,
            expected.starts.get(instance).copied().unwrap_or(0),
            "{instance}"
        );
        for t in timings
            .iter()
            .filter(|t| t.end_when.is_some() && t.start_when.is_some())
        {
            assert_eq!(t.diff, Some(t.end_when.unwrap() - t.start_when.unwrap()));
        }
    }
    for (request, start) in &expected.tracker_start {
        let tracker = setup
            .store
            .request_tracker(request)
            .await
            .unwrap()
            .expect("tracker");
        assert_eq!(tracker.start, *start, "{request}");
        assert!(tracker.duration >= 0);
    }
    let instances: Vec<&String> = expected.last.keys().collect();
    super::rollups::check(&setup, backend, &instances).await;
    derived(&setup, backend, "ingested").await;
    let counts = setup.store.aggregate_counts().await.unwrap();
    let rollups = setup.store.timing_buckets_since(i64::MIN).await.unwrap();
    assert_eq!(ingest_all(&setup, stream).await, 0, "redelivered");
    assert_eq!(setup.store.aggregate_counts().await.unwrap(), counts);
    assert_eq!(
        setup.store.timing_buckets_since(i64::MIN).await.unwrap(),
        rollups,
        "a redelivery adds nothing to the rollups"
    );
    derived(&setup, backend, "redelivered").await;
    counts
}

/// What is kept beside the events, against the stored rows: the host and tenant rollups, the
/// minutes' id ranges, the `/stacky` names, the trackers' end events, the exists counts.
async fn derived(setup: &Setup, backend: Backend, what: &str) {
    super::scope_rollups::check(setup, backend).await;
    super::minute_ids::check(setup, backend).await;
    super::stacky_names::check(setup, backend).await;
    super::tracker_ends::check(setup, backend).await;
    crate::helpers::assert_exists_counts(&setup.store, &format!("{backend:?} {what}")).await;
}

#[tokio::test]
async fn simulated_traffic_aggregates_consistently_on_all_backends() {
    let options = GeneratorOptions {
        operations_per_minute: 600.0,
        time_scale: 0.05,
        max_in_flight: 100,
    };
    let stream: Vec<(String, Value)> = Generator::new(42, options, BASE)
        .take(4_000)
        .into_iter()
        .map(|o| {
            (
                o.exchange,
                serde_json::from_str(&o.body).expect("JSON body"),
            )
        })
        .collect();
    let sqlite = bulk(Backend::Sqlite, &stream).await;
    let postgres = bulk(Backend::Postgres, &stream).await;
    let mariadb = bulk(Backend::MariaDb, &stream).await;
    assert_eq!(
        sqlite, postgres,
        "identical aggregates on SQLite and PostgreSQL"
    );
    assert_eq!(
        sqlite, mariadb,
        "identical aggregates on SQLite and MariaDB"
    );
    assert!(sqlite.iter().take(6).all(|&n| n > 0), "{sqlite:?}");
}
