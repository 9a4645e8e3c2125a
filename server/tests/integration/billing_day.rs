//! The billing half end to end, on the real broker and every backend: the simulator's billing
//! day published to RabbitMQ and ingested by a running `serve` → the verifier → the
//! `compute.instance.exists.verified` / `image.exists.verified` messages consumed from the
//! broker match the verified rows one to one → `/db/stats/*/exists/` counts them → the planted
//! failures are `failed` with v2's reasons → confirm and repair round trips through `/db` →
//! the nova usage audit stored and served by `/stacky/report/<id>/`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use app::model::now_micros;
use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties, ExchangeKind};
use serde_json::{json, Value};
use server::cmd::serve::BillingSettings;
use server::cmd::simulate::notigen::{BillingDay, BillingOptions, FailureKind};
use server::config::verifier::VerifierConfig;
use server::config::Secret;
use server::reports::{build, store_report, BuildOptions, PeriodLength, ReportKind};
use server::store::Store;
use server::telemetry::metrics::Metrics;
use server::verifier::model::Service;
use server::verifier::run::{RunSettings, Verifier};

use crate::dbapi::{get_ok, request, TOKEN};
use crate::helpers::{deployments, eventually, publish, Backend, TestApp, TestDb, TestVhost};

/// The routing key of the verified notifications: not one StackTach's own queues bind, so
/// the verifier's output is not ingested back.
const VERIFIED_KEY: &str = "billing.verified";
const SEED: u64 = 20_261_203;

fn deployment(vhost: &str) -> String {
    format!(
        r#"{{"deployments": [{{"name": "billing-cell", "rabbit_host": "127.0.0.1",
            "rabbit_port": 5672, "rabbit_userid": "guest", "rabbit_password": "guest",
            "rabbit_virtual_host": "{vhost}", "durable_queue": false,
            "topics": {{"nova": [{{"queue": "st.nova", "routing_key": "monitor.info"}}],
                        "glance": [{{"queue": "st.glance", "routing_key": "monitor_glance.info"}}]}}}}]}}"#
    )
}

fn verifier_settings(vhost: &str) -> RunSettings {
    let text = format!(
        r#"{{"tick_time": 1, "settle_time": 1, "settle_units": "minutes", "pool_size": 2,
        "enable_notifications": true, "validation_level": "basic",
        "flavor_field_name": "instance_type_id",
        "rabbit": {{"durable_queue": false, "host": "127.0.0.1", "port": 5672,
            "userid": "guest", "password": "guest", "virtual_host": "{vhost}",
            "topics": {{"nova": ["{VERIFIED_KEY}"], "glance": ["{VERIFIED_KEY}"]}}}}}}"#
    );
    RunSettings::from_config(&VerifierConfig::parse(Path::new("v.json"), &text).expect("config"))
}

