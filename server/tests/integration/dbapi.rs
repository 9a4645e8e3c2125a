//! v2's `/db/*` reads over a real socket, on SQLite, PostgreSQL and MariaDB: every list and by-id
//! endpoint with its envelope, v2's field names and time strings, `received` on exists, the filters
//! (`instance`, `<field>_min/_max`, `received_min/_max`), order, direction, limit and offset, the
//! stats, and every error text (the observable assertions of v2's `test_dbapi.py` for the read
//! side).

use serde_json::{json, Value};
use server::cmd::serve::BillingSettings;
use server::config::Secret;

use crate::helpers::{Backend, TestApp, TestDb};
use crate::stacky::ingest;
use crate::web_queries::Fixture;

pub const TOKEN: &str = "db-t0ken-7f3a";
pub const INSTANCE_A: &str = "aaaaaaaa-6352-4dbc-8271-96cc54bf14cd";
pub const INSTANCE_B: &str = "bbbbbbbb-6352-4dbc-8271-96cc54bf14cd";
pub const IMAGE_A: &str = "11111111-6352-4dbc-8271-96cc54bf14cd";
pub const IMAGE_B: &str = "22222222-6352-4dbc-8271-96cc54bf14cd";

/// A request over a real socket (HTTP/1.0, so the body is never chunked):
/// (status, lowercase head, body).
pub async fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let path = path.replace(' ', "%20");
    let mut head = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// A GET answering 200 JSON.
