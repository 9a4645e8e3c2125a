//! `/stacky/usage/{launches,deletes,exists}` over a real socket, on SQLite, PostgreSQL and MariaDB:
//! the usage rows that the real ingest path aggregated, with v2's headers and `When` strings, the
//! `instance` filter and its 400, limit/offset in id order, and an empty table (header only). Then
//! the `stacky usage …` commands replayed the way `stacky.py` sends and prints them (the path
//! without a trailing slash, `params=filter`, `dump_results` into a prettytable).

use serde_json::{json, Value};

use crate::helpers::{http_get_typed, Backend, TestDb};
use crate::stacky::{app_with_fixture, get_json, ingest, v2_when};
use crate::web_queries::Fixture;

const ALIVE: &str = "aaaa1111-6352-4dbc-8271-96cc54bf14cd";
const GONE: &str = "bbbb2222-6352-4dbc-8271-96cc54bf14cd";
const BUILDING: &str = "cccc3333-6352-4dbc-8271-96cc54bf14cd";
const EXISTS_ALIVE: &str = "e0000001-6352-4dbc-8271-96cc54bf14cd";
const EXISTS_GONE: &str = "e0000002-6352-4dbc-8271-96cc54bf14cd";
const SEC: i64 = 1_000_000;
/// 2026-11-30 12:00:00 UTC.
const BASE: i64 = 1_796_040_000 * SEC;

/// `str(datetime)` as a payload time.
fn payload_time(us: i64) -> String {
    app::model::format_micros(app::model::Micros(us))
}

/// A nova notification of `instance` at `when`.
fn nova(event: &str, when: i64, request: &str, message_id: &str, payload: Value) -> Vec<u8> {
    json!({
        "event_type": event,
        "publisher_id": "compute.host-a",
        "timestamp": payload_time(when),
        "message_id": message_id,
        "_context_request_id": request,
        "_context_project_id": "0a1b2c",
        "payload": payload,
    })
    .to_string()
    .into_bytes()
}

/// A usage payload: the instance, its flavor and the given times (`""` when not given).
fn usage(instance: &str, flavor: &str, times: &[(&str, i64)]) -> Value {
    let mut p = json!({
        "instance_id": instance, "tenant_id": "0a1b2c", "state": "active",
        "instance_type_id": flavor, "instance_flavor_id": flavor,
        "launched_at": "", "deleted_at": "", "terminated_at": "",
    });
    for (key, us) in times {
        p[*key] = json!(payload_time(*us));
    }
    p
}

/// The times of [`seed`]: ALIVE's launch, GONE's launch and deletion, the period's end.
struct Times {
    alive_at: i64,
    gone_at: i64,
    deleted_at: i64,
    end: i64,
}

/// `(routing key, body)` of `compute.instance.<event>`.
fn step(event: &str, when: i64, request: &str, id: &str, p: Value) -> (&'static str, Vec<u8>) {
    let event = format!("compute.instance.{event}");
    ("monitor.info", nova(&event, when, request, id, p))
}

/// Two instances launched (one deleted later), one still building.
async fn ingest_launches(fx: &Fixture, t: &Times) {
    let gone = [
        ("launched_at", t.gone_at),
        ("terminated_at", t.deleted_at),
        ("deleted_at", t.deleted_at),
    ];
    let messages = vec![
        step(
            "create.start",
            BASE,
            "req-a",
            &uid(1),
            usage(ALIVE, "2", &[]),
        ),
        step(
            "create.end",
            t.alive_at,
            "req-a",
            &uid(2),
            usage(ALIVE, "2", &[("launched_at", t.alive_at)]),
        ),
        step(
            "create.start",
            BASE + SEC,
            "req-b",
            &uid(3),
            usage(GONE, "5", &[]),
        ),
        step(
            "create.end",
            t.gone_at,
            "req-b",
            &uid(4),
            usage(GONE, "5", &gone[..1]),
        ),
        step(
            "create.start",
            BASE + 2 * SEC,
            "req-c",
            &uid(5),
            usage(BUILDING, "7", &[]),
        ),
        step(
            "delete.end",
            t.deleted_at,
            "req-d",
            &uid(6),
            usage(GONE, "5", &gone),
        ),
    ];
    ingest(fx, "nova", messages).await;
}

