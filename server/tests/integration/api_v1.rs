//! `/api/v1` over a real socket, fed through the real broker, on SQLite, PostgreSQL and MariaDB:
//! cursor pagination sees every row exactly once (also while rows arrive), filters, one event with
//! its JSON, instance, request, timings, deployments, status, quarantine, and JSON 400/404 errors.

use std::collections::BTreeSet;

use serde_json::Value;

use server::store::Store;

use crate::helpers::*;

/// GET over HTTP/1.0: (status, content type, body parsed as JSON).
pub async fn get_json(port: u16, path: &str) -> (u16, String, Value) {
    let (status, content_type, body) = http_get_typed(port, path).await;
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, content_type, json)
}

/// Asserts a JSON error answer with `status` whose message contains `needle`.
async fn assert_error(port: u16, path: &str, status: u16, needle: &str) {
    let (got, content_type, body) = get_json(port, path).await;
    assert_eq!(got, status, "{path}: {body}");
    assert!(
        content_type.starts_with("application/json"),
        "{path}: {content_type}"
    );
    let message = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: {body}"));
    assert!(message.contains(needle), "{path}: {message}");
}

/// Walks `/api/v1/events?<query>&limit=<limit>` from the start; returns every id seen and
/// calls `between` after the first page.
async fn walk(port: u16, query: &str, limit: u32, between: impl AsyncFnOnce()) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut after = 0;
    let mut between = Some(between);
    loop {
        let path = format!("/api/v1/events?{query}&after={after}&limit={limit}");
        let (status, _, page) = get_json(port, &path).await;
        assert_eq!(status, 200, "{path}: {page}");
        let events = page["events"].as_array().expect("events");
        assert!(events.len() <= limit as usize);
        ids.extend(events.iter().map(|e| e["id"].as_i64().expect("id")));
        if let Some(f) = between.take() {
            f().await;
        }
        match page["next"].as_i64() {
            Some(next) => {
                assert_eq!(Some(next), ids.last().copied(), "next is the last id");
                after = next;
            }
            None => return ids,
        }
    }
}

/// Publishes `messages` and waits until the notifications `ids` are stored.
async fn publish_stored(vhost: &TestVhost, store: &Store, messages: Messages, ids: &[String]) {
    publish(vhost, "nova", &messages).await;
    let want = ids.len() as i64;
    eventually(20, "stored", || {
        let (store, ids) = (store.clone(), ids.to_vec());
        async move { store.count_events_with_message_ids(&ids).await.unwrap() == want }
    })
    .await;
}

type Messages = Vec<(&'static str, Vec<u8>)>;

/// 23 notifications: 10 of instance A, 13 of instance B; and one poison message. Returns
/// the notifications' message ids.
async fn seed(vhost: &TestVhost, store: &Store) -> Vec<String> {
    let mut published = Vec::new();
    let mut messages = Vec::new();
    for i in 0..23 {
        let instance = if i % 5 < 2 {
            "inst-api-a"
        } else {
            "inst-api-b"
        };
        let (id, body) = nova_notification("compute.instance.update", instance);
        published.push(id);
        messages.push(("monitor.info", body));
    }
    messages.push(("monitor.error", b"{not json".to_vec()));
    publish_stored(vhost, store, messages, &published).await;
    published
}

/// Every row exactly once, in id order, across pages of 4 while 5 more rows arrive (5
/// exists of instance C); returns the 28 ids.
async fn check_paging(port: u16, vhost: &TestVhost, store: &Store) -> Vec<i64> {
    let ids = walk(port, "", 4, async || {
        let mut late = Vec::new();
        let mut more = Vec::new();
        for _ in 0..5 {
            let (id, body) = nova_notification("compute.instance.exists", "inst-api-c");
            late.push(id);
            more.push(("monitor.info", body));
        }
        publish_stored(vhost, store, more, &late).await;
    })
    .await;
    assert_eq!(ids.len(), 28, "{ids:?}");
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ascending, no repeats: {ids:?}"
    );
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), 28);
    ids
}

