//! v2's `/db/*` writes over a real socket, on SQLite, PostgreSQL and MariaDB: the bearer token
//! (401, 403, writes off without a configured token, never echoed), confirm single and batch
//! (versions 0, 1, 2; not-found and multiple skipped), repair (v2's
//! `mark_exists_as_sent_unverified` for nova and glance) and the tenant cache, with v2's texts and
//! codes (the write side of `test_dbapi.py` and the repair tests of `test_models.py`).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use server::cmd::serve::BillingSettings;

use crate::dbapi::{billing_app, get_ok, nova_exists, request, INSTANCE_A, TOKEN};
use crate::helpers::{assert_exists_counts, Backend, TestApp, TestDb};
use crate::web_queries::Fixture;

const BEARER: &str = "Bearer db-t0ken-7f3a";
const JSON: (&str, &str) = ("Content-Type", "application/json");
const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

/// A write with the right token: (status, body); the token never comes back.
async fn write(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let headers = [("Authorization", BEARER), JSON];
    let (status, head, body) = request(port, method, path, &headers, body.as_bytes()).await;
    assert!(
        !head.contains(TOKEN) && !body.contains(TOKEN),
        "{head}{body}"
    );
    assert!(
        head.contains("content-type: application/json"),
        "{path}: {head}"
    );
    (status, body)
}

/// A write answering v2's error envelope: (status, message).
async fn write_err(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let (status, text) = write(port, method, path, body).await;
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    assert_eq!(v["status"], json!(status));
    (status, v["message"].as_str().unwrap().to_string())
}

/// `message_id → [(status, send_status, event_id)]` of the exists of one service.
async fn exists_state(port: u16, service: &str) -> BTreeMap<String, Vec<(Value, Value, Value)>> {
    let v = get_ok(
        port,
        &format!("/db/usage/{service}/exists/?limit=1000&direction=asc"),
    )
    .await;
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for row in v["exists"].as_array().unwrap() {
        let id = row["message_id"].as_str().unwrap().to_string();
        let state = (
            row["status"].clone(),
            row["send_status"].clone(),
            row["event_id"].clone(),
        );
        out.entry(id).or_default().push(state);
    }
    out
}

fn state(status: &str, send: i64, event: Value) -> (Value, Value, Value) {
    (json!(status), json!(send), event)
}

async fn auth(port: u16) {
    let path = "/db/confirm/usage/exists/m-a/";
    let body = br#"{"send_status": 200}"#;
    let (status, head, text) = request(port, "PUT", path, &[JSON], body).await;
    assert_eq!(status, 401, "{text}");
    assert!(head.contains("www-authenticate: bearer"), "{head}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status"], 401);
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("Authorization: Bearer"));
    for wrong in [
        "Bearer db-t0ken-7f3",
        "Bearer db-t0ken-7f3ax",
        "Basic ZGI6dA==",
    ] {
        let (status, _, text) = request(port, "PUT", path, &[("Authorization", wrong)], body).await;
        let expected = if wrong.starts_with("Basic") { 401 } else { 403 };
        assert_eq!(status, expected, "{wrong}: {text}");
        assert!(!text.contains(TOKEN));
    }
    // The method is checked first, as v2 did, so GET is v2's 400 with or without a token.
    for path in [
        "/db/confirm/usage/exists/m-a/",
        "/db/confirm/usage/exists/batch/",
        "/db/repair/",
        "/db/tenant/info/t1/",
        "/db/tenant/batch_info/",
    ] {
        let (status, _, text) = request(port, "GET", path, &[], b"").await;
        assert_eq!(
            (status, text.as_str()),
            (400, r#"{"message":"Invalid method","status":400}"#)
        );
    }
    let (status, message) = write_err(port, "PUT", "/db/repair/", "message_ids=m-a").await;
    assert_eq!((status, message.as_str()), (400, "Invalid method"));
}