/// An exists for each launched instance, for the day that ends at `t.end`.
async fn ingest_exists(fx: &Fixture, t: &Times) {
    let audit = |instance: &str, flavor: &str, times: &[(&str, i64)]| {
        let mut p = usage(instance, flavor, times);
        p["audit_period_beginning"] = json!(payload_time(t.end - 86_400 * SEC));
        p["audit_period_ending"] = json!(payload_time(t.end));
        p
    };
    let alive = audit(ALIVE, "2", &[("launched_at", t.alive_at)]);
    let gone = audit(
        GONE,
        "5",
        &[("launched_at", t.gone_at), ("deleted_at", t.deleted_at)],
    );
    let messages = vec![
        step("exists", t.end + SEC, "req-e", EXISTS_ALIVE, alive),
        step("exists", t.end + 2 * SEC, "req-f", EXISTS_GONE, gone),
    ];
    ingest(fx, "nova", messages).await;
}

/// [`ingest_launches`] then [`ingest_exists`]. Returns (launch of ALIVE, launch of GONE,
/// deletion of GONE).
async fn seed(fx: &Fixture) -> (i64, i64, i64) {
    let t = Times {
        alive_at: BASE + 30 * SEC + 500_000,
        gone_at: BASE + 40 * SEC,
        deleted_at: BASE + 3_600 * SEC + 250_000,
        end: BASE + 43_200 * SEC,
    };
    ingest_launches(fx, &t).await;
    ingest_exists(fx, &t).await;
    (t.alive_at, t.gone_at, t.deleted_at)
}

/// A message id.
fn uid(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-000000000000")
}

fn launches_header() -> Value {
    json!([
        "UUID",
        "Launched At",
        "Instance Type Id",
        "Instance Flavor Id"
    ])
}

fn exists_header() -> Value {
    json!([
        "UUID",
        "Launched At",
        "Deleted At",
        "Instance Type Id",
        "Instance Flavor Id",
        "Message ID",
        "Status"
    ])
}

/// The three tables, unfiltered and filtered, and their paging.
async fn assert_tables(port: u16, (alive_at, gone_at, deleted_at): (i64, i64, i64)) {
    assert_eq!(
        get_json(port, "/stacky/usage/launches/").await,
        json!([
            launches_header(),
            [ALIVE, v2_when(alive_at), "2", "2"],
            [GONE, v2_when(gone_at), "5", "5"],
            [BUILDING, null, "7", "7"]
        ])
    );
    assert_eq!(
        get_json(port, "/stacky/usage/deletes/").await,
        json!([
            ["UUID", "Launched At", "Deleted At"],
            [GONE, v2_when(gone_at), v2_when(deleted_at)]
        ])
    );
    assert_eq!(
        get_json(port, "/stacky/usage/exists/").await,
        json!([
            exists_header(),
            [
                ALIVE,
                v2_when(alive_at),
                null,
                "2",
                "2",
                EXISTS_ALIVE,
                "pending"
            ],
            [
                GONE,
                v2_when(gone_at),
                v2_when(deleted_at),
                "5",
                "5",
                EXISTS_GONE,
                "pending"
            ]
        ])
    );
}

/// The `instance` filter and paging.
async fn assert_filters_and_pages(port: u16, (alive_at, gone_at, deleted_at): (i64, i64, i64)) {
    assert_eq!(
        get_json(port, &format!("/stacky/usage/exists?instance={GONE}")).await,
        json!([
            exists_header(),
            [
                GONE,
                v2_when(gone_at),
                v2_when(deleted_at),
                "5",
                "5",
                EXISTS_GONE,
                "pending"
            ]
        ])
    );
    assert_eq!(
        get_json(port, &format!("/stacky/usage/deletes/?instance={ALIVE}")).await,
        json!([["UUID", "Launched At", "Deleted At"]])
    );
    assert_eq!(
        get_json(port, "/stacky/usage/launches/?limit=1&offset=1").await,
        json!([launches_header(), [GONE, v2_when(gone_at), "5", "5"]])
    );
    assert_eq!(
        get_json(port, "/stacky/usage/launches/?limit=2").await,
        json!([
            launches_header(),
            [ALIVE, v2_when(alive_at), "2", "2"],
            [GONE, v2_when(gone_at), "5", "5"]
        ])
    );
}