async fn check_filters(port: u16, name: &str, ids: &[i64]) {
    // Filters, with the deployment by name; pages of 2 still cover each row once.
    let a = walk(
        port,
        &format!("deployment={name}&instance=inst-api-a"),
        2,
        async || {},
    )
    .await;
    assert_eq!(a.len(), 10, "instance A: {a:?}");
    let hosts = walk(
        port,
        "host=cpu-n01.example.net&event=compute.instance.exists",
        100,
        async || {},
    )
    .await;
    assert_eq!(hosts.len(), 5);
    let (_, _, page) = get_json(port, "/api/v1/events?since=0&until=1").await;
    assert_eq!(
        page["events"].as_array().map(Vec::len),
        Some(0),
        "nothing in 1970"
    );
    // Limits are clamped: 0 → 1, 5000 → 1000.
    let (_, _, one) = get_json(port, "/api/v1/events?limit=0").await;
    assert_eq!(one["events"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["next"].as_i64(), Some(ids[0]));
    let (_, _, big) = get_json(port, "/api/v1/events?limit=5000").await;
    assert_eq!(big["events"].as_array().map(Vec::len), Some(28));
    assert!(big["next"].is_null());
}

/// Returns the event as JSON.
async fn check_event(port: u16, first: i64, published: &[String]) -> Value {
    // One event: its row, its columns, and the notification as JSON (not a string).
    let (status, content_type, event) = get_json(port, &format!("/api/v1/events/{first}")).await;
    assert_eq!(status, 200, "{event}");
    assert!(content_type.starts_with("application/json"));
    assert_eq!(event["event"]["id"].as_i64(), Some(first));
    let message_id = event["message_id"]
        .as_str()
        .expect("message id")
        .to_string();
    assert!(published.contains(&message_id));
    assert_eq!(
        event["notification"]["message_id"].as_str(),
        Some(message_id.as_str())
    );
    assert_eq!(event["notification"]["payload"]["tenant_id"], "tenant42");
    assert_eq!(event["state"], "active");
    assert!(event["received"].is_i64(), "times are µs numbers: {event}");
    assert!(event["image_type_names"].is_array(), "{event}");

    event
}

async fn check_resources(port: u16, event: &Value, first: i64) {
    // Instance, request, timings.
    let (status, _, inst) = get_json(port, "/api/v1/instances/inst-api-a").await;
    assert_eq!(status, 200, "{inst}");
    assert_eq!(inst["events"].as_array().map(Vec::len), Some(10));
    assert_eq!(inst["lifecycle"]["state"], "active");
    let request = event["event"]["request_id"].as_str().expect("request id");
    let (status, _, req) = get_json(port, &format!("/api/v1/requests/{request}")).await;
    assert_eq!(status, 200, "{req}");
    assert_eq!(req["rows"][0]["id"].as_i64(), Some(first));
    let (status, _, timings) = get_json(port, "/api/v1/timings?window=24h").await;
    assert_eq!((status, timings["window"].as_str()), (200, Some("Day")));
}

async fn check_status(port: u16, name: &str, ids: &[i64], backend: Backend) {
    // Deployments, status, quarantine.
    let (status, _, deps) = get_json(port, "/api/v1/deployments").await;
    assert_eq!(status, 200);
    let dep = &deps["deployments"][0];
    assert_eq!(dep["name"].as_str(), Some(name));
    assert_eq!(dep["consumers"][0]["state"], "Connected");
    assert_eq!(dep["last_event"][0].as_i64(), ids.last().copied());
    let (status, _, st) = get_json(port, "/api/v1/status").await;
    assert_eq!(status, 200);
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::MariaDb => "mysql",
    };
    assert_eq!(st["database"]["backend"], expected);
    assert_eq!(st["quarantine_total"].as_i64(), Some(1));
    let (status, _, q) = get_json(port, "/api/v1/quarantine?limit=10").await;
    assert_eq!(status, 200);
    let rows = q["quarantine"].as_array().expect("rows");
    assert_eq!((rows.len(), q["next"].is_null()), (1, true));
    let qid = rows[0]["id"].as_i64().expect("id");
    let (status, _, one) = get_json(port, &format!("/api/v1/quarantine/{qid}")).await;
    assert_eq!((status, one["text"].as_str()), (200, Some("{not json")));
}

async fn check_usage(port: u16, vhost: &TestVhost, store: &Store) {
    // Usage rows are typed: the kind, times as µs numbers (null when unset), named columns.
    let (id, body) = nova_notification("compute.instance.create.start", "inst-api-d");
    publish_stored(vhost, store, vec![("monitor.info", body)], &[id]).await;
    let (status, _, inst) = get_json(port, "/api/v1/instances/inst-api-d").await;
    assert_eq!(status, 200, "{inst}");
    let usage = &inst["usage"][0];
    assert_eq!(usage["kind"], "usage");
    assert_eq!(usage["tenant"], "tenant42");
    let request = usage["request_id"].as_str().expect("request id");
    assert!(request.starts_with("req-"), "{usage}");
    assert!(usage["launched_at"].is_null() && usage["audit_period_beginning"].is_null());
    assert!(usage.get("details").is_none(), "{usage}");
}

async fn check_errors(port: u16) {
    // Errors are JSON with 400 or 404.
    assert_error(port, "/api/v1/events/999999999", 404, "no event").await;
    assert_error(port, "/api/v1/events/abc", 400, "integer").await;
    assert_error(port, "/api/v1/events?limit=ten", 400, "limit").await;
    assert_error(port, "/api/v1/events?after=-3", 400, "after").await;
    assert_error(port, "/api/v1/events?hots=x", 400, "hots").await;
    assert_error(port, "/api/v1/events?errors=maybe", 400, "errors").await;
    assert_error(port, "/api/v1/events?since=10&until=5", 400, "since").await;
    assert_error(
        port,
        "/api/v1/events?deployment=no-such-cell",
        404,
        "no deployment",
    )
    .await;
    assert_error(
        port,
        "/api/v1/instances/no-such-instance",
        404,
        "no instance",
    )
    .await;
    assert_error(port, "/api/v1/requests/req-none", 404, "no request").await;
    assert_error(port, "/api/v1/timings?window=2d", 400, "window").await;
    assert_error(port, "/api/v1/quarantine/99999", 404, "no quarantined").await;
    assert_error(port, "/api/v1/no/such/endpoint", 404, "no endpoint").await;
}

async fn api_answers(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let name = format!("cell-api-{}", unique());
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment(&name, &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected(&name).await;
    let (port, store) = (app.port, app.store.clone());
    let published = seed(&vhost, &store).await;
    let ids = check_paging(port, &vhost, &store).await;
    check_filters(port, &name, &ids).await;
    let event = check_event(port, ids[0], &published).await;
    check_resources(port, &event, ids[0]).await;
    check_status(port, &name, &ids, backend).await;
    check_usage(port, &vhost, &store).await;
    check_errors(port).await;
    app.stop().await;
}

#[tokio::test]
async fn api_v1_answers_on_sqlite() {
    api_answers(Backend::Sqlite).await;
}

#[tokio::test]
async fn api_v1_answers_on_postgres() {
    api_answers(Backend::Postgres).await;
}

#[tokio::test]
async fn api_v1_answers_on_mariadb() {
    api_answers(Backend::MariaDb).await;
}