/// Confirms v2 refused: (path, body, status, message).
const CONFIRM_ERRORS: &[(&str, &str, u16, &str)] = &[
    (
        "/db/confirm/usage/exists/nope/",
        r#"{"send_status": 200}"#,
        404,
        "Could not find Exists record with message_id = 'nope'",
    ),
    (
        "/db/confirm/usage/exists/m-dup/",
        r#"{"send_status": 200}"#,
        500,
        "Multiple Exists records with message_id = 'm-dup'",
    ),
    (
        "/db/confirm/usage/exists/m-a/",
        "",
        400,
        "Request body required",
    ),
    (
        "/db/confirm/usage/exists/m-a/",
        r#"{"bad": "body"}"#,
        400,
        "'send_status' missing from request body",
    ),
    (
        "/db/confirm/usage/exists/m-a/",
        r#"{"send_status": null}"#,
        400,
        "'send_status' missing from request body",
    ),
    (
        "/db/confirm/usage/exists/m-a/",
        r#"{"send_status": "x"}"#,
        400,
        "'send_status' must be an integer",
    ),
    (
        "/db/confirm/usage/exists/m-a/",
        r#"{"send_status": 1e300}"#,
        400,
        "'send_status' must be an integer",
    ),
    (
        "/db/confirm/usage/exists/m-a/",
        r#"[1]"#,
        400,
        "Request body must be a JSON object.",
    ),
    (
        "/db/confirm/usage/exists/batch/",
        "",
        400,
        "Request body required",
    ),
    (
        "/db/confirm/usage/exists/batch/",
        r#"{"bad": "body"}"#,
        400,
        "'messages' missing from request body",
    ),
    (
        "/db/confirm/usage/exists/batch/",
        r#"{"messages": {"m-a": "x"}}"#,
        400,
        "The status of message 'm-a' must be an integer",
    ),
    (
        "/db/confirm/usage/exists/batch/",
        r#"{"messages": [], "version": 1}"#,
        400,
        "'messages' must be an object",
    ),
];

async fn confirm_errors(port: u16) {
    for (path, body, status, message) in CONFIRM_ERRORS {
        let got = write_err(port, "PUT", path, body).await;
        assert_eq!(got, (*status, message.to_string()), "{body}");
    }
}

async fn confirm_single(port: u16) {
    let path = "/db/confirm/usage/exists/m-a/";
    assert_eq!(
        write(port, "PUT", path, r#"{"send_status": 200}"#).await,
        (200, String::new())
    );
    assert_eq!(
        exists_state(port, "nova").await["m-a"],
        [state("pending", 200, Value::Null)]
    );
    assert_eq!(
        write(port, "POST", path, r#"{"send_status": 201}"#).await,
        (200, String::new())
    );
    assert_eq!(
        exists_state(port, "nova").await["m-a"],
        [state("pending", 201, Value::Null)]
    );
    confirm_errors(port).await;
    let (status, message) = write_err(port, "PUT", path, "{not json").await;
    assert_eq!(status, 400);
    assert!(
        message.starts_with("Request body is not valid JSON"),
        "{message}"
    );
    let headers = [("Authorization", BEARER)];
    let (status, _, text) =
        request(port, "PUT", path, &headers, b"{\"send_status\": \"\xff\"}").await;
    assert_eq!(
        (status, text.as_str()),
        (
            400,
            r#"{"message":"Request body is not valid UTF-8.","status":400}"#
        )
    );
    let (status, _, _) = request(
        port,
        "PUT",
        "/db/confirm/usage/exists/a.b/",
        &headers,
        b"{}",
    )
    .await;
    assert_eq!(status, 404);
    // Nothing of the refused requests was written.
    assert_eq!(
        exists_state(port, "nova").await["m-a"],
        [state("pending", 201, Value::Null)]
    );
}

async fn confirm_batch(port: u16) {
    let batch = "/db/confirm/usage/exists/batch/";
    let ok = (200, String::new());
    let v0 = r#"{"messages": {"m-a": 301, "m-b": 400, "missing": 500, "m-dup": 202}}"#;
    assert_eq!(write(port, "POST", batch, v0).await, ok);
    let nova = exists_state(port, "nova").await;
    assert_eq!(nova["m-a"], [state("pending", 301, Value::Null)]);
    assert_eq!(nova["m-b"], [state("pending", 400, Value::Null)]);
    assert_eq!(
        nova["m-dup"],
        [
            state("pending", 0, Value::Null),
            state("pending", 0, Value::Null)
        ]
    );
    let v0 = r#"{"messages": {"m-a": 302}, "version": 0}"#;
    assert_eq!(write(port, "PUT", batch, v0).await, ok);
    assert_eq!(
        exists_state(port, "nova").await["m-a"],
        [state("pending", 302, Value::Null)]
    );

    let v1 = r#"{"messages": {"nova": {"m-a": 202}, "glance": {"g-1": 203, "g-none": 1}}, "version": 1}"#;
    assert_eq!(write(port, "POST", batch, v1).await, ok);
    assert_eq!(
        exists_state(port, "nova").await["m-a"],
        [state("pending", 202, Value::Null)]
    );
    let g = state("pending", 203, Value::Null);
    assert_eq!(exists_state(port, "glance").await["g-1"], [g.clone(), g]);

    let v2 = r#"{"messages": {"nova": {"m-b": {"status": 204, "event_id": "ev-1"}},
                 "glance": {"g-1": {"status": 205}}}, "version": 2}"#;
    assert_eq!(write(port, "POST", batch, v2).await, ok);
    assert_eq!(
        exists_state(port, "nova").await["m-b"],
        [state("pending", 204, json!("ev-1"))]
    );
    let g = state("pending", 205, json!(""));
    assert_eq!(exists_state(port, "glance").await["g-1"], [g.clone(), g]);

    // An unknown version does nothing, successfully.
    let v3 = r#"{"messages": {"nova": {"m-b": {"status": 1}}}, "version": 3}"#;
    assert_eq!(write(port, "POST", batch, v3).await, ok);
    assert_eq!(
        exists_state(port, "nova").await["m-b"],
        [state("pending", 204, json!("ev-1"))]
    );
}