pub async fn get_ok(port: u16, path: &str) -> Value {
    let (status, head, body) = request(port, "GET", path, &[], b"").await;
    assert_eq!(status, 200, "{path}: {body}");
    assert!(
        head.contains("content-type: application/json"),
        "{path}: {head}"
    );
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// A GET answering v2's error envelope with `status`; returns its message.
pub async fn get_err(port: u16, path: &str, status: u16) -> String {
    let (got, head, body) = request(port, "GET", path, &[], b"").await;
    assert_eq!(got, status, "{path}: {body}");
    assert!(head.contains("content-type: application/json"), "{path}");
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    assert_eq!(v["status"], json!(status), "{path}");
    v["message"].as_str().expect("a message").to_string()
}

/// A notification at `timestamp` with this message id.
pub fn note(event: &str, timestamp: &str, message_id: &str, payload: Value) -> Vec<u8> {
    json!({
        "event_type": event,
        "publisher_id": "compute.cpu-d1",
        "timestamp": timestamp,
        "message_id": message_id,
        "_context_request_id": "req-d1",
        "_context_project_id": "tenant-d",
        "payload": payload,
    })
    .to_string()
    .into_bytes()
}

/// A nova exists of `instance` with this message id: instance A launched at
/// 2014-01-01 10:00:00.123456, B at 11:00:00 and deleted at 12:00:00.
pub fn nova_exists(instance: &str, message_id: &str) -> Vec<u8> {
    let (launched_at, deleted_at) = if instance == INSTANCE_B {
        ("2014-01-01 11:00:00", Some("2014-01-01 12:00:00"))
    } else {
        ("2014-01-01 10:00:00.123456", None)
    };
    let payload = json!({
        "instance_id": instance, "tenant_id": "tenant-d", "instance_type_id": "5",
        "launched_at": launched_at, "deleted_at": deleted_at,
        "audit_period_beginning": "2014-01-01 00:00:00",
        "audit_period_ending": "2014-01-02 00:00:00",
        "bandwidth": {"public": {"bw_in": 1, "bw_out": 42}},
    });
    note(
        "compute.instance.exists",
        "2014-01-02 00:05:00.5",
        message_id,
        payload,
    )
}

/// A glance exists of both images under one message id.
pub fn glance_exists(message_id: &str) -> Vec<u8> {
    let payload = json!({
        "owner": "owner-d",
        "audit_period_beginning": "2014-01-01 00:00:00",
        "audit_period_ending": "2014-01-02 00:00:00",
        "images": [
            {"id": IMAGE_A, "created_at": "2014-01-01 08:00:00", "deleted_at": null, "size": 10},
            {"id": IMAGE_B, "created_at": "2014-01-01 09:00:00",
             "deleted_at": "2014-01-01 12:00:00", "size": 20},
        ],
    });
    note("image.exists", "2014-01-02 00:06:00", message_id, payload)
}

/// Instance A launched, B launched and deleted, an exists of each (`m-a`, `m-b`).
async fn ingest_nova(fx: &Fixture) {
    let launch = |instance: &str, at: &str| {
        let payload = json!({"instance_id": instance, "tenant_id": "tenant-d",
            "instance_type_id": "5", "launched_at": at, "state": "active"});
        let id = uuid::Uuid::new_v4().to_string();
        note("compute.instance.create.end", at, &id, payload)
    };
    let delete = json!({"instance_id": INSTANCE_B, "tenant_id": "tenant-d",
        "launched_at": "2014-01-01 11:00:00", "deleted_at": "2014-01-01 12:00:00"});
    let delete = note(
        "compute.instance.delete.end",
        "2014-01-01 12:00:01",
        "d-b",
        delete,
    );
    let info = "monitor.info";
    fx.ingest(vec![
        (info, launch(INSTANCE_A, "2014-01-01 10:00:00.123456")),
        (info, launch(INSTANCE_B, "2014-01-01 11:00:00")),
        (info, delete),
        (info, nova_exists(INSTANCE_A, "m-a")),
        (info, nova_exists(INSTANCE_B, "m-b")),
    ])
    .await;
}

/// Image A activated, B activated and deleted, one exists of both (`g-1`).
async fn ingest_glance(fx: &Fixture) {
    let image = |event: &str, id: &str, at: &str, deleted_at: Option<&str>| {
        let payload = json!({"id": id, "owner": "owner-d", "size": 10, "status": "active",
            "created_at": at, "deleted_at": deleted_at});
        (
            "monitor.info",
            note(event, at, &uuid::Uuid::new_v4().to_string(), payload),
        )
    };
    let at = "2014-01-01 12:00:00";
    let glance = vec![
        image("image.activate", IMAGE_A, "2014-01-01 08:00:00", None),
        image("image.activate", IMAGE_B, "2014-01-01 09:00:00", None),
        image("image.delete", IMAGE_B, at, Some(at)),
        ("monitor.info", glance_exists("g-1")),
    ];
    ingest(fx, "glance", glance).await;
}

/// The app (with the `/db` token) and a fixture ingesting into its store: instance A
/// launched, instance B launched and deleted, one exists of each (messages `m-a`, `m-b`),
/// image A activated, image B activated and deleted, one glance exists (`g-1`, two rows).
pub async fn billing_app(db: &TestDb) -> (TestApp, Fixture) {
    let billing = BillingSettings {
        db_api_token: Some(Secret::new(TOKEN)),
        ..BillingSettings::default()
    };
    let app = TestApp::spawn_with_billing(db, billing).await;
    let fx = Fixture::on(app.store.clone(), "cell-d").await;
    ingest_nova(&fx).await;
    ingest_glance(&fx).await;
    (app, fx)
}

async fn launches_and_deletes(port: u16) {
    let launches = get_ok(port, "/db/usage/launches/").await;
    assert_eq!(launches, get_ok(port, "/db/usage/nova/launches").await);
    let rows = launches["launches"].as_array().expect("launches");
    assert_eq!(rows.len(), 2);
    // Default order: launched_at descending.
    assert_eq!(rows[0]["instance"], INSTANCE_B);
    assert_eq!(rows[0]["launched_at"], "2014-01-01 11:00:00");
    assert_eq!(rows[1]["launched_at"], "2014-01-01 10:00:00.123456");
    assert_eq!(rows[1]["instance_type_id"], "5");
    assert_eq!(rows[1]["tenant"], "tenant-d");
    let keys: Vec<&str> = rows[1]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "id",
        "instance",
        "launched_at",
        "request_id",
        "instance_type_id",
        "instance_flavor_id",
        "tenant",
        "os_architecture",
        "os_distro",
        "os_version",
        "rax_options",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let id = rows[1]["id"].as_i64().expect("id");
    let one = get_ok(port, &format!("/db/usage/nova/launches/{id}/")).await;
    assert_eq!(one, json!({"launch": rows[1]}));

    let deletes = get_ok(port, "/db/usage/deletes/").await;
    assert_eq!(deletes, get_ok(port, "/db/usage/nova/deletes/").await);
    let delete = &deletes["deletes"][0];
    assert_eq!(deletes["deletes"].as_array().unwrap().len(), 1);
    assert_eq!(delete["deleted_at"], "2014-01-01 12:00:00");
    assert!(delete["raw"].as_i64().is_some(), "{delete}");
    let id = delete["id"].as_i64().unwrap();
    assert_eq!(
        get_ok(port, &format!("/db/usage/deletes/{id}")).await,
        json!({"delete": delete})
    );
}

async fn nova_exists_rows(port: u16) {
    let exists = get_ok(port, "/db/usage/exists/").await;
    assert_eq!(exists, get_ok(port, "/db/usage/nova/exists/").await);
    let rows = exists["exists"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // Default order: id descending, so B's exists (ingested last) is first.
    assert_eq!(rows[0]["message_id"], "m-b");
    assert_eq!(rows[0]["deleted_at"], "2014-01-01 12:00:00");
    assert_eq!(rows[0]["launched_at"], "2014-01-01 11:00:00");
    assert!(rows[0]["delete"].as_i64().is_some(), "{}", rows[0]);
    assert!(rows[0]["usage"].as_i64().is_some(), "{}", rows[0]);
    let a = &rows[1];
    assert_eq!(a["status"], "pending");
    assert_eq!(a["send_status"], 0);
    assert_eq!(a["launched_at"], "2014-01-01 10:00:00.123456");
    assert_eq!(a["audit_period_beginning"], "2014-01-01 00:00:00");
    assert_eq!(a["audit_period_ending"], "2014-01-02 00:00:00");
    assert_eq!(a["received"], "2014-01-02 00:05:00.500000");
    assert_eq!(a["bandwidth_public_out"], 42);
    assert_eq!(a["deleted_at"], Value::Null);
    assert_eq!(a["delete"], Value::Null);
    assert_eq!(a["event_id"], Value::Null);
    assert!(
        a["usage"].as_i64().is_some() && a["raw"].as_i64().is_some(),
        "{a}"
    );
    let id = a["id"].as_i64().unwrap();
    assert_eq!(
        get_ok(port, &format!("/db/usage/nova/exists/{id}/")).await,
        json!({"exist": a})
    );
}

async fn glance_lists(port: u16) {
    let images = get_ok(port, "/db/usage/glance/images/").await;
    let rows = images["images"].as_array().expect("images");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["uuid"], IMAGE_B); // created_at descending
    assert_eq!(rows[0]["created_at"], "2014-01-01 09:00:00");
    assert!(rows[0]["last_raw"].as_i64().is_some());
    let id = rows[0]["id"].as_i64().unwrap();
    // v2's envelope for one image is `launch`.
    assert_eq!(
        get_ok(port, &format!("/db/usage/glance/images/{id}/")).await,
        json!({"launch": rows[0]})
    );
    let deletes = get_ok(port, "/db/usage/glance/deletes/").await;
    assert_eq!(deletes["deletes"][0]["uuid"], IMAGE_B);
    assert_eq!(deletes["deletes"][0]["deleted_at"], "2014-01-01 12:00:00");
    let id = deletes["deletes"][0]["id"].as_i64().unwrap();
    let one = get_ok(port, &format!("/db/usage/glance/deletes/{id}/")).await;
    assert_eq!(one["delete"], deletes["deletes"][0]);
    let exists = get_ok(port, "/db/usage/glance/exists/").await;
    let rows = exists["exists"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|r| r["message_id"] == "g-1" && r["owner"] == "owner-d"));
    assert_eq!(rows[0]["uuid"], IMAGE_B);
    assert_eq!(rows[0]["deleted_at"], "2014-01-01 12:00:00");
    assert_eq!(rows[0]["received"], "2014-01-02 00:06:00");
    assert_eq!(rows[0]["size"], 20);
    let id = rows[1]["id"].as_i64().unwrap();
    let one = get_ok(port, &format!("/db/usage/glance/exists/{id}/")).await;
    assert_eq!(one, json!({"exist": rows[1]}));
}

