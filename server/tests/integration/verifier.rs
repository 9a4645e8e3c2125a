//! The usage verifier end to end, on SQLite, PostgreSQL and MariaDB with the real broker: launches,
//! deletes and exists ingested through the pipeline, one `verify --once`-equivalent pass, the
//! statuses and v2's reasons in the database, and the verified notifications consumed from a queue
//! bound to the `nova`/`glance` exchanges, one-to-one with the verified rows.

use std::collections::HashMap;
use std::path::Path;

use app::model::{format_micros, now_micros, Micros};
use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};
use serde_json::{json, Value};
use server::cmd::serve::{Application, BillingSettings, Settings};
use server::config::verifier::VerifierConfig;
use server::ingest::{DeploymentRef, Incoming, Ingestor};
use server::live::Hub;
use server::store::{Claim, ExistsState, StatusWrite, Store};
use server::telemetry::metrics::Metrics;
use server::telemetry::verifier as vm;
use server::verifier::model::{ExistsStatus, Service};
use server::verifier::run::{RunSettings, Verifier};
use server::verifier::verified_message_id;

use tokio_util::sync::CancellationToken;

use crate::helpers::{
    assert_exists_counts, deployments, eventually, http_get, Backend, TestDb, TestVhost,
};

const SEC: i64 = 1_000_000;
const TENANT: &str = "a1b2c3";
const OWNER: &str = "0ddba11";

fn when(us: i64) -> String {
    format_micros(Micros(us))
}

/// A Nova notification body.
fn nova(event: &str, instance: &str, request: &str, payload: Value) -> Vec<u8> {
    let mut p = json!({"instance_id": instance, "tenant_id": TENANT, "state": "active",
        "image_meta": {"com.rackspace__1__options": "0", "org.openstack__1__architecture": "x64",
                       "org.openstack__1__os_distro": "ubuntu", "org.openstack__1__os_version": "12.04"}});
    p.as_object_mut()
        .unwrap()
        .extend(payload.as_object().unwrap().clone());
    json!({"event_type": event, "publisher_id": "compute.cpu-v1.example.net",
        "timestamp": when(now_micros()), "priority": "INFO",
        "message_id": uuid::Uuid::new_v4().to_string(),
        "_context_request_id": request, "_context_project_id": TENANT, "payload": p})
    .to_string()
    .into_bytes()
}

/// What the scenario plants: launch times and the audit period.
struct Plan {
    launched: i64,
    begin: i64,
    end: i64,
}

impl Plan {
    fn new() -> Self {
        let end = now_micros() / SEC * SEC - 86_400 * SEC;
        Self {
            launched: end - 3 * 86_400 * SEC,
            begin: end - 86_400 * SEC,
            end,
        }
    }

    fn launch(&self, instance: &str, request: &str, flavor: &str, at: i64) -> Vec<u8> {
        nova(
            "compute.instance.create.end",
            instance,
            request,
            json!({"launched_at": when(at), "instance_type_id": flavor, "message": "Success"}),
        )
    }

    fn delete(&self, instance: &str, deleted: i64) -> Vec<u8> {
        nova(
            "compute.instance.delete.end",
            instance,
            "req-del",
            json!({"launched_at": when(self.launched), "deleted_at": when(deleted),
                   "terminated_at": when(deleted), "instance_type_id": "1"}),
        )
    }

    fn exists(&self, instance: &str, flavor: &str, deleted: Option<i64>) -> Vec<u8> {
        let mut p = json!({"launched_at": when(self.launched), "instance_type_id": flavor,
            "audit_period_beginning": when(self.begin), "audit_period_ending": when(self.end)});
        if let Some(d) = deleted {
            p["deleted_at"] = json!(when(d));
        }
        nova("compute.instance.exists", instance, "req-exists", p)
    }

    fn glance_activate(&self, uuid: &str) -> Vec<u8> {
        glance(
            "image.activate",
            json!({"id": uuid, "owner": OWNER, "size": 1024,
            "created_at": when(self.launched), "status": "active"}),
        )
    }

    fn glance_exists(&self, uuids: &[&str]) -> Vec<u8> {
        let images: Vec<Value> = uuids
            .iter()
            .map(|u| {
                json!({"id": u, "size": 1024,
            "created_at": when(self.launched), "deleted_at": null})
            })
            .collect();
        glance(
            "image.exists",
            json!({"owner": OWNER, "images": images,
            "audit_period_beginning": when(self.begin), "audit_period_ending": when(self.end)}),
        )
    }
}

