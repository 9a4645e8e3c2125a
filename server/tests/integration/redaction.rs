//! No credentials kept by default: notifications carrying Keystone tokens and passwords go
//! through the real broker (plain, in an oslo envelope, and unparseable into the quarantine),
//! and no token appears in `/api/v1`, the event page, `/stacky/show`, the quarantine views or
//! the raw tables; with `keep_credentials` they are stored as received. `stacktach import`
//! redacts its lines too, and the dedupe key still hashes the bytes received.

use std::io::Cursor;

use serde_json::{json, Value};
use server::cmd::import::{import, ImportReport};
use server::cmd::serve::{Application, Settings};
use server::ingest::{DeploymentRef, Ingestor};
use server::live::Hub;
use server::notification::Redaction;
use server::store::Store;
use sqlx::Connection;
use tokio_util::sync::CancellationToken;

use crate::helpers::*;

const TOKENS: [&str; 6] = [
    "gAAAAABtoken-auth-1",
    "gAAAAABtoken-service-2",
    "gAAAAABtoken-nested-3",
    "Adm1nPass-4",
    "gAAAAABtoken-envelope-5",
    "gAAAAABtoken-quarantine-6",
];

/// A Nova notification carrying the first four credentials, and its message id.
fn with_credentials(instance: &str) -> (String, Vec<u8>) {
    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "event_type": "compute.instance.create.end",
        "publisher_id": "compute.cpu-r1.example.net",
        "timestamp": "2026-11-24 10:00:00.123456",
        "message_id": id,
        "_context_request_id": "req-redact-1",
        "_context_project_id": "tenant42",
        "_context_auth_token": TOKENS[0],
        "_context_service_token": TOKENS[1],
        "_context_user_name": "alice",
        "payload": {
            "instance_id": instance, "tenant_id": "tenant42", "state": "active",
            "context": {"auth_token": TOKENS[2], "roles": ["member"]},
            "servers": [{"adminPass": TOKENS[3], "name": "vm1"}]
        }
    });
    (id, body.to_string().into_bytes())
}

/// An oslo.messaging v2 envelope around a notification with a token, and its message id.
fn enveloped(instance: &str) -> (String, Vec<u8>) {
    let id = uuid::Uuid::new_v4().to_string();
    let inner = json!({
        "event_type": "compute.instance.update",
        "publisher_id": "compute.cpu-r1.example.net",
        "timestamp": "2026-11-24 10:00:01",
        "message_id": id,
        "_context_auth_token": TOKENS[4],
        "payload": {"instance_id": instance, "tenant_id": "tenant42", "state": "active"}
    });
    let body = json!({"oslo.version": "2.0", "oslo.message": inner.to_string()});
    (id, body.to_string().into_bytes())
}

/// A body the parser rejects (no `publisher_id`) carrying a token: quarantined.
fn unparseable() -> Vec<u8> {
    json!({"event_type": "compute.instance.exists", "timestamp": "2026-11-24 10:00:02",
           "_context_auth_token": TOKENS[5], "payload": {}})
    .to_string()
    .into_bytes()
}

/// Every `json` of `raw_events` and every `body` of `quarantine`, read with plain SQL.
async fn raw_tables(db: &TestDb, backend: Backend) -> (Vec<String>, Vec<Vec<u8>>) {
    let (events, bodies) = ("SELECT json FROM raw_events", "SELECT body FROM quarantine");
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            let e: Vec<(String,)> = sqlx::query_as(events).fetch_all(&mut conn).await.unwrap();
            let q: Vec<(Vec<u8>,)> = sqlx::query_as(bodies).fetch_all(&mut conn).await.unwrap();
            (
                e.into_iter().map(|r| r.0).collect(),
                q.into_iter().map(|r| r.0).collect(),
            )
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let e: Vec<(String,)> = sqlx::query_as(events).fetch_all(&mut conn).await.unwrap();
            let q: Vec<(Vec<u8>,)> = sqlx::query_as(bodies).fetch_all(&mut conn).await.unwrap();
            (
                e.into_iter().map(|r| r.0).collect(),
                q.into_iter().map(|r| r.0).collect(),
            )
        }
        // A binary collation's text decodes only as bytes.
        Backend::MariaDb => {
            let mut conn = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
            let e: Vec<(Vec<u8>,)> = sqlx::query_as(events).fetch_all(&mut conn).await.unwrap();
            let q: Vec<(Vec<u8>,)> = sqlx::query_as(bodies).fetch_all(&mut conn).await.unwrap();
            (
                e.into_iter()
                    .map(|r| String::from_utf8(r.0).expect("UTF-8 JSON"))
                    .collect(),
                q.into_iter().map(|r| r.0).collect(),
            )
        }
    }
}

