//! The web pages' queries and the backend behind them, on SQLite, PostgreSQL and MariaDB: search
//! with paging, drill-down (same value and ±1 minute), one event, host, request, instance, timings,
//! status and quarantine, and the live feed's filtered backfill.

use app::model::now_micros;
use app::model::{
    Count, EventFilter, EventPage, EventRow, Field, Micros, ScopeKind, SearchQuery, UsageKind,
    Window,
};
use app::ssr::Backend as _;
use server::http::web::{DemoStatus, ServerBackend};
use server::ingest::{DeploymentRef, Incoming, Ingestor};
use server::live::Hub;
use server::store::Store;
use server::telemetry::status::StatusBoard;

use crate::helpers::{Backend, TestDb};

/// A Nova notification at `when` (µs), as the consumer would receive it.
pub fn body(event: &str, publisher: &str, when: i64, instance: &str, request: &str) -> Vec<u8> {
    serde_json::json!({
        "event_type": event,
        "publisher_id": publisher,
        "timestamp": app::model::format_micros(Micros(when)),
        "message_id": uuid::Uuid::new_v4().to_string(),
        "_context_request_id": request,
        "_context_project_id": "ten-q1",
        "payload": {"instance_id": instance, "tenant_id": "ten-q1", "state": "active",
                    "instance_type_id": "5"}
    })
    .to_string()
    .into_bytes()
}

/// A store with a deployment, and a way to ingest into it.
pub struct Fixture {
    pub store: Store,
    pub ingestor: Ingestor,
    pub deployment: DeploymentRef,
    /// The hub the ingestor publishes to (its activity counters feed the backend).
    pub hub: Hub,
}

impl Fixture {
    pub async fn new(db: &TestDb) -> Self {
        let store = Store::connect(&db.url).await.expect("database");
        store.migrate().await.expect("migrations");
        Self::on(store, "cell-q").await
    }

    /// Ingesting into `store` (already migrated) under `deployment`, bypassing the broker and
    /// the server's live hub (the fixture has its own).
    pub async fn on(store: Store, deployment: &str) -> Self {
        let id = store
            .ensure_deployment(deployment)
            .await
            .expect("deployment");
        let hub = Hub::new();
        Self {
            ingestor: Ingestor::new(store.clone(), hub.clone()),
            hub,
            store,
            deployment: DeploymentRef {
                id,
                name: deployment.into(),
            },
        }
    }

    pub async fn ingest(&self, messages: Vec<(&str, Vec<u8>)>) {
        let incoming: Vec<Incoming> = messages
            .into_iter()
            .map(|(routing_key, body)| Incoming {
                routing_key: routing_key.to_string(),
                body,
            })
            .collect();
        self.ingestor
            .ingest(&self.deployment, "nova", &incoming)
            .await
            .expect("ingested");
    }

    fn backend(&self) -> ServerBackend {
        ServerBackend {
            store: self.store.clone(),
            board: StatusBoard::default(),
            demo: DemoStatus::default(),
            disabled: Vec::new(),
            live: self.hub.clone(),
            retention: server::retention::Policy::default(),
        }
    }
}

const SEC: i64 = 1_000_000;
const INST: &str = "inst-q1";
const REQ: &str = "req-q1";

/// A lifecycle of instance q1 under request q1 (with an error under q2), 30 events of host
/// cpu-q2, a reboot and a power-off on cpu-q3, and one poison message: 40 events.
async fn ingest_events(fx: &Fixture, base: i64) {
    let (info, cpu1, cpu3) = ("monitor.info", "compute.cpu-q1", "compute.cpu-q3");
    let q1 =
        |event: &str, publisher: &str, s: i64| body(event, publisher, base + s * SEC, INST, REQ);
    let update = "compute.instance.update";
    let mut lifecycle = vec![
        (info, q1(update, "api.api-q1", 0)),
        (info, q1("compute.instance.create.start", cpu1, 1)),
    ];
    for i in 2..5 {
        lifecycle.push((info, q1(update, cpu1, i)));
    }
    lifecycle.push((info, q1("compute.instance.create.end", cpu1, 30)));
    let error = "compute.instance.create.error";
    let error = body(error, cpu1, base + 40 * SEC, INST, "req-q2");
    lifecycle.push(("monitor.error", error));
    fx.ingest(lifecycle).await;
    let exists = |i| {
        body(
            "compute.instance.exists",
            "compute.cpu-q2",
            base + 50 * SEC + i,
            "inst-q2",
            "req-q3",
        )
    };
    fx.ingest((0..30).map(|i| (info, exists(i))).collect())
        .await;
    let q3 = |event: &str, s: i64, req: &str| body(event, cpu3, base + s * SEC, "inst-q3", req);
    fx.ingest(vec![
        (info, q3("compute.instance.reboot.start", 300, "req-q4")),
        (info, q3("compute.instance.reboot.end", 330, "req-q4")),
        (info, q3("compute.instance.power_off.start", 400, "req-q5")),
        (info, b"\xff<b>not json</b>".to_vec()),
    ])
    .await;
}