fn glance(event: &str, payload: Value) -> Vec<u8> {
    json!({"event_type": event, "publisher_id": "glance-api01.example.net",
        "timestamp": when(now_micros()), "priority": "INFO",
        "message_id": uuid::Uuid::new_v4().to_string(), "payload": payload})
    .to_string()
    .into_bytes()
}

async fn ingest(store: &Store, exchange: &str, bodies: Vec<Vec<u8>>) {
    let deployment = DeploymentRef {
        id: store.ensure_deployment("cell-v").await.unwrap(),
        name: "cell-v".into(),
    };
    let incoming: Vec<Incoming> = bodies
        .into_iter()
        .map(|body| Incoming {
            routing_key: "notifications.info".into(),
            body,
        })
        .collect();
    for m in incoming {
        Ingestor::new(store.clone(), Hub::new())
            .ingest(&deployment, exchange, &[m])
            .await
            .expect("ingested");
    }
}

fn config_text(vhost: &str, backoff: u32) -> String {
    format!(
        r#"{{"tick_time": 1, "settle_time": 5, "settle_units": "minutes",
        "pool_size": 2, "enable_notifications": true, "validation_level": "basic",
        "flavor_field_name": "instance_type_id", "exponential_backoff_limit": {backoff},
        "rabbit": {{"durable_queue": false, "host": "127.0.0.1", "port": 5672,
            "userid": "guest", "password": "guest", "virtual_host": "{vhost}",
            "topics": {{"nova": ["notifications.info", "monitor.billing"], "glance": null}}}}}}"#
    )
}

fn settings(vhost: &str, backoff: u32) -> RunSettings {
    let text = config_text(vhost, backoff);
    RunSettings::from_config(&VerifierConfig::parse(Path::new("v.json"), &text).expect("config"))
}

