//! Aggregation end to end through `Ingestor::ingest` on SQLite and PostgreSQL: whole instance
//! operations from the notigen fixtures, cross-operation links (exists → usage and delete),
//! redelivery, and a bulk consistency check over the simulator's interleaved traffic.

mod bulk;
mod render;
mod throughput;

use serde_json::{json, Value};
use server::ingest::{DeploymentRef, Incoming, Ingestor};
use server::live::Hub;
use server::store::Store;

use crate::helpers::{Backend, TestDb};
use render::{format_micros, render, Rendered};

/// 2024-03-01 12:00:00 UTC.
const BASE: i64 = 1_709_294_400_000_000;

/// A migrated store with one deployment, and an ingestor on it.
pub struct Setup {
    pub _db: TestDb,
    pub store: Store,
    pub ingestor: Ingestor,
    pub deployment: DeploymentRef,
}

impl Setup {
    pub async fn new(backend: Backend) -> Self {
        let db = TestDb::new(backend);
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let id = store.ensure_deployment("cell-a").await.expect("deployment");
        let ingestor = Ingestor::new(store.clone(), Hub::new());
        let deployment = DeploymentRef {
            id,
            name: "cell-a".into(),
        };
        Self {
            _db: db,
            store,
            ingestor,
            deployment,
        }
    }

    /// Ingests `bodies` on `exchange` in batches of `batch`; returns how many were new.
    pub async fn ingest(&self, exchange: &str, bodies: &[Value], batch: usize) -> usize {
        let mut inserted = 0;
        for chunk in bodies.chunks(batch) {
            let messages: Vec<Incoming> = chunk
                .iter()
                .map(|b| Incoming {
                    routing_key: "monitor.info".into(),
                    body: b.to_string().into_bytes(),
                })
                .collect();
            let committed = self
                .ingestor
                .ingest(&self.deployment, exchange, &messages)
                .await
                .expect("ingest");
            assert_eq!(committed.quarantined, 0, "nothing quarantined");
            inserted += committed.inserted.len();
        }
        inserted
    }
}

fn bodies(rendered: &[Rendered]) -> Vec<Value> {
    rendered.iter().map(|r| r.body.clone()).collect()
}

fn last<'a>(rendered: &'a [Rendered], event: &str) -> &'a Rendered {
    rendered
        .iter()
        .rev()
        .find(|r| r.event() == event)
        .expect(event)
}

fn micros(text: &str) -> i64 {
    server::notification::parse_timestamp(text).expect("a timestamp")
}

async fn create_sequence(backend: Backend) {
    let setup = Setup::new(backend).await;
    let instance = "11111111-2222-4333-8444-555555555555";
    let seq = render("compute.instance.create.start_24.json", 1, instance, BASE);
    assert_eq!(setup.ingest("nova", &bodies(&seq), 7).await, seq.len());
    let store = &setup.store;

    let lifecycle = store.lifecycle(instance).await.unwrap().expect("lifecycle");
    let final_event = seq.last().unwrap();
    assert_eq!(
        lifecycle.last_state.unwrap_or_default(),
        final_event.text("/payload/state")
    );
    assert_eq!(
        lifecycle.last_task_state.unwrap_or_default(),
        final_event.text("/payload/old_task_state")
    );

    let timings = store.timings_of(instance).await.unwrap();
    let names: Vec<&str> = timings.iter().map(|t| t.name.as_str()).collect();
    // The scheduler's events carry no instance id: v2 times them nowhere.
    assert_eq!(names, ["compute.instance.create"]);
    for t in &timings {
        let start = last(&seq, &format!("{}.start", t.name)).when_us;
        let end = last(&seq, &format!("{}.end", t.name)).when_us;
        assert_eq!(
            (t.start_when, t.end_when, t.diff),
            (Some(start), Some(end), Some(end - start))
        );
    }

    let request = seq[0].body["_context_request_id"].as_str().unwrap();
    let tracker = store
        .request_tracker(request)
        .await
        .unwrap()
        .expect("one tracker");
    let create_end = last(&seq, "compute.instance.create.end");
    assert_eq!(
        tracker.start, seq[0].when_us,
        "the API's update starts the clock"
    );
    assert_eq!(tracker.duration, create_end.when_us - seq[0].when_us);
    assert_eq!(tracker.last_timing_id, Some(timings[0].id));
    assert_eq!(tracker.lifecycle_id, lifecycle.id);

    let usages = store.instance_usages(instance).await.unwrap();
    assert_eq!(usages.len(), 1, "one usage per (instance, request)");
    assert_eq!(
        usages[0].launched_at,
        Some(micros(&create_end.text("/payload/launched_at")))
    );
    assert_eq!(usages[0].instance_type_id.as_deref(), Some("2"));
    assert_eq!(usages[0].tenant.as_deref(), Some("tenant-11111111"));
}