/// Search by host, without updates, by deployment name, and paged by id cursor; returns the
/// first page of cpu-q2 and its query.
async fn check_search(backend: &ServerBackend) -> (EventPage, SearchQuery) {
    // Search: by host, without updates, by deployment name, and paged by id cursor.
    let mut q = SearchQuery {
        field: Field::Host,
        value: "cpu-q1".into(),
        deployment: None,
        updates: true,
        count: Count::N25,
        before: None,
    };
    let page = backend.search(&q).await.unwrap();
    assert_eq!(
        page.rows.len(),
        6,
        "5 compute events and the error on cpu-q1"
    );
    assert!(
        page.rows.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    q.updates = false;
    assert_eq!(backend.search(&q).await.unwrap().rows.len(), 3);
    q = SearchQuery {
        field: Field::Host,
        value: "cpu-q2".into(),
        updates: true,
        ..q
    };
    let first = backend.search(&q).await.unwrap();
    assert_eq!(first.rows.len(), 25);
    let second = backend
        .search(&SearchQuery {
            before: first.next_before,
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!((second.rows.len(), second.next_before), (5, None));
    assert!(second.rows[0].id < first.rows[24].id);
    let by_name = SearchQuery {
        field: Field::Deployment,
        value: "cell-q".into(),
        count: Count::All,
        ..q.clone()
    };
    assert_eq!(backend.search(&by_name).await.unwrap().rows.len(), 40);
    let unknown = SearchQuery {
        value: "no-such-cell".into(),
        ..by_name
    };
    assert!(backend.search(&unknown).await.unwrap().rows.is_empty());

    (first, q)
}

/// Drill-down by value and by time; returns the reboot.start row.
async fn check_drill(backend: &ServerBackend, first: &EventPage, q: &SearchQuery) -> EventRow {
    // Drill-down by value around a row in the middle: both sides, the anchor included.
    let middle = first.rows[10].clone();
    let d = backend
        .drill(Field::Host, "cpu-q2", middle.id, None, 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.anchor.id, middle.id);
    assert_eq!(d.rows.len(), 11);
    assert_eq!(d.rows[5].id, middle.id);
    assert!(d.more_newer && d.more_older);
    assert!(d.rows.windows(2).all(|w| w[0].id > w[1].id));
    // Drill-down by time: ±1 minute of the reboot.start at base+300 s.
    let reboot = backend
        .search(&SearchQuery {
            field: Field::Host,
            value: "cpu-q3".into(),
            ..q.clone()
        })
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.event == "compute.instance.reboot.start")
        .unwrap();
    let d = backend
        .drill(Field::When, "", reboot.id, None, 100)
        .await
        .unwrap()
        .unwrap();
    let events: Vec<&str> = d.rows.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "compute.instance.reboot.end",
            "compute.instance.reboot.start"
        ]
    );
    assert!(backend
        .drill(Field::Host, "x", 999_999, None, 5)
        .await
        .unwrap()
        .is_none());

    reboot
}

async fn check_event_host_request(backend: &ServerBackend, reboot: &EventRow) {
    let (inst, req) = (INST, REQ);
    // One event: every column, typed, and the JSON as stored (the page pretty-prints it).
    let detail = backend.event(reboot.id).await.unwrap().unwrap();
    assert!(detail
        .json
        .contains("\"event_type\":\"compute.instance.reboot.start\""));
    assert!(app::components::pretty_json(&detail.json)
        .contains("\n  \"event_type\": \"compute.instance.reboot.start\""));
    assert_eq!(detail.columns.state.as_deref(), Some("active"));
    assert_eq!(detail.row.id, reboot.id);

    // Host page: counts and recent errors.
    let host = backend.scope(ScopeKind::Host, "cpu-q1").await.unwrap();
    assert_eq!((host.errors_hour, host.errors_day), (1, 1));
    assert_eq!(host.recent.len(), 6);
    assert_eq!(host.recent_errors.len(), 1);
    assert!(host
        .by_event
        .iter()
        .any(|c| c.event == "compute.instance.update" && c.count == 3));

    // Request: events in order, end-to-end span, KPI from the API update to create.end.
    let r = backend.request(req).await.unwrap();
    assert_eq!(r.rows.len(), 6);
    assert_eq!(r.duration_us, Some(30 * SEC));
    let kpi = r.kpi.expect("a KPI tracker");
    assert_eq!((kpi.duration_us, kpi.instance.as_str()), (30 * SEC, inst));
}