/// A queue bound to both service exchanges, every routing key.
async fn bind_queue(vhost: &TestVhost) -> (Connection, lapin::Channel) {
    let conn = Connection::connect(&vhost.amqp_uri(), ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    ch.queue_declare(
        "billing".into(),
        QueueDeclareOptions::default(),
        FieldTable::default(),
    )
    .await
    .unwrap();
    for exchange in ["nova", "glance"] {
        ch.exchange_declare(
            exchange.into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
        ch.queue_bind(
            "billing".into(),
            exchange.into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    }
    (conn, ch)
}

/// Every message now in the queue: (exchange, routing key, AMQP message id, body).
async fn drain(ch: &lapin::Channel, expected: usize) -> Vec<(String, String, String, Value)> {
    let mut consumer = ch
        .basic_consume(
            "billing".into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    loop {
        let wait = if out.len() < expected { 10 } else { 1 };
        match tokio::time::timeout(std::time::Duration::from_secs(wait), consumer.next()).await {
            Ok(Some(Ok(d))) => {
                d.ack(BasicAckOptions::default()).await.unwrap();
                let id = d
                    .properties
                    .message_id()
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                let body: Value = serde_json::from_slice(&d.data).unwrap();
                out.push((d.exchange.to_string(), d.routing_key.to_string(), id, body));
            }
            _ => break,
        }
    }
    ch.basic_cancel(consumer.tag(), Default::default())
        .await
        .unwrap();
    out
}

fn by_subject(states: &[ExistsState]) -> HashMap<String, ExistsState> {
    states
        .iter()
        .map(|s| (s.subject.clone().unwrap_or_default(), s.clone()))
        .collect()
}

async fn plant(store: &Store, plan: &Plan) {
    let l = plan.launched;
    let mut bodies = vec![
        plan.launch("inst-ok", "req-a", "1", l),
        plan.exists("inst-ok", "1", None),
        plan.launch("inst-del", "req-b", "1", l),
        plan.delete("inst-del", plan.begin + 3600 * SEC),
        plan.exists("inst-del", "1", Some(plan.begin + 3600 * SEC)),
        plan.exists("inst-nolaunch", "1", None),
        plan.launch("inst-flavor", "req-d", "1", l),
        plan.exists("inst-flavor", "2", None),
        plan.launch("inst-nodel", "req-e", "1", l),
        plan.delete("inst-nodel", plan.begin + 60 * SEC),
        plan.exists("inst-nodel", "1", None),
        // The exists first: its usage is not linked, and two launches share its second.
        plan.exists("inst-amb", "1", None),
        plan.launch("inst-amb", "req-f1", "1", l),
        plan.launch("inst-amb", "req-f2", "1", l + 300_000),
        plan.launch("inst-stuck", "req-g", "1", l),
        plan.exists("inst-stuck", "1", None),
        plan.launch("inst-sent", "req-h", "1", l),
        plan.exists("inst-sent", "1", None),
    ];
    ingest(store, "nova", std::mem::take(&mut bodies)).await;
    let (u1, u2, u3) = (
        "11111111-2222-3333-4444-555555555555",
        "21111111-2222-3333-4444-555555555555",
        "31111111-2222-3333-4444-555555555555",
    );
    ingest(
        store,
        "glance",
        vec![
            plan.glance_activate(u1),
            plan.glance_activate(u2),
            plan.glance_exists(&[u1, u2]),
            plan.glance_exists(&[u3]),
        ],
    )
    .await;
}

/// Before any pass: one row stuck `verifying`, one `sent_unverified`. A verifier whose broker
/// cannot be reached resets the stuck row, verifies the sent one (no publishing needed) and
/// records the failures, but marks nothing verified that it could not publish.
async fn unreachable_broker_records_nothing_verified(store: &Store) {
    let nova_rows = by_subject(&store.verifier_states(Service::Nova).await.unwrap());
    let mark = |subject: &str, status| StatusWrite {
        id: nova_rows[subject].id,
        status,
        fail_reason: None,
    };
    store
        .verifier_write(
            Service::Nova,
            &[
                mark("inst-stuck", ExistsStatus::Verifying),
                mark("inst-sent", ExistsStatus::SentUnverified),
            ],
        )
        .await
        .unwrap();

    // A broker that cannot be reached: nothing verifiable is recorded as verified.
    let unreachable = Verifier::new(
        store.clone(),
        settings("no_such_vhost", 1),
        Metrics::default(),
    );
    assert!(unreachable.once().await.is_err());
    let after = by_subject(&store.verifier_states(Service::Nova).await.unwrap());
    assert_eq!(after["inst-ok"].status, "pending");
    assert_eq!(
        after["inst-stuck"].status, "pending",
        "reset, then not published"
    );
    assert_eq!(
        after["inst-sent"].status, "verified",
        "sent_unverified needs no broker"
    );
    assert_eq!(
        after["inst-flavor"].status, "failed",
        "failures need no broker"
    );
}

/// Every row's status and v2's reasons after the pass; returns the nova rows by instance and
/// the glance rows.
async fn check_statuses(store: &Store) -> (HashMap<String, ExistsState>, Vec<ExistsState>) {
    let nova_rows = by_subject(&store.verifier_states(Service::Nova).await.unwrap());
    for ok in ["inst-ok", "inst-del", "inst-stuck", "inst-sent"] {
        assert_eq!(nova_rows[ok].status, "verified", "{ok}");
    }
    let reason = |s: &str| nova_rows[s].fail_reason.clone().unwrap_or_default();
    assert_eq!(
        reason("inst-nolaunch"),
        "Couldn't find InstanceUsage using {'instance': u'inst-nolaunch'}"
    );
    assert!(
        reason("inst-flavor").starts_with("Failed at "),
        "{}",
        reason("inst-flavor")
    );
    assert!(reason("inst-flavor").ends_with(" UTC for inst-flavor: Data mismatch for 'instance_type_id' - 'exists' contains '2' but 'launches' contains '1'"), "{}", reason("inst-flavor"));
    assert_eq!(
        reason("inst-nodel"),
        "Found InstanceDeletes for non-delete exist"
    );
    assert!(reason("inst-amb").starts_with("Ambiguous results for InstanceUsage using {'instance': u'inst-amb', 'launched_at': Decimal('"), "{}", reason("inst-amb"));
    for failed in ["inst-nolaunch", "inst-flavor", "inst-nodel", "inst-amb"] {
        assert_eq!(nova_rows[failed].status, "failed", "{failed}");
    }
    let images = store.verifier_states(Service::Glance).await.unwrap();
    let statuses: Vec<&str> = images.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(statuses, ["verified", "verified", "failed"]);
    assert_eq!(
        images[2].fail_reason.as_deref(),
        Some("Couldn't find ImageUsage using {'uuid': u'31111111-2222-3333-4444-555555555555'}")
    );

    (nova_rows, images)
}

/// The verified notifications match the verified rows one-to-one.
fn check_messages(
    messages: &[(String, String, String, Value)],
    nova_rows: &HashMap<String, ExistsState>,
    glance_row: &ExistsState,
) {
    // The verified notifications: one per routing key per verified nova row (not the
    // sent_unverified one), one per verified glance group, with deterministic ids.
    assert_eq!(messages.len(), 7, "{messages:?}");
    let mut expected = Vec::new();
    for subject in ["inst-ok", "inst-del", "inst-stuck"] {
        for key in ["notifications.info", "monitor.billing"] {
            expected.push((
                "nova",
                key,
                Service::Nova,
                nova_rows[subject].clone(),
                "compute.instance.exists.verified",
            ));
        }
    }
    expected.push((
        "glance",
        "notifications.info",
        Service::Glance,
        glance_row.clone(),
        "image.exists.verified",
    ));
    for (exchange, key, service, row, event_type) in expected {
        let original = row.message_id.clone().unwrap();
        let id = verified_message_id(service, row.id, &json!(original).to_string()).to_string();
        let found: Vec<_> = messages
            .iter()
            .filter(|(e, k, i, _)| e == exchange && k == key && *i == id)
            .collect();
        assert_eq!(found.len(), 1, "{exchange} {key} {row:?}");
        let body = &found[0].3;
        assert_eq!(body["message_id"], json!(id));
        assert_eq!(body["original_message_id"], json!(original));
        assert_eq!(body["event_type"], json!(event_type));
    }
}

async fn scenario(backend: Backend) {
    let db = TestDb::new(backend);
    let vhost = TestVhost::new();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let plan = Plan::new();
    plant(&store, &plan).await;
    assert_exists_counts(&store, "planted").await;
    unreachable_broker_records_nothing_verified(&store).await;
    assert_exists_counts(&store, "reset after a failed publish").await;

    let (conn, ch) = bind_queue(&vhost).await;
    let metrics = Metrics::default();
    let verifier = Verifier::new(store.clone(), settings(&vhost.name, 3), metrics.clone());
    let reports = verifier.once().await.expect("a pass");
    let (nova_report, glance_report) = (reports[0].1, reports[1].1);
    // The failures were recorded by the first run already (they publish nothing).
    assert_eq!(
        (
            nova_report.verified,
            nova_report.failed,
            nova_report.published
        ),
        (3, 0, 6)
    );
    assert_eq!(
        (
            glance_report.verified,
            glance_report.failed,
            glance_report.published
        ),
        (2, 1, 1)
    );

    let (nova_rows, images) = check_statuses(&store).await;
    assert_exists_counts(&store, "verified").await;

    check_messages(&drain(&ch, 7).await, &nova_rows, &images[0]);
    assert_eq!(metrics.gauge(&vm::EXISTS, &["nova", "verified"]), Some(4.0));
    assert_eq!(metrics.gauge(&vm::EXISTS, &["nova", "failed"]), Some(4.0));
    assert_eq!(metrics.gauge(&vm::LAG, &["nova"]), Some(0.0));

    // A second run has nothing left to do and publishes nothing.
    let again = verifier.once().await.expect("a second pass");
    assert!(
        again
            .iter()
            .all(|(_, r)| r.batches == 0 && r.published == 0),
        "{again:?}"
    );
    assert!(drain(&ch, 0).await.is_empty());
    let _ = conn.close(200, "done".into()).await;
    store.close().await;
}

#[tokio::test]
async fn verifier_sqlite() {
    scenario(Backend::Sqlite).await;
}

#[tokio::test]
async fn verifier_postgres() {
    scenario(Backend::Postgres).await;
}

#[tokio::test]
async fn verifier_mariadb() {
    scenario(Backend::MariaDb).await;
}

/// Ingests `image.exists` notifications of 1, 2 and 3 images (no activations: every image
/// fails, which does not matter here).
async fn plant_images(store: &Store, plan: &Plan) {
    let uuid = |n: u32| format!("{n:08}-2222-3333-4444-555555555555");
    let (a, b, c, d, e, f) = (uuid(1), uuid(2), uuid(3), uuid(4), uuid(5), uuid(6));
    let bodies = vec![
        plan.glance_exists(&[&a]),
        plan.glance_exists(&[&b, &c]),
        plan.glance_exists(&[&d, &e, &f]),
    ];
    ingest(store, "glance", bodies).await;
}

/// A glance batch never splits the images of one notification: a full batch leaves a
/// notification that may continue for the next batch, or takes all of it when it is alone.
async fn glance_batches_keep_notifications_whole(backend: Backend) {
    let db = TestDb::new(backend);
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    plant_images(&store, &Plan::new()).await;
    let mut claim = Claim {
        from: ExistsStatus::Pending,
        to: ExistsStatus::Verifying,
        ending_max: now_micros(),
        after: 0,
        limit: 2,
    };
    let mut sizes = Vec::new();
    loop {
        let batch = store.claim_glance_batch(&claim).await.unwrap();
        let Some(last) = batch.iter().map(|e| e.id).max() else {
            break;
        };
        sizes.push(batch.len());
        claim.after = last;
    }
    // [1 image] (the 2-image notification would not fit), [2], then [3] (alone, taken whole).
    assert_eq!(sizes, [1, 2, 3]);
    let states = store.verifier_states(Service::Glance).await.unwrap();
    assert!(states.iter().all(|s| s.status == "verifying"), "{states:?}");
    assert_eq!(
        store.verifier_reset_stuck(Service::Glance).await.unwrap(),
        6
    );
    let counts = store.verifier_counts(Service::Glance).await.unwrap();
    assert_eq!(counts.get("pending"), Some(&6));
    store.close().await;
}

#[tokio::test]
async fn glance_batches_sqlite() {
    glance_batches_keep_notifications_whole(Backend::Sqlite).await;
}

#[tokio::test]
async fn glance_batches_postgres() {
    glance_batches_keep_notifications_whole(Backend::Postgres).await;
}

#[tokio::test]
async fn glance_batches_mariadb() {
    glance_batches_keep_notifications_whole(Backend::MariaDb).await;
}

/// `serve` with no deployments, no consumers, and the verifier config at `path`.
fn serve_settings(db: &TestDb, path: std::path::PathBuf) -> Settings {
    Settings {
        deployments: deployments(r#"{"deployments": []}"#),
        database_url: db.url.as_str().into(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        web: true,
        consumers: false,
        demo: false,
        site_root: "target/site".into(),
        billing: BillingSettings {
            verifier_config: Some(path),
            ..BillingSettings::default()
        },
        redaction: Default::default(),
        retention: server::retention::Policy::default(),
    }
}

/// `serve --verifier-config`: the verifier runs in the process; `/metrics`, `/api/v1/status`
/// and the status page show its counts and passes.
async fn serve_runs_the_verifier(backend: Backend) {
    let db = TestDb::new(backend);
    let vhost = TestVhost::new();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    plant(&store, &Plan::new()).await;
    store.close().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("verifier.json");
    std::fs::write(&path, config_text(&vhost.name, 3)).unwrap();
    let app = Application::build(serve_settings(&db, path))
        .await
        .expect("builds");
    let port = app.port().unwrap();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run(shutdown.clone()));
    // Each service has its own task: wait for both first passes.
    let nova = "stacktach_verifier_exists{service=\"nova\",status=\"verified\"} 4\n";
    let glance = "stacktach_verifier_exists{service=\"glance\",status=\"verified\"} 2\n";
    eventually(20, "the verifier's first passes", || async move {
        let metrics = http_get(port, "/metrics").await.1;
        metrics.contains(nova) && metrics.contains(glance)
    })
    .await;
    let (_, metrics) = http_get(port, "/metrics").await;
    assert!(
        metrics.contains("stacktach_verifier_exists{service=\"nova\",status=\"failed\"} 4\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("stacktach_verifier_published_total{service=\"nova\"} 8\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("stacktach_verifier_lag_seconds{service=\"nova\"} 0\n"),
        "{metrics}"
    );
    let (status, body) = http_get(port, "/api/v1/status").await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["verifier"]["running"], json!(true), "{body}");
    assert_eq!(v["verifier"]["services"][0]["service"], json!("nova"));
    assert_eq!(v["verifier"]["services"][0]["verified"], json!(4));
    assert_eq!(v["verifier"]["services"][0]["failed"], json!(4));
    assert_eq!(v["verifier"]["services"][1]["verified"], json!(2));
    let (status, page) = http_get(port, "/status").await;
    assert_eq!(status, 200);
    assert!(page.contains("aria-label=\"Verifier\""), "{page}");
    assert!(!page.contains("not running in this process"), "{page}");
    shutdown.cancel();
    handle.await.unwrap().unwrap();
}

#[tokio::test]
async fn serve_verifier_sqlite() {
    serve_runs_the_verifier(Backend::Sqlite).await;
}

#[tokio::test]
async fn serve_verifier_postgres() {
    serve_runs_the_verifier(Backend::Postgres).await;
}

#[tokio::test]
async fn serve_verifier_mariadb() {
    serve_runs_the_verifier(Backend::MariaDb).await;
}