#[tokio::test]
async fn sqlite_create_sequence() {
    create_sequence(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_create_sequence() {
    create_sequence(Backend::Postgres).await;
}

async fn resize_sequence(backend: Backend) {
    let setup = Setup::new(backend).await;
    let instance = "22222222-2222-4333-8444-555555555555";
    let seq = render(
        "compute.instance.resize.prep.start_24.json",
        2,
        instance,
        BASE,
    );
    assert_eq!(setup.ingest("nova", &bodies(&seq), 500).await, seq.len());
    let timings = setup.store.timings_of(instance).await.unwrap();
    let mut names: Vec<&str> = timings.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    let expected = [
        "compute.instance.finish_resize",
        "compute.instance.resize",
        "compute.instance.resize.prep",
    ];
    assert_eq!(names, expected);
    assert!(timings
        .iter()
        .all(|t| t.diff == Some(t.end_when.unwrap() - t.start_when.unwrap())));

    let usages = setup.store.instance_usages(instance).await.unwrap();
    assert_eq!(usages.len(), 1);
    let finish_end = last(&seq, "compute.instance.finish_resize.end");
    assert_eq!(
        usages[0].instance_type_id.as_deref(),
        Some("7"),
        "finish_resize overwrites"
    );
    assert_eq!(
        usages[0].launched_at,
        Some(micros(&finish_end.text("/payload/launched_at")))
    );

    let exists = setup.store.instance_exists(instance).await.unwrap();
    let exists_event = last(&seq, "compute.instance.exists");
    assert_eq!(exists.len(), 1);
    assert_eq!(exists[0].status, "pending");
    assert_eq!(exists[0].send_status, 0);
    assert_eq!(
        exists[0].message_id.as_deref(),
        exists_event.body["message_id"].as_str()
    );
    let beginning = micros(&exists_event.text("/payload/audit_period_beginning"));
    assert_eq!(exists[0].audit_period_beginning, beginning);
}

#[tokio::test]
async fn sqlite_resize_sequence() {
    resize_sequence(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_resize_sequence() {
    resize_sequence(Backend::Postgres).await;
}

/// create → end-of-day exists → delete on one instance: the exists links the usage, the
/// delete row prefers `terminated_at`, and a second exists after the delete links the delete.
async fn create_exists_delete(backend: Backend) {
    let setup = Setup::new(backend).await;
    let instance = "33333333-2222-4333-8444-555555555555";
    let create = render("compute.instance.create.start_24.json", 3, instance, BASE);
    let launched = last(&create, "compute.instance.create.end").text("/payload/launched_at");
    let mut exists = render("eod_exists.json", 30, instance, BASE + 86_400_000_000);
    exists[0].body["payload"]["launched_at"] = json!(format_micros(micros(&launched) - 300_000));
    let delete = render(
        "compute.instance.delete.start_8.json",
        31,
        instance,
        BASE + 2 * 86_400_000_000,
    );
    let mut all = bodies(&create);
    all.extend(bodies(&exists));
    all.extend(delete.iter().map(|r| {
        let mut body = r.body.clone();
        if body["payload"].get("launched_at").is_some() {
            body["payload"]["launched_at"] = json!(launched);
        }
        body
    }));
    let mut late = exists[0].body.clone();
    late["message_id"] = json!("late-exists");
    late["payload"]["deleted_at"] = json!(format_micros(BASE + 2 * 86_400_000_000));
    all.push(late);
    assert_eq!(setup.ingest("nova", &all, 10).await, all.len());

    let store = &setup.store;
    let usage = &store.instance_usages(instance).await.unwrap()[0];
    let deletes = store.instance_deletes(instance).await.unwrap();
    assert_eq!(deletes.len(), 1);
    let delete_end = last(&delete, "compute.instance.delete.end");
    let terminated = delete_end.text("/payload/terminated_at");
    let expected_deleted = if terminated.is_empty() {
        delete_end.text("/payload/deleted_at")
    } else {
        terminated
    };
    assert_eq!(deletes[0].1, micros(&launched));
    assert_eq!(deletes[0].2, Some(micros(&expected_deleted)));

    let rows = store.instance_exists(instance).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].usage_id,
        Some(usage.id),
        "launched within a second of the usage"
    );
    assert_eq!((rows[0].delete_id, rows[0].deleted_at), (None, None));
    assert_eq!(rows[1].delete_id, Some(deletes[0].0));
    assert_eq!(rows[1].bandwidth_public_out, rows[0].bandwidth_public_out);
}

#[tokio::test]
async fn sqlite_create_exists_delete() {
    create_exists_delete(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_create_exists_delete() {
    create_exists_delete(Backend::Postgres).await;
}

/// Redelivering whole batches stores nothing and aggregates nothing a second time.
async fn redelivery_aggregates_nothing_twice(backend: Backend) {
    let setup = Setup::new(backend).await;
    let seq = render(
        "compute.instance.create.start_24.json",
        4,
        "44444444-2222-4333-8444-555555555555",
        BASE,
    );
    let resize = render(
        "compute.instance.resize.prep.start_24.json",
        40,
        "44444444-2222-4333-8444-555555555555",
        BASE + 3_600_000_000,
    );
    let mut all = bodies(&seq);
    all.extend(bodies(&resize));
    setup.ingest("nova", &all, 9).await;
    let before = setup.store.aggregate_counts().await.unwrap();
    let tracker = setup
        .store
        .request_tracker(seq[0].body["_context_request_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(setup.ingest("nova", &all, 9).await, 0, "all duplicates");
    assert_eq!(setup.ingest("nova", &all, 500).await, 0, "all duplicates");
    assert_eq!(setup.store.aggregate_counts().await.unwrap(), before);
    let again = setup
        .store
        .request_tracker(seq[0].body["_context_request_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(again, tracker);
    // lifecycles, timings, trackers, usages and exists were written (this workload deletes nothing).
    assert_eq!(
        before.iter().map(|&n| n > 0).collect::<Vec<_>>()[..6],
        [true, true, true, true, false, true],
        "{before:?}"
    );
}

#[tokio::test]
async fn sqlite_redelivery_aggregates_nothing_twice() {
    redelivery_aggregates_nothing_twice(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_redelivery_aggregates_nothing_twice() {
    redelivery_aggregates_nothing_twice(Backend::Postgres).await;
}
