//! Aggregation end to end through `Ingestor::ingest` on SQLite, PostgreSQL and MariaDB: whole
//! instance operations from the notigen fixtures, cross-operation links (exists → usage and
//! delete), redelivery, and a bulk consistency check over the simulator's interleaved traffic.

mod bulk;
mod links;
mod minute_ids;
mod plans;
mod render;
mod rollups;
mod scope_rollups;
mod stacky_names;
mod throughput;
mod timings_page;
mod tracker_ends;

use serde_json::Value;
use server::ingest::{DeploymentRef, Incoming, Ingestor};
use server::live::Hub;
use server::store::Store;

use crate::helpers::{Backend, TestDb};
use render::{render, Rendered};

/// 2024-03-01 12:00:00 UTC.
const BASE: i64 = 1_709_294_400_000_000;

/// A migrated store with one deployment, and an ingestor on it.
pub struct Setup {
    pub db: TestDb,
    pub store: Store,
    pub ingestor: Ingestor,
    pub deployment: DeploymentRef,
}

impl Setup {
    pub async fn new(backend: Backend) -> Self {
        Self::on(TestDb::new(backend)).await
    }

    /// A setup on `db` (migrated again: a no-op when it already is).
    pub async fn on(db: TestDb) -> Self {
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let id = store.ensure_deployment("cell-a").await.expect("deployment");
        let ingestor = Ingestor::new(store.clone(), Hub::new());
        let deployment = DeploymentRef {
            id,
            name: "cell-a".into(),
        };
        Self {
            db,
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

pub fn bodies(rendered: &[Rendered]) -> Vec<Value> {
    rendered.iter().map(|r| r.body.clone()).collect()
}

pub fn last<'a>(rendered: &'a [Rendered], event: &str) -> &'a Rendered {
    rendered
        .iter()
        .rev()
        .find(|r| r.event() == event)
        .expect(event)
}

pub fn micros(text: &str) -> i64 {
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

#[tokio::test]
async fn mariadb_create_sequence() {
    create_sequence(Backend::MariaDb).await;
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

#[tokio::test]
async fn mariadb_resize_sequence() {
    resize_sequence(Backend::MariaDb).await;
}