/// Posts a repair form: (status, JSON answer).
async fn post_repair(port: u16, body: &str) -> (u16, Value) {
    let headers = [("Authorization", BEARER), FORM];
    let (status, _, text) = request(port, "POST", "/db/repair/", &headers, body.as_bytes()).await;
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, v)
}

/// Sets one exists row's status behind the API's back (what the verifier would do).
async fn set_status(db: &TestDb, kind: Backend, table: &str, id: i64, status: &str) {
    use sqlx::Connection;
    let sql = format!("UPDATE {table} SET status = '{status}' WHERE id = {id}");
    match kind {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query(&sql).execute(&mut c).await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query(&sql).execute(&mut c).await.unwrap();
        }
        Backend::MariaDb => {
            let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
            sqlx::query(&sql).execute(&mut c).await.unwrap();
        }
    }
}

/// v2's nova `mark_exists_as_sent_unverified`: pending → sent_unverified + 201; absent and
/// several rows → `absent_exists`; not pending → `exists_not_pending`.
async fn repair_nova(port: u16) {
    let (status, v) = post_repair(
        port,
        "message_ids=m-a&message_ids=missing&message_ids=m-dup",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"absent_exists": ["missing", "m-dup"], "exists_not_pending": []})
    );
    let repaired = state("sent_unverified", 201, Value::Null);
    assert_eq!(exists_state(port, "nova").await["m-a"], [repaired]);
    let (_, v) = post_repair(port, "service=nova&message_ids=m-a&message_ids=m-b").await;
    assert_eq!(
        v,
        json!({"absent_exists": [], "exists_not_pending": ["m-a"]})
    );
    let (status, v) = post_repair(port, "service=cinder&message_ids=g-1").await;
    assert_eq!(
        (status, v),
        (400, json!({"message": "Invalid service", "status": 400}))
    );
    let (status, v) = post_repair(port, "service=nova").await;
    let missing = json!("'message_ids' missing from request body");
    assert_eq!((status, v["message"].clone()), (400, missing));
}

/// v2's glance `mark_exists_as_sent_unverified`: every image of the message id; an id is
/// listed once per image that is not pending.
async fn repair_glance(port: u16, db: &TestDb, kind: Backend) {
    let rows = get_ok(port, "/db/usage/glance/exists/?direction=asc").await;
    let second = rows["exists"][1]["id"].as_i64().expect("two images");
    set_status(db, kind, "image_exists", second, "verified").await;
    let (_, v) = post_repair(port, "service=glance&message_ids=g-1&message_ids=g-none").await;
    assert_eq!(
        v,
        json!({"absent_exists": ["g-none"], "exists_not_pending": ["g-1"]})
    );
    let repaired = state("sent_unverified", 201, json!(""));
    let verified = state("verified", 205, json!(""));
    assert_eq!(
        exists_state(port, "glance").await["g-1"],
        [repaired, verified]
    );
    let (_, v) = post_repair(port, "service=glance&message_ids=g-1").await;
    assert_eq!(
        v,
        json!({"absent_exists": [], "exists_not_pending": ["g-1", "g-1"]})
    );
}

/// Tenant updates of t1 v2 refused, and its messages.
const TENANT_ERRORS: &[(&str, &str)] = &[
    (
        r#"{"tenant": "t2", "name": "x", "types": {}}"#,
        "Invalid tenant: t2 != t1",
    ),
    (
        r#"{"tenant": 7, "name": "x", "types": {}}"#,
        "Invalid tenant: 7 != t1",
    ),
    (
        r#"{"name": "x", "types": {}}"#,
        "'tenant' missing from request body",
    ),
    (
        r#"{"tenant": "t1", "types": {}}"#,
        "'name' missing from request body",
    ),
    (
        r#"{"tenant": "t1", "name": "x", "types": []}"#,
        "'types' must be an object",
    ),
    ("", "Request body required"),
];