async fn not_found(port: u16) {
    let cases = [
        (
            "/db/usage/launches/999999/",
            "No InstanceUsage matches the given query.",
        ),
        (
            "/db/usage/nova/deletes/999999/",
            "No InstanceDeletes matches the given query.",
        ),
        (
            "/db/usage/exists/99999999999999999999999/",
            "No InstanceExists matches the given query.",
        ),
        (
            "/db/usage/glance/images/999999/",
            "No ImageUsage matches the given query.",
        ),
        (
            "/db/usage/glance/deletes/999999/",
            "No ImageDeletes matches the given query.",
        ),
        (
            "/db/usage/glance/exists/999999/",
            "No ImageExists matches the given query.",
        ),
        ("/db/usage/launches/abc/", "Not Found"),
    ];
    for (path, message) in cases {
        assert_eq!(get_err(port, path, 404).await, message, "{path}");
    }
}

/// The instances a launches list answers for `query`.
async fn instances(port: u16, query: &str) -> Vec<String> {
    let v = get_ok(port, &format!("/db/usage/launches/?{query}")).await;
    let rows = v["launches"].as_array().expect("launches");
    rows.iter()
        .map(|r| r["instance"].as_str().unwrap().to_string())
        .collect()
}

async fn filters_and_pages(port: u16) {
    let (a, b) = (INSTANCE_A.to_string(), INSTANCE_B.to_string());
    let cases: [(&str, Vec<String>); 13] = [
        ("", vec![b.clone(), a.clone()]),
        ("direction=asc", vec![a.clone(), b.clone()]),
        ("direction=anything", vec![a.clone(), b.clone()]),
        ("limit=1", vec![b.clone()]),
        ("limit=1&offset=1", vec![a.clone()]),
        ("offset=2", vec![]),
        ("limit=5000", vec![b.clone(), a.clone()]),
        ("limit=0", vec![]),
        (
            "order_by=instance&direction=asc",
            vec![a.clone(), b.clone()],
        ),
        ("launched_at_min=2014-01-01 10:30:00", vec![b.clone()]),
        (
            "launched_at_max=2014-01-01T10:00:00.123456",
            vec![a.clone()],
        ),
        ("launched_at_max=2014-01-01T10:00:00.123455Z", vec![]),
        ("id_min=1970-01-01 00:00:01", vec![b.clone(), a.clone()]),
    ];
    for (query, expected) in cases {
        assert_eq!(instances(port, query).await, expected, "{query}");
    }
    assert_eq!(
        instances(port, &format!("instance={INSTANCE_A}")).await,
        [a]
    );
    let exists = |q: &str| {
        let path = format!("/db/usage/exists/?{q}");
        async move {
            get_ok(port, &path).await["exists"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(exists("received_min=2014-01-02 00:05:00.5").await, 2);
    assert_eq!(exists("received_min=2014-01-02 00:05:00.500001").await, 0);
    assert_eq!(exists("received_max=2014-01-02 00:05:00").await, 0);
    assert_eq!(
        exists(&format!(
            "instance={INSTANCE_B}&deleted_at_min=2014-01-01 00:00:00"
        ))
        .await,
        1
    );
    let glance = get_ok(
        port,
        "/db/usage/glance/exists/?received_max=2014-01-02 00:06:00",
    )
    .await;
    assert_eq!(glance["exists"].as_array().unwrap().len(), 2);
}

/// List queries v2 refused, and its messages.
const LIST_ERRORS: &[(&str, &str)] = &[
    (
        "/db/usage/launches/?instance=obviouslybaduuid",
        "obviouslybaduuid is not uuid-like",
    ),
    (
        "/db/usage/launches/?launched_at_min=obviouslybaddatetime",
        "Range filters must be dates.",
    ),
    (
        "/db/usage/deletes/?deleted_at_max=2014-020-26 00:00:00",
        "Range filters must be dates.",
    ),
    (
        "/db/usage/launches/?somebadfield_max=2014-01-01 00:00:00",
        "No such field 'somebadfield'.",
    ),
    (
        "/db/usage/launches/?received_min=2014-01-01 00:00:00",
        "No such field 'received'.",
    ),
    (
        "/db/usage/exists/?received_min=yesterday",
        "Range filters must be dates.",
    ),
    (
        "/db/usage/glance/exists/?received_max=2014-01-01",
        "Range filters must be dates.",
    ),
    ("/db/usage/exists/?order_by=nope", "No such field 'nope'."),
    (
        "/db/usage/exists/?limit=-1",
        "'-1' value for limit must be a non-negative integer.",
    ),
    (
        "/db/usage/exists/?limit=ten",
        "'ten' value for limit must be a non-negative integer.",
    ),
    (
        "/db/usage/exists/?offset=-5",
        "'-5' value for offset must be a non-negative integer.",
    ),
    (
        "/db/usage/exists/?offset=99999999999999999999",
        "'99999999999999999999' value for offset must be a non-negative integer.",
    ),
    (
        "/db/usage/glance/images/?instance=aaaaaaaa-6352-4dbc-8271-96cc54bf14cd",
        "No such field 'instance'.",
    ),
    (
        "/db/usage/launches/?tenant_min=2014-01-01 00:00:00",
        "Range filters apply to dates and numbers; 'tenant' is text.",
    ),
    (
        "/db/usage/launches/?instance=%ff",
        "\u{fffd} is not uuid-like",
    ),
];

async fn list_errors(port: u16) {
    for (path, message) in LIST_ERRORS {
        assert_eq!(get_err(port, path, 400).await, *message, "{path}");
    }
}

async fn exists_stats(port: u16) {
    let nova = get_ok(port, "/db/stats/nova/exists/").await;
    assert_eq!(
        nova,
        json!({"stats": [{"status": "pending", "send_status": 0, "event_count": 2}]})
    );
    let one = get_ok(
        port,
        &format!("/db/stats/nova/exists/?instance={INSTANCE_A}&limit=x"),
    )
    .await;
    assert_eq!(one["stats"][0]["event_count"], 1);
    let none = get_ok(
        port,
        "/db/stats/nova/exists/?received_min=2014-01-03 00:00:00",
    )
    .await;
    assert_eq!(none, json!({"stats": []}));
    let glance = get_ok(
        port,
        "/db/stats/glance/exists/?audit_period_ending_max=2014-01-02 00:00:00",
    )
    .await;
    assert_eq!(
        glance,
        json!({"stats": [{"status": "pending", "send_status": 0, "event_count": 2}]})
    );
    let err = get_err(port, "/db/stats/glance/exists/?created_at_min=bad", 400).await;
    assert_eq!(err, "Range filters must be dates.");
}

/// `/db/stats/events/` queries v2 refused, and its messages.
const EVENT_STATS_ERRORS: &[(&str, &str)] = &[
    (
        "when_min=2014-020-26&service=nova",
        "When providing date range filters, a min and max are required.",
    ),
    (
        "when_max=2014-02-26 00:00:00",
        "When providing date range filters, a min and max are required.",
    ),
    (
        "when_min=2014-2-26 00:00:00&when_max=2014-3-5 00:00:01&service=nova",
        "Date ranges may be no larger than 604800 seconds",
    ),
    (
        "when_min=2014-020-26&when_max=2014-020-26&service=nova",
        "Invalid format for date (Correct format should be %Y-%m-%d %H:%M:%S)",
    ),
    (
        "when_min=2014-02-26 00:00:00&when_max=2014-02-27 00:00:00&service=qonos",
        "Invalid service",
    ),
    ("service=generic", "Invalid service"),
];

async fn event_stats(port: u16) {
    let events = get_ok(port, "/db/stats/events/").await;
    assert_eq!(
        events,
        json!({"stats": [
            {"event": "compute.instance.create.end", "event_count": 2},
            {"event": "compute.instance.delete.end", "event_count": 1},
            {"event": "compute.instance.exists", "event_count": 2},
        ]})
    );
    let day = "when_min=2014-01-01 00:00:00&when_max=2014-01-01 23:59:59";
    let glance = get_ok(port, &format!("/db/stats/events/?service=glance&{day}")).await;
    assert_eq!(
        glance,
        json!({"stats": [
            {"event": "image.activate", "event_count": 2},
            {"event": "image.delete", "event_count": 1},
        ]})
    );
    let exists = get_ok(port, "/db/stats/events/?event=compute.instance.exists").await;
    assert_eq!(
        exists,
        json!({"stats": [{"event": "compute.instance.exists", "event_count": 2}]})
    );
    let verified = "/db/stats/events/?service=nova&event=compute.instance.exists.verified";
    assert_eq!(
        get_ok(port, verified).await,
        json!({"stats": [{"event": "compute.instance.exists.verified", "event_count": 0}]})
    );
    for (q, message) in EVENT_STATS_ERRORS {
        assert_eq!(
            get_err(port, &format!("/db/stats/events/?{q}"), 400).await,
            *message,
            "{q}"
        );
    }
    let week = "when_min=2014-2-26 00:00:00&when_max=2014-3-5 00:00:00";
    assert_eq!(
        get_ok(port, &format!("/db/stats/events/?{week}")).await,
        json!({"stats": []})
    );
}

async fn reads(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, _fx) = billing_app(&db).await;
    let port = app.port;
    launches_and_deletes(port).await;
    nova_exists_rows(port).await;
    glance_lists(port).await;
    not_found(port).await;
    filters_and_pages(port).await;
    list_errors(port).await;
    exists_stats(port).await;
    event_stats(port).await;
    app.stop().await;
}

#[tokio::test]
async fn reads_sqlite() {
    reads(Backend::Sqlite).await;
}

#[tokio::test]
async fn reads_postgres() {
    reads(Backend::Postgres).await;
}

#[tokio::test]
async fn reads_mariadb() {
    reads(Backend::MariaDb).await;
}