async fn check_instance(backend: &ServerBackend) {
    let (inst, req) = (INST, REQ);
    // Instance: lifecycle, events in order, a complete create timing, the request's KPI.
    let i = backend.instance(inst).await.unwrap();
    assert!(i.lifecycle.is_some());
    assert_eq!(i.events.len(), 7);
    assert!(i.events.windows(2).all(|w| w[0].when <= w[1].when));
    let create = i
        .timings
        .iter()
        .find(|t| t.name == "compute.instance.create")
        .unwrap();
    assert_eq!((create.state(), create.diff_us), (".", Some(29 * SEC)));
    assert!(i.requests.iter().any(|k| k.request_id == req));
    let usage = i
        .usage
        .iter()
        .find(|u| u.kind == UsageKind::Usage)
        .expect("a usage row");
    assert_eq!(usage.request_id.as_deref(), Some(req));
    assert_eq!(usage.instance_type_id.as_deref(), Some("5"));
    assert_eq!(usage.audit_period_beginning, None);
}

async fn check_timings_and_status(backend: &ServerBackend) {
    // Timings: per-operation statistics and the slowest requests.
    let t = backend.timings(Window::Day).await.unwrap();
    let op = t
        .ops
        .iter()
        .find(|o| o.name == "compute.instance.create")
        .unwrap();
    assert_eq!((op.count, op.p50, op.max), (1, 29 * SEC, 29 * SEC));
    assert!(t.slowest.iter().any(|k| k.request_id == REQ));

    // Status: the quarantined message, readable, and the database size.
    let s = backend.status().await.unwrap();
    assert_eq!(s.quarantine_total, 1);
    assert!(s.database.size_bytes > 0);
    let q = backend
        .quarantined(s.quarantine[0].id)
        .await
        .unwrap()
        .unwrap();
    assert!(q.text.contains("<b>not json</b>") && q.text.starts_with('\u{fffd}'));
    assert!(q.hex.starts_with("00000000  ff 3c 62 3e"));
    assert_eq!(q.row.size, 16);

    // Activity counters come from the live hub, merged in by the backend.
    let home = backend.home().await.unwrap();
    let cell = &home.deployments[0];
    assert_eq!(cell.errors_hour, 1, "the create.error");
    assert!((1..=40).contains(&cell.per_minute), "{}", cell.per_minute);
    assert_eq!((s.deployments[0].errors_hour, s.subscribers), (1, 0));
}

async fn check_feed(backend: &ServerBackend, fx: &Fixture) {
    // The live feed's filtered first page, backfill and skipped count.
    let filter = EventFilter::from_pairs([("host", "cpu-q1"), ("errors", "1")]);
    let feed = backend
        .feed(&filter, 10)
        .await
        .unwrap()
        .expect("no deployment filter");
    assert_eq!(feed.title, "All");
    assert_eq!(feed.rows.len(), 1);
    assert!(feed.cursor >= feed.rows[0].id);
    let after = fx
        .store
        .matching_after(0, feed.cursor, &filter, 100)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    let all = EventFilter::default();
    let total = fx
        .store
        .count_matching_between(0, feed.cursor, &all)
        .await
        .unwrap();
    assert_eq!(total, 40);
    let none = EventFilter::from_pairs([("host", "nowhere")]);
    let empty = backend.feed(&none, 10).await.unwrap().unwrap();
    assert!(empty.rows.is_empty());
    assert_eq!(
        empty.cursor, feed.cursor,
        "an empty feed resumes after the newest id"
    );
    // Titled by the backend: the deployment's name; no feed for an unknown deployment.
    let mut of_cell = EventFilter {
        deployment: Some(fx.deployment.id),
        ..EventFilter::default()
    };
    let titled = backend.feed(&of_cell, 1).await.unwrap().unwrap();
    assert_eq!(titled.title, "cell-q");
    of_cell.deployment = Some(999_999);
    assert!(backend.feed(&of_cell, 1).await.unwrap().is_none());
}

async fn pages_answer_from_the_store(kind: Backend) {
    let db = TestDb::new(kind);
    let fx = Fixture::new(&db).await;
    ingest_events(&fx, now_micros() - 600 * SEC).await;
    let backend = fx.backend();
    let (first, q) = check_search(&backend).await;
    let reboot = check_drill(&backend, &first, &q).await;
    check_event_host_request(&backend, &reboot).await;
    check_instance(&backend).await;
    check_timings_and_status(&backend).await;
    check_feed(&backend, &fx).await;
}

#[tokio::test]
async fn pages_answer_from_sqlite() {
    pages_answer_from_the_store(Backend::Sqlite).await;
}

#[tokio::test]
async fn pages_answer_from_postgres() {
    pages_answer_from_the_store(Backend::Postgres).await;
}

#[tokio::test]
async fn pages_answer_from_mariadb() {
    pages_answer_from_the_store(Backend::MariaDb).await;
}