async fn tenant_single(port: u16, store: &server::store::Store) {
    let info = "/db/tenant/info/t1/";
    let ok = (200, String::new());
    let body = r#"{"tenant": "t1", "name": "test name", "types": {"test_type": "thingy"}}"#;
    assert_eq!(write(port, "PUT", info, body).await, ok);
    let t1 = store.db_tenant("t1").await.unwrap().expect("stored");
    assert_eq!(t1.name.as_deref(), Some("test name"));
    assert_eq!(t1.types, [("test_type".to_string(), "thingy".to_string())]);
    let body = r#"{"tenant": "t1", "name": "renamed", "types": {"a": "1", "b": 2}}"#;
    assert_eq!(write(port, "POST", info, body).await, ok);
    let t1 = store.db_tenant("t1").await.unwrap().unwrap();
    assert_eq!(t1.name.as_deref(), Some("renamed"));
    assert_eq!(t1.types, pairs(&[("a", "1"), ("b", "2")]));
    for (body, message) in TENANT_ERRORS {
        assert_eq!(
            write_err(port, "PUT", info, body).await,
            (400, message.to_string()),
            "{body}"
        );
    }
}

async fn tenant_batch(port: u16, store: &server::store::Store) {
    let ok = (200, String::new());
    let t1 = store.db_tenant("t1").await.unwrap().unwrap();
    let batch = "/db/tenant/batch_info/";
    let body = r#"{"tenants": [
        {"tenant": "t1", "name": "not applied", "types": {"test_type": "thingy"}},
        {"tenant": "test_new", "name": "test new name", "types": {"test_type": "whatzit"}}]}"#;
    assert_eq!(write(port, "PUT", batch, body).await, ok);
    let t1_after = store.db_tenant("t1").await.unwrap().unwrap();
    // v2's quirk, kept: the batch never renames an existing tenant.
    assert_eq!(t1_after.name.as_deref(), Some("renamed"));
    assert_eq!(t1_after.types, pairs(&[("test_type", "thingy")]));
    assert!(t1_after.last_updated >= t1.last_updated);
    let new = store.db_tenant("test_new").await.unwrap().expect("created");
    assert_eq!(new.name.as_deref(), Some("test new name"));
    assert_eq!(new.types, pairs(&[("test_type", "whatzit")]));
    assert_eq!(new.last_updated, t1_after.last_updated);
    let (status, message) = write_err(port, "POST", batch, r#"{"bad": 1}"#).await;
    assert_eq!(
        (status, message.as_str()),
        (400, "'tenants' missing from request body")
    );
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn writes(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, _fx) = billing_app(&db).await;
    // The same exists message in two deployments: two nova rows with one message id.
    for deployment in ["cell-e", "cell-f"] {
        let fx = Fixture::on(app.store.clone(), deployment).await;
        fx.ingest(vec![("monitor.info", nova_exists(INSTANCE_A, "m-dup"))])
            .await;
    }
    let port = app.port;
    auth(port).await;
    assert_exists_counts(&app.store, "ingested").await;
    confirm_single(port).await;
    confirm_batch(port).await;
    assert_exists_counts(&app.store, "confirmed").await;
    repair_nova(port).await;
    repair_glance(port, &db, kind).await;
    assert_exists_counts(&app.store, "repaired").await;
    tenant_single(port, &app.store).await;
    tenant_batch(port, &app.store).await;
    app.stop().await;
}

#[tokio::test]
async fn writes_sqlite() {
    writes(Backend::Sqlite).await;
}

#[tokio::test]
async fn writes_postgres() {
    writes(Backend::Postgres).await;
}

#[tokio::test]
async fn writes_mariadb() {
    writes(Backend::MariaDb).await;
}

/// Without a configured token every write is refused for everyone; reads still answer.
async fn writes_disabled(kind: Backend) {
    let db = TestDb::new(kind);
    let app = TestApp::spawn_with_billing(&db, BillingSettings::default()).await;
    let message = "The /db write endpoints are disabled: no token is configured \
                   (serve --db-api-token-file FILE, or STACKTACH_DB_API_TOKEN).";
    for path in [
        "/db/confirm/usage/exists/m-a/",
        "/db/repair/",
        "/db/tenant/batch_info/",
    ] {
        let (status, _, text) =
            request(app.port, "POST", path, &[("Authorization", BEARER)], b"{}").await;
        assert_eq!(status, 403, "{path}: {text}");
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap()["message"],
            message
        );
    }
    assert_eq!(
        get_ok(app.port, "/db/usage/exists/").await,
        json!({"exists": []})
    );
    app.stop().await;
}

#[tokio::test]
async fn writes_disabled_sqlite() {
    writes_disabled(Backend::Sqlite).await;
}

#[tokio::test]
async fn writes_disabled_postgres() {
    writes_disabled(Backend::Postgres).await;
}

#[tokio::test]
async fn writes_disabled_mariadb() {
    writes_disabled(Backend::MariaDb).await;
}