/// A queue on both service exchanges for the verified routing key (bound before the verifier
/// publishes, so nothing it sends is lost).
async fn verified_queue(vhost: &TestVhost) -> (Connection, Channel) {
    let conn = Connection::connect(&vhost.amqp_uri(), ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let options = QueueDeclareOptions::default();
    ch.queue_declare("verified".into(), options, FieldTable::default())
        .await
        .unwrap();
    for exchange in ["nova", "glance"] {
        let options = ExchangeDeclareOptions::default();
        ch.exchange_declare(
            exchange.into(),
            ExchangeKind::Topic,
            options,
            FieldTable::default(),
        )
        .await
        .unwrap();
        let options = QueueBindOptions::default();
        ch.queue_bind(
            "verified".into(),
            exchange.into(),
            VERIFIED_KEY.into(),
            options,
            FieldTable::default(),
        )
        .await
        .unwrap();
    }
    (conn, ch)
}

/// Every message in the `verified` queue once `expected` arrived (or 15 s passed) and no
/// more came for a second: (exchange, body).
async fn drain(ch: &Channel, expected: usize) -> Vec<(String, Value)> {
    let options = BasicConsumeOptions::default();
    let mut consumer = ch
        .basic_consume("verified".into(), "".into(), options, FieldTable::default())
        .await
        .unwrap();
    let mut out = Vec::new();
    loop {
        let wait = if out.len() < expected { 15 } else { 1 };
        let next = tokio::time::timeout(std::time::Duration::from_secs(wait), consumer.next());
        let Ok(Some(Ok(delivery))) = next.await else {
            break;
        };
        delivery.ack(BasicAckOptions::default()).await.unwrap();
        let body: Value = serde_json::from_slice(&delivery.data).unwrap();
        out.push((delivery.exchange.to_string(), body));
    }
    out
}

/// Publishes the day in time order, each notification to its service's exchange, and waits
/// until every one is stored.
async fn publish_day(vhost: &TestVhost, store: &Store, day: &BillingDay) {
    for (_, n) in &day.notifications {
        let message = (n.routing_key.as_str(), n.body.clone().into_bytes());
        publish(vhost, &n.exchange, &[message]).await;
    }
    let ids: Vec<String> = day
        .notifications
        .iter()
        .map(|(_, n)| n.message_id.clone())
        .collect();
    let want = i64::try_from(ids.len()).unwrap();
    let store = store.clone();
    eventually(60, "the billing day stored", || {
        let (store, ids) = (store.clone(), ids.clone());
        async move { store.count_events_with_message_ids(&ids).await.unwrap() == want }
    })
    .await;
}

/// `{status: count}` of `/db/stats/<service>/exists/` (send statuses summed).
async fn stats(port: u16, service: &str) -> BTreeMap<String, i64> {
    let v = get_ok(port, &format!("/db/stats/{service}/exists/")).await;
    let mut out = BTreeMap::new();
    for row in v["stats"].as_array().expect("stats") {
        let status = row["status"].as_str().unwrap().to_owned();
        *out.entry(status).or_default() += row["event_count"].as_i64().unwrap();
    }
    out
}

/// The verified messages match the verified rows one to one: each carries its exists'
/// message id as `original_message_id`, a new, distinct `message_id`, and the verified type.
fn check_messages(messages: &[(String, Value)], verified: &HashMap<String, Service>) {
    let mut originals = HashSet::new();
    let mut new_ids = HashSet::new();
    for (exchange, body) in messages {
        let original = body["original_message_id"].as_str().expect("original id");
        let service = verified
            .get(original)
            .unwrap_or_else(|| panic!("unverified {original}"));
        assert_eq!(exchange, service.as_str());
        let event_type = match service {
            Service::Nova => "compute.instance.exists.verified",
            Service::Glance => "image.exists.verified",
        };
        assert_eq!(body["event_type"], event_type);
        let id = body["message_id"].as_str().expect("new id");
        assert_ne!(id, original);
        assert!(
            originals.insert(original.to_owned()),
            "{original} published twice"
        );
        assert!(new_ids.insert(id.to_owned()), "{id} reused");
    }
    assert_eq!(
        originals.len(),
        verified.len(),
        "one message per verified exists"
    );
}

/// The exists rows' final state: message id → (service, status, fail_reason).
async fn states(store: &Store) -> HashMap<String, (Service, String, Option<String>)> {
    let mut out = HashMap::new();
    for service in [Service::Nova, Service::Glance] {
        for row in store.verifier_states(service).await.unwrap() {
            let id = row.message_id.clone().expect("message id");
            out.insert(id, (service, row.status.clone(), row.fail_reason.clone()));
        }
    }
    out
}

/// The planted exists failed with v2's reasons; every other exists verified.
fn check_outcomes(day: &BillingDay, states: &HashMap<String, (Service, String, Option<String>)>) {
    let planted: HashMap<&str, FailureKind> = day
        .planted
        .iter()
        .map(|p| (p.message_id.as_str(), p.kind))
        .collect();
    assert_eq!(planted.len(), 3, "one failure of each kind");
    for (id, (_, status, reason)) in states {
        let Some(kind) = planted.get(id.as_str()) else {
            assert_eq!(status, "verified", "{id}: {reason:?}");
            continue;
        };
        assert_eq!(status, "failed", "{id}");
        let reason = reason.as_deref().unwrap_or_default();
        let expected = match kind {
            FailureKind::MissingLaunch => "Couldn't find InstanceUsage",
            FailureKind::FlavorMismatch => "Data mismatch for 'instance_type_id'",
            FailureKind::DeleteWithoutDeletedAt => "Found InstanceDeletes for non-delete exist",
        };
        assert!(reason.contains(expected), "{kind:?}: {reason}");
    }
}

/// Confirm (single) sets the send status of a verified exists; repair refuses a failed one
/// and reports an unknown id absent.
async fn confirm_and_repair(port: u16, verified_id: &str, failed_id: &str) {
    let auth = [
        ("Authorization", "Bearer db-t0ken-7f3a"),
        ("Content-Type", "application/json"),
    ];
    let path = format!("/db/confirm/usage/exists/{verified_id}/");
    let (status, _, body) = request(port, "PUT", &path, &auth, br#"{"send_status": 201}"#).await;
    assert_eq!((status, body.as_str()), (200, ""));
    let v = get_ok(port, "/db/usage/nova/exists/?limit=1000").await;
    let row = v["exists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["message_id"] == verified_id)
        .expect("the confirmed exists");
    assert_eq!(row["send_status"], 201);
    let form = [
        ("Authorization", "Bearer db-t0ken-7f3a"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let body = format!("service=nova&message_ids={failed_id}&message_ids=no-such-id");
    let (status, _, text) = request(port, "POST", "/db/repair/", &form, body.as_bytes()).await;
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        json!({"absent_exists": ["no-such-id"], "exists_not_pending": [failed_id]})
    );
}

/// The nova usage audit of the day after the billing day — the one whose period holds the
/// day-end exists (v2 audits the exists received in the period) — stored and served by
/// `/stacky/report/<id>/` exactly as built.
async fn audit_report(port: u16, store: &Store, day: &BillingDay) {
    const DAY: i64 = 86_400 * 1_000_000;
    let end = day.audit_period.1;
    let day_end_exists = day
        .notifications
        .iter()
        .filter(|(t, n)| n.event_type == "compute.instance.exists" && *t >= end)
        .count();
    let options = BuildOptions {
        length: PeriodLength::Day,
        date: Some(end + DAY),
        region: None,
        now: now_micros(),
    };
    let report = build(store, ReportKind::NovaUsageAudit, &options)
        .await
        .expect("builds");
    let id = store_report(store, &report, now_micros())
        .await
        .expect("stored");
    let served = get_ok(port, &format!("/stacky/report/{id}/")).await;
    assert_eq!(served, report.json);
    let counts = &served["summary"]["verifier"]["periodic"];
    assert_eq!(counts["count"], day_end_exists, "{served}");
    assert_eq!(counts["failed"], 3, "{served}");
    assert_eq!(counts["verified"], day_end_exists - 3, "{served}");
    let fails = served["exist_fails"].as_array().expect("exist_fails");
    assert_eq!(fails.len(), 3, "{served}");
    let list = get_ok(port, "/stacky/reports/").await;
    assert!(list.to_string().contains("nova usage audit"), "{list}");
}

async fn billing_day(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let billing = BillingSettings {
        db_api_token: Some(Secret::new(TOKEN)),
        ..BillingSettings::default()
    };
    let file = deployments(&deployment(&vhost.name));
    let app = TestApp::spawn_billing_with(&db, file, billing).await;
    app.wait_connected("billing-cell").await;
    let day = BillingDay::generate(SEED, &BillingOptions::default(), now_micros());
    publish_day(&vhost, &app.store, &day).await;

    let (_conn, channel) = verified_queue(&vhost).await;
    let verifier = Verifier::new(
        app.store.clone(),
        verifier_settings(&vhost.name),
        Metrics::default(),
    );
    verifier.once().await.expect("a verifier pass");
    let states = states(&app.store).await;
    check_outcomes(&day, &states);
    let verified: HashMap<String, Service> = states
        .iter()
        .filter(|(_, (_, status, _))| status == "verified")
        .map(|(id, (service, _, _))| (id.clone(), *service))
        .collect();
    check_messages(&drain(&channel, verified.len()).await, &verified);

    let nova_verified = verified.values().filter(|s| **s == Service::Nova).count() as i64;
    let nova = stats(app.port, "nova").await;
    assert_eq!(nova.get("verified"), Some(&nova_verified), "{nova:?}");
    assert_eq!(nova.get("failed"), Some(&3), "{nova:?}");
    let glance = stats(app.port, "glance").await;
    assert!(glance.get("verified").is_some_and(|n| *n > 0), "{glance:?}");
    assert_eq!(glance.get("failed"), None, "{glance:?}");

    let verified_id = verified
        .iter()
        .find(|(_, s)| **s == Service::Nova)
        .unwrap()
        .0;
    confirm_and_repair(app.port, verified_id, &day.planted[0].message_id).await;
    audit_report(app.port, &app.store, &day).await;

    // A second pass finds nothing new to publish.
    verifier.once().await.expect("a second pass");
    assert!(
        drain(&channel, 0).await.is_empty(),
        "nothing published twice"
    );
    app.stop().await;
}

#[tokio::test]
async fn billing_day_sqlite() {
    billing_day(Backend::Sqlite).await;
}

#[tokio::test]
async fn billing_day_postgres() {
    billing_day(Backend::Postgres).await;
}

#[tokio::test]
async fn billing_day_mariadb() {
    billing_day(Backend::MariaDb).await;
}