/// How many of `TOKENS` appear in `text`.
fn tokens_in(text: &str) -> usize {
    TOKENS.iter().filter(|t| text.contains(*t)).count()
}

/// A 200 answer's body.
async fn get_ok(port: u16, path: &str) -> String {
    let (status, body) = http_get(port, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The id of the stored event with `message_id`, from `/api/v1/events`.
async fn event_id(port: u16, message_id: &str) -> i64 {
    for event in get_json(port, "/api/v1/events?limit=100").await["events"]
        .as_array()
        .expect("events")
    {
        let detail = get_json(port, &format!("/api/v1/events/{}", event["id"])).await;
        if detail["message_id"] == message_id {
            return event["id"].as_i64().expect("id");
        }
    }
    panic!("no event with message id {message_id}");
}

async fn get_json(port: u16, path: &str) -> Value {
    serde_json::from_str(&get_ok(port, path).await).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `serve` on `db` consuming the test vhost, with `redaction`.
async fn spawn(
    db: &TestDb,
    vhost: &TestVhost,
    redaction: Redaction,
) -> (
    u16,
    Store,
    CancellationToken,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let settings = Settings {
        deployments: deployments(&format!(
            r#"{{"deployments": [{}]}}"#,
            nova_deployment("cell-r", &vhost.name, 5672)
        )),
        database_url: db.url.as_str().into(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        web: true,
        consumers: true,
        demo: false,
        site_root: "target/site".into(),
        billing: Default::default(),
        redaction,
        retention: server::retention::Policy::default(),
    };
    let app = Application::build(settings).await.expect("builds");
    let (port, store, board) = (
        app.port().expect("bound"),
        app.store().clone(),
        app.board().clone(),
    );
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run(shutdown.clone()));
    eventually(20, "consumers connected", || async {
        let consumers = board.of_deployment("cell-r");
        !consumers.is_empty()
            && consumers
                .iter()
                .all(|c| c.state == app::model::ConsumerState::Connected)
    })
    .await;
    (port, store, shutdown, handle)
}

/// Publishes the three messages and waits until two events and one quarantined are stored;
/// returns the two message ids.
async fn publish_all(vhost: &TestVhost, store: &Store) -> [String; 2] {
    let instance = uuid::Uuid::new_v4().to_string();
    let (plain_id, plain) = with_credentials(&instance);
    let (env_id, env) = enveloped(&instance);
    let messages = [
        ("monitor.info", plain),
        ("monitor.info", env),
        ("monitor.error", unparseable()),
    ];
    publish(vhost, "nova", &messages).await;
    let ids = [plain_id, env_id];
    eventually(
        20,
        "two events and one quarantined message stored",
        || async {
            let events = store.count_events_with_message_ids(&ids).await.unwrap();
            let quarantined: i64 = store
                .quarantine_counts()
                .await
                .unwrap()
                .iter()
                .map(|c| c.1)
                .sum();
            events == 2 && quarantined == 1
        },
    )
    .await;
    ids
}

/// Every surface showing a stored body, concatenated.
async fn surfaces(port: u16, ids: &[i64]) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for id in ids {
        for path in [
            format!("/api/v1/events/{id}"),
            format!("/events/{id}"),
            format!("/stacky/show/{id}/"),
            format!("/stacky/show/{id}/?service=nova"),
        ] {
            let body = get_ok(port, &path).await;
            seen.push((path, body));
        }
    }
    let quarantine = get_json(port, "/api/v1/quarantine").await;
    for row in quarantine["quarantine"].as_array().expect("rows") {
        let path = format!("/api/v1/quarantine/{}", row["id"]);
        let body = get_ok(port, &path).await;
        seen.push((path, body));
    }
    seen.push((
        "/api/v1/status".into(),
        get_ok(port, "/api/v1/status").await,
    ));
    seen
}

async fn redacts_by_default(backend: Backend) {
    let (vhost, db) = (TestVhost::new(), TestDb::new(backend));
    let (port, store, shutdown, handle) = spawn(&db, &vhost, Redaction::default()).await;
    let [plain, env] = publish_all(&vhost, &store).await;
    let ids = [event_id(port, &plain).await, event_id(port, &env).await];

    let event = get_json(port, &format!("/api/v1/events/{}", ids[0])).await;
    let n = &event["notification"];
    assert_eq!(n["_context_auth_token"], "***");
    assert_eq!(n["_context_service_token"], "***");
    assert_eq!(n["_context_user_name"], "alice", "other context kept");
    assert_eq!(
        n["payload"]["context"],
        json!({"auth_token": "***", "roles": ["member"]})
    );
    assert_eq!(
        n["payload"]["servers"],
        json!([{"adminPass": "***", "name": "vm1"}])
    );
    assert_eq!(event["message_id"], plain.as_str());
    let inner = get_json(port, &format!("/api/v1/events/{}", ids[1])).await;
    assert_eq!(inner["notification"]["_context_auth_token"], "***");

    let seen = surfaces(port, &ids).await;
    assert_eq!(
        seen.len(),
        10,
        "8 event views, 1 quarantined message, the status"
    );
    for (path, body) in &seen {
        assert_eq!(tokens_in(body), 0, "{path}: {body}");
    }
    let page = &seen
        .iter()
        .find(|(p, _)| p.starts_with("/events/"))
        .expect("page")
        .1;
    assert!(
        page.contains("_context_auth_token"),
        "the page shows the body"
    );
    let show = &seen
        .iter()
        .find(|(p, _)| p.starts_with("/stacky/show/"))
        .expect("show")
        .1;
    assert!(
        show.contains(r#"\"_context_auth_token\": \"***\""#),
        "{show}"
    );
    assert_raw_tables_redacted(&db, backend).await;
    stop(shutdown, handle).await;
}

/// Neither table holds a token: the events' bodies and the quarantined body have `"***"`.
async fn assert_raw_tables_redacted(db: &TestDb, backend: Backend) {
    let (events, quarantined) = raw_tables(db, backend).await;
    assert_eq!((events.len(), quarantined.len()), (2, 1));
    for json in &events {
        assert_eq!(tokens_in(json), 0, "{json}");
        assert!(json.contains(r#""_context_auth_token":"***""#), "{json}");
    }
    let body = String::from_utf8(quarantined[0].clone()).expect("UTF-8");
    assert_eq!(tokens_in(&body), 0, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["_context_auth_token"],
        "***"
    );
}

async fn keeps_credentials_when_told(backend: Backend) {
    let (vhost, db) = (TestVhost::new(), TestDb::new(backend));
    let (port, store, shutdown, handle) = spawn(&db, &vhost, Redaction::keep()).await;
    let [plain, _] = publish_all(&vhost, &store).await;
    let id = event_id(port, &plain).await;
    let event = get_json(port, &format!("/api/v1/events/{id}")).await;
    assert_eq!(event["notification"]["_context_auth_token"], TOKENS[0]);
    assert_eq!(
        event["notification"]["payload"]["servers"][0]["adminPass"],
        TOKENS[3]
    );
    let show = get_ok(port, &format!("/stacky/show/{id}/")).await;
    assert_eq!(tokens_in(&show), 4, "{show}");
    let (events, quarantined) = raw_tables(&db, backend).await;
    assert_eq!(tokens_in(&events.concat()), 5, "every event token kept");
    assert_eq!(tokens_in(&String::from_utf8_lossy(&quarantined[0])), 1);
    stop(shutdown, handle).await;
}

async fn stop(shutdown: CancellationToken, handle: tokio::task::JoinHandle<anyhow::Result<()>>) {
    shutdown.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(20), handle)
        .await
        .expect("stops in time")
        .expect("no panic")
        .expect("clean exit");
}

/// `stacktach import` redacts record lines and the lines it quarantines as they are; a line
/// imported again without redaction is still recognised as a duplicate (the dedupe key hashes
/// the bytes received, not the bytes stored).
async fn import_redacts(backend: Backend) {
    let db = TestDb::new(backend);
    let store = Store::connect(&db.url).await.expect("database");
    store.migrate().await.expect("migrations");
    let deployment = DeploymentRef {
        id: store.ensure_deployment("cell-i").await.expect("deployment"),
        name: "cell-i".into(),
    };
    let mut body: Value = serde_json::from_slice(&with_credentials("i-1").1).unwrap();
    body.as_object_mut().unwrap().remove("message_id");
    let record = json!({"exchange": "nova", "routing_key": "monitor.info", "body": body});
    let not_a_record = json!({"exchange": "nova", "note": {"password": TOKENS[3]}});
    let lines = format!("{record}\n{not_a_record}\n");
    let redacting = Ingestor::new(store.clone(), Hub::new());
    let report = import(Cursor::new(lines.clone()), &redacting, &deployment)
        .await
        .unwrap();
    let expected = ImportReport {
        lines: 2,
        stored: 1,
        duplicates: 0,
        quarantined: 1,
    };
    assert_eq!(report, expected);
    let keeping = Ingestor::new(store.clone(), Hub::new()).with_redaction(Redaction::keep());
    let again = import(Cursor::new(format!("{record}\n")), &keeping, &deployment)
        .await
        .unwrap();
    assert_eq!(
        (again.stored, again.duplicates),
        (0, 1),
        "same received bytes, same key"
    );
    let (events, quarantined) = raw_tables(&db, backend).await;
    assert_eq!((events.len(), quarantined.len()), (1, 1));
    assert_eq!(tokens_in(&events[0]), 0, "{}", events[0]);
    let line = String::from_utf8(quarantined[0].clone()).unwrap();
    assert_eq!(
        line,
        json!({"exchange": "nova", "note": {"password": "***"}}).to_string()
    );
    store.close().await;
}

#[tokio::test]
async fn redacts_by_default_on_sqlite() {
    redacts_by_default(Backend::Sqlite).await;
}

#[tokio::test]
async fn redacts_by_default_on_postgres() {
    redacts_by_default(Backend::Postgres).await;
}

#[tokio::test]
async fn redacts_by_default_on_mariadb() {
    redacts_by_default(Backend::MariaDb).await;
}

#[tokio::test]
async fn keeps_credentials_when_told_on_sqlite() {
    keeps_credentials_when_told(Backend::Sqlite).await;
}

#[tokio::test]
async fn keeps_credentials_when_told_on_postgres() {
    keeps_credentials_when_told(Backend::Postgres).await;
}

#[tokio::test]
async fn keeps_credentials_when_told_on_mariadb() {
    keeps_credentials_when_told(Backend::MariaDb).await;
}

#[tokio::test]
async fn import_redacts_on_sqlite() {
    import_redacts(Backend::Sqlite).await;
}

#[tokio::test]
async fn import_redacts_on_postgres() {
    import_redacts(Backend::Postgres).await;
}

#[tokio::test]
async fn import_redacts_on_mariadb() {
    import_redacts(Backend::MariaDb).await;
}