/// v2's 400s: a uuid that is not uuid-like (even an empty one), a bad limit.
async fn assert_errors(port: u16) {
    for (path, message) in [
        (
            "/stacky/usage/launches/?instance=abc",
            "abc is not uuid-like",
        ),
        ("/stacky/usage/deletes?instance=", " is not uuid-like"),
        ("/stacky/usage/exists/?instance=xyz", "xyz is not uuid-like"),
        (
            "/stacky/usage/exists/?limit=x",
            "'x' value for limit must be a non-negative integer.",
        ),
    ] {
        let (status, content_type, body) = http_get_typed(port, path).await;
        assert_eq!(
            (status, content_type.as_str()),
            (400, "application/json"),
            "{path}"
        );
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v,
            json!([["Error", "Message"], ["Bad Request", message]]),
            "{path}"
        );
    }
}

/// `stacky usage <sub> [instance]` as `stacky.py` runs it: what it prints.
async fn stacky_usage(port: u16, sub: &str, instance: Option<&str>) -> Vec<String> {
    let mut path = format!("/stacky/usage/{sub}");
    if let Some(uuid) = instance {
        path.push_str(&format!("?instance={uuid}"));
    }
    let (status, _, body) = http_get_typed(port, &path).await;
    assert_eq!(status, 200, "stacky would exit({status}): {body}");
    let results: Value = serde_json::from_str(&body).expect("get_json");
    let rows = results.as_array().expect("a table");
    let title = rows[0].as_array().expect("title = results.pop(0)");
    if rows.len() == 1 {
        return vec!["No results".into()];
    }
    rows[1..]
        .iter()
        .map(|row| {
            let cells = row.as_array().expect("a row");
            assert_eq!(
                cells.len(),
                title.len(),
                "prettytable: {row} under {title:?}"
            );
            let text = |c: &Value| match c {
                Value::String(s) => s.clone(),
                Value::Null => "None".into(),
                other => other.to_string(),
            };
            cells.iter().map(text).collect::<Vec<_>>().join(" | ")
        })
        .collect()
}

async fn usage_endpoints_list_the_usage_tables(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, fx) = app_with_fixture(&db).await;
    assert_eq!(
        stacky_usage(app.port, "launches", None).await,
        ["No results"]
    );
    assert_eq!(
        get_json(app.port, "/stacky/usage/exists/").await,
        json!([exists_header()])
    );
    let times = seed(&fx).await;
    assert_tables(app.port, times).await;
    assert_filters_and_pages(app.port, times).await;
    assert_errors(app.port).await;
    let (alive_at, gone_at, deleted_at) = times;
    assert_eq!(
        stacky_usage(app.port, "launches", Some(BUILDING)).await,
        [format!("{BUILDING} | None | 7 | 7")]
    );
    assert_eq!(
        stacky_usage(app.port, "deletes", None).await,
        [format!(
            "{GONE} | {} | {}",
            v2_when(gone_at),
            v2_when(deleted_at)
        )]
    );
    assert_eq!(
        stacky_usage(app.port, "exists", Some(ALIVE)).await,
        [format!(
            "{ALIVE} | {} | None | 2 | 2 | {EXISTS_ALIVE} | pending",
            v2_when(alive_at)
        )]
    );
    app.stop().await;
}

#[tokio::test]
async fn usage_endpoints_list_the_usage_tables_sqlite() {
    usage_endpoints_list_the_usage_tables(Backend::Sqlite).await;
}

#[tokio::test]
async fn usage_endpoints_list_the_usage_tables_postgres() {
    usage_endpoints_list_the_usage_tables(Backend::Postgres).await;
}

#[tokio::test]
async fn usage_endpoints_list_the_usage_tables_mariadb() {
    usage_endpoints_list_the_usage_tables(Backend::MariaDb).await;
}
