//! v2's `/stacky/*` API over a real socket, on SQLite, PostgreSQL and MariaDB: every endpoint's
//! headers, rows, `?` column, `When` strings, `sec_to_time` texts, empty answers, error texts,
//! limit/offset (the observable assertions of v2's `test_stacky_server.py`), and the watch cursor
//! that does not miss late events.

use app::model::now_micros;
use serde_json::{json, Value};
use server::ingest::Incoming;
use server::store::stacky::NewJsonReport;

use crate::helpers::{deployments, http_get_typed, Backend, TestApp, TestDb};
use crate::web_queries::Fixture;

pub const INSTANCE: &str = "2222bbbb-6352-4dbc-8271-96cc54bf14cd";
pub const REQUEST: &str = "req-5e5b3a3c-1c07-4bd3-93b5-3b5b1f3c0c11";
pub const IMAGE: &str = "08f685d9-6352-4dbc-8271-96cc54bf14cd";
const SEC: i64 = 1_000_000;

/// A 200 JSON answer, parsed.
pub async fn get_json(port: u16, path: &str) -> Value {
    let (status, content_type, body) = http_get_typed(port, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    assert_eq!(content_type, "application/json", "{path}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// A v2 error answer: the status and `[type, message]`.
async fn get_error(port: u16, path: &str) -> (u16, Value) {
    let (status, content_type, body) = http_get_typed(port, path).await;
    assert_eq!(content_type, "application/json", "{path}");
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(v[0], json!(["Error", "Message"]), "{path}");
    assert_eq!(v.as_array().map(Vec::len), Some(2), "{path}");
    (status, v[1].clone())
}

/// The elements of a JSON array from `from` on.
fn tail(v: &Value, from: usize) -> Value {
    Value::Array(v.as_array().expect("an array")[from..].to_vec())
}

/// `str(datetime)` of microseconds (the fraction only when not zero).
pub fn v2_when(us: i64) -> String {
    let text = app::model::format_micros(app::model::Micros(us));
    text.strip_suffix(".000000").unwrap_or(&text).to_string()
}

/// A notification body.
pub fn note(event: &str, publisher: &str, when: i64, payload: Value, request: &str) -> Vec<u8> {
    json!({
        "event_type": event,
        "publisher_id": publisher,
        "timestamp": app::model::format_micros(app::model::Micros(when)),
        "message_id": uuid::Uuid::new_v4().to_string(),
        "_context_request_id": request,
        "_context_project_id": "tenant42",
        "payload": payload,
    })
    .to_string()
    .into_bytes()
}

fn nova_payload(state: &str, old_state: Option<&str>) -> Value {
    json!({"instance_id": INSTANCE, "tenant_id": "tenant42", "state": state,
           "old_state": old_state, "old_task_state": null, "instance_type_id": "5"})
}

/// Stores messages of one exchange through the real ingest path.
pub async fn ingest(fx: &Fixture, exchange: &str, messages: Vec<(&str, Vec<u8>)>) {
    let incoming: Vec<Incoming> = messages
        .into_iter()
        .map(|(routing_key, body)| Incoming {
            routing_key: routing_key.into(),
            body,
        })
        .collect();
    fx.ingestor
        .ingest(&fx.deployment, exchange, &incoming)
        .await
        .expect("ingested");
}

/// The nova create of [`seed`]: an api update at `base`, start, end 55.5 s later, an
/// error-queue update.
async fn seed_nova(fx: &Fixture, base: i64) {
    let nova = vec![
        (
            "monitor.info",
            note(
                "compute.instance.update",
                "api.api-a",
                base,
                nova_payload("building", None),
                REQUEST,
            ),
        ),
        (
            "monitor.info",
            note(
                "compute.instance.create.start",
                "compute.host-a",
                base + SEC,
                nova_payload("building", None),
                REQUEST,
            ),
        ),
        (
            "monitor.info",
            note(
                "compute.instance.create.end",
                "compute.host-a",
                base + SEC + 55_500_000,
                nova_payload("active", Some("building")),
                REQUEST,
            ),
        ),
        (
            "monitor.error",
            note(
                "compute.instance.update",
                "compute.host-a",
                base + 60 * SEC,
                nova_payload("active", Some("active")),
                REQUEST,
            ),
        ),
    ];
    ingest(fx, "nova", nova).await;
}

/// The scenario: a nova create (api update, start, end 55.5 s later, an error-queue update),
/// a glance activate and a generic event, ten minutes ago. Returns the base time.
pub async fn seed(fx: &Fixture) -> i64 {
    let base = (now_micros() / SEC - 600) * SEC + 717_219;
    seed_nova(fx, base).await;
    let created = app::model::format_micros(app::model::Micros(base));
    ingest(
        fx,
        "glance",
        vec![(
            "notifications.info",
            note(
                "image.activate",
                "image.glance-a",
                base + 2 * SEC,
                json!({"id": IMAGE, "status": "active", "owner": "owner1", "size": 10,
                       "created_at": created}),
                "",
            ),
        )],
    )
    .await;
    ingest(
        fx,
        "neutron",
        vec![(
            "notifications.info",
            note(
                "port.create.end",
                "network.net-a",
                base + 3 * SEC,
                json!({"instance_id": INSTANCE}),
                "",
            ),
        )],
    )
    .await;
    base
}

/// A running app (no consumers) and a fixture that ingests into its store.
pub async fn app_with_fixture(db: &TestDb) -> (TestApp, Fixture) {
    let app = TestApp::spawn(db, deployments(r#"{"deployments": []}"#)).await;
    let fx = Fixture::on(app.store.clone(), "cell-s").await;
    (app, fx)
}

/// The header of a nova row list (uuid, request, search).
fn nova_header() -> Value {
    json!([
        "#",
        "?",
        "When",
        "Deployment",
        "Event",
        "Host",
        "State",
        "State'",
        "Task'"
    ])
}

/// deployments, events and hosts of the seeded database (and of another deployment).
async fn assert_deployments_events_and_hosts(port: u16, fx: &Fixture) {
    let other = fx.store.ensure_deployment("another").await.unwrap();
    assert_eq!(
        get_json(port, "/stacky/deployments/").await,
        json!([
            ["#", "Name"],
            [other, "another"],
            [fx.deployment.id, "cell-s"]
        ])
    );
    let nova_names = [
        "compute.instance.create.end",
        "compute.instance.create.start",
        "compute.instance.update",
    ];
    let mut all = vec![json!(["Event Name"])];
    all.extend(nova_names.iter().map(|n| json!([n])));
    all.extend([json!(["image.activate"]), json!(["port.create.end"])]);
    assert_eq!(
        get_json(port, "/stacky/events/").await,
        Value::Array(all.clone())
    );
    assert_eq!(
        get_json(port, "/stacky/events/?service=all").await,
        Value::Array(all)
    );
    assert_eq!(
        get_json(port, "/stacky/events/?service=glance").await,
        json!([["Event Name"], ["image.activate"]])
    );
    assert_eq!(
        get_json(port, "/stacky/hosts/").await,
        json!([["Host Name"], ["api-a"], ["host-a"]])
    );
    assert_eq!(
        get_json(port, "/stacky/hosts/?service=glance").await,
        json!([["Host Name"], ["glance-a"]])
    );
    let (status, e) = get_error(port, "/stacky/events/?service=cinder").await;
    assert_eq!((status, e[0].as_str()), (400, Some("Bad Request")));
}

/// uuid: nova's 9 columns, the `?` column, `When` strings, oldest first. Returns the rows.
async fn uuid_rows(port: u16, base: i64) -> Value {
    let rows = get_json(port, &format!("/stacky/uuid/?uuid={INSTANCE}")).await;
    assert_eq!(rows[0], nova_header());
    assert_eq!(rows.as_array().unwrap().len(), 5);
    let first = rows[1].as_array().unwrap();
    assert_eq!(
        first[1..],
        json!([
            " ",
            v2_when(base),
            "cell-s",
            "compute.instance.update",
            "api-a",
            "building",
            null,
            null
        ])
        .as_array()
        .unwrap()[..]
    );
    assert_eq!(tail(&rows[3], 6), json!(["active", "building", null]));
    assert_eq!(rows[4][1], "E", "a routing key ending with error");
    assert_eq!(rows[4][2], v2_when(base + 60 * SEC));
    assert!(v2_when(base + 60 * SEC).ends_with(".717219"));
    rows
}

/// uuid: limit/offset slice the order of `rows`; when_min/when_max are inclusive decimals.
async fn assert_uuid_pages_and_windows(port: u16, base: i64, rows: &Value) {
    let page = get_json(
        port,
        &format!("/stacky/uuid/?uuid={INSTANCE}&limit=2&offset=1"),
    )
    .await;
    assert_eq!(page.as_array().unwrap().len(), 3);
    assert_eq!(page[1], rows[2]);
    assert_eq!(page[2], rows[3]);
    let window = format!(
        "/stacky/uuid/?uuid={INSTANCE}&when_min={}&when_max={}",
        server::notification::time::micros_to_decimal_string(base + SEC),
        server::notification::time::micros_to_decimal_string(base + SEC + 55_500_000)
    );
    let windowed = get_json(port, &window).await;
    assert_eq!(windowed.as_array().unwrap().len(), 3);
    assert_eq!(windowed[1][4], "compute.instance.create.start");
}

/// uuid: glance (7 columns, by image id) and generic (8 columns); nothing found is `[]`
/// without a header; a bad uuid is v2's 400.
async fn assert_uuid_other_services_and_misses(port: u16, base: i64, rows: &Value) {
    assert_eq!(
        get_json(port, &format!("/stacky/uuid/?uuid={IMAGE}&service=glance")).await,
        json!([
            ["#", "?", "When", "Deployment", "Event", "Host", "Status"],
            [
                rows[4][0].as_i64().unwrap() + 1,
                " ",
                v2_when(base + 2 * SEC),
                "cell-s",
                "image.activate",
                "glance-a",
                "active"
            ]
        ])
    );
    let generic = get_json(
        port,
        &format!("/stacky/uuid/?uuid={INSTANCE}&service=generic"),
    )
    .await;
    assert_eq!(
        generic[0],
        json!([
            "#",
            "?",
            "When",
            "Deployment",
            "Event",
            "Host",
            "Instance",
            "Request id"
        ])
    );
    assert_eq!(
        tail(&generic[1], 4),
        json!(["port.create.end", "net-a", INSTANCE, ""])
    );
    assert_eq!(
        get_json(
            port,
            "/stacky/uuid/?uuid=9999bbbb-6352-4dbc-8271-96cc54bf14cd"
        )
        .await,
        json!([])
    );
    let (status, e) = get_error(port, "/stacky/uuid/?uuid=obviouslybaduuid").await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!(["Bad Request", "obviouslybaduuid is not uuid-like"])
    );
}

/// request: always the header; v2's 400.
async fn assert_request(port: u16, rows: &Value) {
    let header = nova_header();
    let req = get_json(port, &format!("/stacky/request/?request_id={REQUEST}")).await;
    assert_eq!(req[0], header);
    assert_eq!(req.as_array().unwrap().len(), 5);
    assert_eq!(req[1], rows[1]);
    assert_eq!(
        get_json(
            port,
            "/stacky/request/?request_id=req-9999bbbb-6352-4dbc-8271-96cc54bf14cd"
        )
        .await,
        json!([header])
    );
    let (status, e) = get_error(port, "/stacky/request/?request_id=obviouslybaduuid").await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!(["Bad Request", "obviouslybaduuid is not request-id-like"])
    );
}

/// search: newest first, limit, the allow-list and v2's FieldError text.
async fn assert_search(port: u16, rows: &Value) {
    let found = get_json(port, "/stacky/search/?field=host&value=host-a").await;
    assert_eq!(found[0], nova_header());
    assert_eq!(found.as_array().unwrap().len(), 4);
    assert_eq!(found[1], rows[4]);
    let limited = get_json(
        port,
        "/stacky/search/?field=host&value=host-a&limit=2&service=nova",
    )
    .await;
    assert_eq!(limited.as_array().unwrap().len(), 3);
    assert_eq!(
        get_json(
            port,
            "/stacky/search/?field=tenant&value=tenant42&when_max=1.1"
        )
        .await,
        json!([])
    );
    assert_eq!(
        get_json(port, "/stacky/search/?field=tenant&value=tenant42")
            .await
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        get_json(
            port,
            &format!("/stacky/search/?service=glance&field=uuid&value={IMAGE}")
        )
        .await[1][6],
        "active"
    );
    for field in ["json", "Tenant", "uuid", "tenant__contains"] {
        let (status, e) = get_error(port, &format!("/stacky/search/?field={field}&value=x")).await;
        assert_eq!(status, 400);
        assert_eq!(
            e,
            json!([
                "Bad Request",
                format!(
                    "The requested field '{field}' does not exist for the \
                corresponding object.\nNote: The field names of database are case-sensitive."
                )
            ])
        );
    }
}

async fn names_hosts_and_events(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, fx) = app_with_fixture(&db).await;
    let port = app.port;

    // An empty database: headers only.
    assert_eq!(
        get_json(port, "/stacky/events/").await,
        json!([["Event Name"]])
    );
    assert_eq!(
        get_json(port, "/stacky/hosts/").await,
        json!([["Host Name"]])
    );
    let base = seed(&fx).await;
    assert_deployments_events_and_hosts(port, &fx).await;
    let rows = uuid_rows(port, base).await;
    assert_uuid_pages_and_windows(port, base, &rows).await;
    assert_uuid_other_services_and_misses(port, base, &rows).await;
    assert_request(port, &rows).await;
    assert_search(port, &rows).await;
    app.stop().await;
}

/// show: three elements, twelve key/value rows, the stored [routing_key, body], the uuid;
/// other services by their own ids.
async fn assert_show(port: u16, base: i64, first_id: i64) {
    let shown = get_json(port, &format!("/stacky/show/{first_id}/")).await;
    assert_eq!(shown.as_array().unwrap().len(), 3);
    assert_eq!(
        shown[0],
        json!([
            ["Key", "Value"],
            ["#", first_id],
            ["When", v2_when(base)],
            ["Deployment", "cell-s"],
            ["Category", "monitor.info"],
            ["Publisher", "api.api-a"],
            ["State", "building"],
            ["Event", "compute.instance.update"],
            ["Service", "api"],
            ["Host", "api-a"],
            ["UUID", INSTANCE],
            ["Req ID", REQUEST]
        ])
    );
    let stored: Value = serde_json::from_str(shown[1].as_str().unwrap()).unwrap();
    assert_eq!(stored[0], "monitor.info");
    assert_eq!(stored[1]["event_type"], "compute.instance.update");
    assert!(
        shown[1].as_str().unwrap().contains("\n  "),
        "pretty printed"
    );
    assert_eq!(shown[2], INSTANCE);
    let glance = get_json(
        port,
        &format!("/stacky/show/{}/?service=glance", first_id + 4),
    )
    .await;
    assert_eq!(glance[0][6], json!(["Status", "active"]));
    assert_eq!(glance[0][10], json!(["UUID", IMAGE]));
    assert_eq!(glance[2], IMAGE);
    let generic = get_json(
        port,
        &format!("/stacky/show/{}/?service=generic", first_id + 5),
    )
    .await;
    assert_eq!(generic[0][6], json!(["State", null]));
    assert_eq!(generic[0].as_array().unwrap().len(), 12);
}

/// show of an unknown id, or an id of another service: v2's rsp({}), an empty 200 body; a
/// non-numeric id: 404.
async fn assert_show_misses(port: u16, first_id: i64) {
    for path in [
        "/stacky/show/999999/".to_string(),
        format!("/stacky/show/{first_id}/?service=glance"),
    ] {
        let (status, content_type, body) = http_get_typed(port, &path).await;
        assert_eq!(
            (status, content_type.as_str(), body.as_str()),
            (200, "application/json", "")
        );
    }
    assert_eq!(http_get_typed(port, "/stacky/show/abc/").await.0, 404);
}

/// timings of an instance: v2's Decimal sec_to_time, offset, v2's 400.
async fn assert_instance_timings(port: u16) {
    assert_eq!(
        get_json(port, &format!("/stacky/timings/uuid/?uuid={INSTANCE}")).await,
        json!([
            ["?", "Event", "Time (secs)"],
            [".", "compute.instance.create", "0d 00:00:55.50"]
        ])
    );
    assert_eq!(
        get_json(
            port,
            &format!("/stacky/timings/uuid/?uuid={INSTANCE}&offset=1")
        )
        .await,
        json!([["?", "Event", "Time (secs)"]])
    );
    let (status, e) = get_error(port, "/stacky/timings/uuid/?uuid=obviouslybaduuid").await;
    assert_eq!(
        (status, e),
        (
            400,
            json!(["Bad Request", "obviouslybaduuid is not uuid-like"])
        )
    );
}

/// timings of an operation, within an inclusive window of its end.
async fn assert_operation_timings(port: u16, base: i64) {
    assert_eq!(
        get_json(port, "/stacky/timings/?name=compute.instance.create").await,
        json!([
            ["compute.instance.create", "Time"],
            [INSTANCE, "0d 00:00:55.50"]
        ])
    );
    let end = base + SEC + 55_500_000;
    let dec = server::notification::time::micros_to_decimal_string;
    assert_eq!(
        get_json(
            port,
            &format!(
                "/stacky/timings/?name=compute.instance.create&end_when_min={}&end_when_max={}",
                dec(end),
                dec(end)
            )
        )
        .await
        .as_array()
        .unwrap()
        .len(),
        2
    );
    assert_eq!(
        get_json(
            port,
            &format!(
                "/stacky/timings/?name=compute.instance.create&end_when_min={}",
                dec(end + 1)
            )
        )
        .await,
        json!([["compute.instance.create", "Time"]])
    );
}

/// summary (float min/max, int average) and kpi (the request from its API update to the
/// create's end, 56.5 s), all and by tenant.
async fn assert_summary_and_kpi(port: u16) {
    assert_eq!(
        get_json(port, "/stacky/summary/").await,
        json!([
            ["Event", "N", "Min", "Max", "Avg"],
            [
                "compute.instance.create",
                1,
                "0d 00:00:55.5",
                "0d 00:00:55.5",
                "0d 00:00:55"
            ]
        ])
    );
    let kpi_row = json!([
        "compute.instance.create",
        "0d 00:00:56.50",
        INSTANCE,
        "cell-s"
    ]);
    assert_eq!(
        get_json(port, "/stacky/kpi/").await,
        json!([["Event", "Time", "UUID", "Deployment"], kpi_row])
    );
    assert_eq!(
        get_json(port, "/stacky/kpi/tenant42/").await,
        json!([["Event", "Time", "UUID", "Deployment"], kpi_row])
    );
    let (status, e) = get_error(port, "/stacky/kpi/55555/").await;
    assert_eq!(
        (status, e),
        (
            404,
            json!(["Not Found", "Could not find raws for tenant 55555"])
        )
    );
}

async fn show_timings_summary_and_kpi(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, fx) = app_with_fixture(&db).await;
    let port = app.port;
    // Empty database: headers only, never an error.
    assert_eq!(
        get_json(port, "/stacky/summary/").await,
        json!([["Event", "N", "Min", "Max", "Avg"]])
    );
    assert_eq!(
        get_json(port, "/stacky/kpi/").await,
        json!([["Event", "Time", "UUID", "Deployment"]])
    );
    let base = seed(&fx).await;
    let uuid_rows = get_json(port, &format!("/stacky/uuid/?uuid={INSTANCE}")).await;
    let first_id = uuid_rows[1][0].as_i64().unwrap();
    assert_show(port, base, first_id).await;
    assert_show_misses(port, first_id).await;
    assert_instance_timings(port).await;
    assert_operation_timings(port, base).await;
    assert_summary_and_kpi(port).await;
    app.stop().await;
}

/// Two usage audits of 2014-01-18, created an hour apart on 2014-01-01; returns their ids.
async fn insert_reports(fx: &Fixture, day: i64, created: i64, body: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for (name, c) in [
        ("nova usage audit", created),
        ("glance usage audit", created + 3600 * SEC),
    ] {
        ids.push(
            fx.store
                .insert_json_report(&NewJsonReport {
                    period_start: day,
                    period_end: day + 86_400 * SEC,
                    created: c,
                    name: name.into(),
                    version: 4,
                    json: body.into(),
                })
                .await
                .unwrap(),
        );
    }
    ids
}

/// reports: the default window, an explicit one, one report verbatim, an unknown one.
async fn assert_reports_listed(port: u16, ids: &[i64], body: &str) {
    // The default window (the last day) has none of these.
    assert_eq!(
        get_json(port, "/stacky/reports/").await,
        json!([["Id", "Start", "End", "Created", "Name", "Version"]])
    );
    let listed = get_json(
        port,
        "/stacky/reports/?created_from=1388534400.000000&created_to=1388620800.000000",
    )
    .await;
    assert_eq!(
        listed,
        json!([
            ["Id", "Start", "End", "Created", "Name", "Version"],
            [
                ids[0],
                1390003200.0,
                1390089600.0,
                1388569200.0,
                "nova usage audit",
                4
            ],
            [
                ids[1],
                1390003200.0,
                1390089600.0,
                1388572800.0,
                "glance usage audit",
                4
            ]
        ])
    );
    let (status, _, verbatim) = http_get_typed(port, &format!("/stacky/report/{}/", ids[0])).await;
    assert_eq!((status, verbatim.as_str()), (200, body));
    let (status, e) = get_error(port, "/stacky/report/999999/").await;
    assert_eq!(status, 404);
    assert_eq!(e[0], "Not Found");
}

/// reports/search: by created day, limit/offset, every searchable field.
async fn assert_reports_found(port: u16, ids: &[i64]) {
    let header = json!(["Id", "Start", "End", "Created", "Name", "Version"]);
    let row = |id: i64, c: &str, name: &str| {
        json!([id, "2014-01-18 00:00:00", "2014-01-19 00:00:00", c, name, 4])
    };
    assert_eq!(
        get_json(port, "/stacky/reports/search/?created=2014-01-01").await,
        json!([
            header,
            row(ids[1], "2014-01-01 10:40:00", "glance usage audit"),
            row(ids[0], "2014-01-01 09:40:00", "nova usage audit")
        ])
    );
    assert_eq!(
        get_json(
            port,
            "/stacky/reports/search/?created=2014-01-01&limit=1&offset=1"
        )
        .await,
        json!([
            header,
            row(ids[0], "2014-01-01 09:40:00", "nova usage audit")
        ])
    );
    assert_eq!(
        get_json(port, &format!("/stacky/reports/search/?id={}&name=nova+usage+audit&period_start=2014-01-18+00:00:00&period_end=2014-01-19", ids[0])).await,
        json!([header, row(ids[0], "2014-01-01 09:40:00", "nova usage audit")])
    );
    // The day window is exclusive at both ends.
    assert_eq!(
        get_json(port, "/stacky/reports/search/?created=2013-12-31").await,
        json!([header])
    );
}

/// reports/search: v2's texts for unknown fields and malformed values.
async fn assert_reports_search_errors(port: u16) {
    for (query, message) in [
        ("invalid_column_1=value_1&invalid_column_2=value_2&version=4&json=json&period_start=2014-01-01+00:00:00",
         "The requested fields either do not exist for the corresponding object or are not searchable: invalid_column_1, invalid_column_2, json, version. Note: The field names of database are case-sensitive."),
        ("period_start=1234", "'1234' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."),
        ("period_end=1234", "'1234' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."),
        ("id=abcd", "'abcd' value has an invalid format. It must be in integer format."),
        ("created=2014-01-01+00:00:00", "'2014-01-01 00:00:00' value has an invalid format. It must be in YYYY-MM-DD format."),
        ("created=1234", "'1234' value has an invalid format. It must be in YYYY-MM-DD format."),
    ] {
        let (status, e) = get_error(port, &format!("/stacky/reports/search/?{query}")).await;
        assert_eq!((status, e), (400, json!(["Bad Request", message])), "{query}");
    }
}

async fn reports(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, fx) = app_with_fixture(&db).await;
    let port = app.port;
    let day = 1_390_003_200 * SEC; // 2014-01-18
    let created = 1_388_569_200 * SEC; // 2014-01-01 09:40:00
    let body = r#"[{"report_format": "json", "cells": 3}, ["a", 1]]"#;
    let ids = insert_reports(&fx, day, created, body).await;
    assert_reports_listed(port, &ids, body).await;
    assert_reports_found(port, &ids).await;
    assert_reports_search_errors(port).await;
    app.stop().await;
}

/// An empty database: no rows, a cursor, never a 500.
async fn assert_watch_of_nothing(port: u16) {
    let empty = get_json(port, "/stacky/watch/0/").await;
    assert_eq!(empty, json!([[10, 1, 15, 20, 5, 36], [], "id:0"]));
    for junk in [
        "since=garbage",
        "since=id:x",
        "since=",
        "since=1389892207.5",
    ] {
        let v = get_json(port, &format!("/stacky/watch/0/?{junk}")).await;
        assert_eq!(v[1], json!([]), "{junk}");
    }
}

/// A first call shows the last two seconds (an event of `now` - 0.5 s); returns its cursor.
async fn first_watch(fx: &Fixture, port: u16, now: i64) -> String {
    ingest(
        fx,
        "nova",
        vec![(
            "monitor.info",
            note(
                "compute.instance.update",
                "compute.host-a",
                now - 500_000,
                nova_payload("active", None),
                REQUEST,
            ),
        )],
    )
    .await;
    let first = get_json(port, "/stacky/watch/0/").await;
    assert_eq!(
        first[0],
        json!([10, 1, 15, 20, "compute.instance.update".len(), 36])
    );
    assert_eq!(first[1].as_array().unwrap().len(), 1);
    let row = &first[1][0];
    assert_eq!(row.as_array().unwrap().len(), 7);
    let (date, time) = v2_when(now - 500_000)
        .split_once(' ')
        .map(|(d, t)| (d.to_string(), t.to_string()))
        .unwrap();
    assert_eq!(
        tail(row, 1),
        json!([
            " ",
            date,
            time,
            "cell-s",
            "compute.instance.update",
            INSTANCE
        ])
    );
    first[2].as_str().unwrap().to_string()
}

/// Events that arrive late (timestamps an hour old, long before the cursor was made) are in
/// the next answer; v2's time window never showed them.
async fn assert_late_events_watched(fx: &Fixture, port: u16, now: i64, cursor: &str) {
    let late = now - 3600 * SEC;
    seed(fx).await;
    ingest(
        fx,
        "nova",
        vec![(
            "monitor.error",
            note(
                "compute.instance.update",
                "compute.host-b",
                late,
                nova_payload("error", Some("active")),
                REQUEST,
            ),
        )],
    )
    .await;
    let next = get_json(port, &format!("/stacky/watch/0/?since={cursor}")).await;
    let rows = next[1].as_array().unwrap();
    assert_eq!(
        rows.len(),
        5,
        "four nova events of the seed and the late one: {next}"
    );
    assert!(rows
        .iter()
        .any(|r| r[1] == "E" && r[3] == json!(v2_when(late).split_once(' ').unwrap().1)));
    let after = next[2].as_str().unwrap().to_string();
    assert_ne!(after, cursor);
    assert_eq!(
        get_json(port, &format!("/stacky/watch/0/?since={after}")).await[1],
        json!([])
    );
}

/// Filters: service (glance's uuid is the image), event name, deployment.
async fn assert_watch_filters(fx: &Fixture, port: u16, cursor: &str) {
    let glance = get_json(
        port,
        &format!("/stacky/watch/0/?service=glance&since={cursor}"),
    )
    .await;
    assert_eq!(glance[1].as_array().unwrap().len(), 1);
    assert_eq!(glance[1][0][5], "image.activate");
    assert_eq!(glance[1][0][6], IMAGE);
    let generic = get_json(
        port,
        &format!("/stacky/watch/0/?service=generic&since={cursor}"),
    )
    .await;
    assert_eq!(generic[1][0][5], "port.create.end");
    let starts = get_json(
        port,
        &format!("/stacky/watch/0/?event_name=compute.instance.create.start&since={cursor}"),
    )
    .await;
    assert_eq!(starts[1].as_array().unwrap().len(), 1);
    let mine = get_json(
        port,
        &format!("/stacky/watch/{}/?since={cursor}", fx.deployment.id),
    )
    .await;
    assert_eq!(mine[1].as_array().unwrap().len(), 5);
    let other = get_json(
        port,
        &format!("/stacky/watch/{}/?since={cursor}", fx.deployment.id + 1),
    )
    .await;
    assert_eq!(other[1], json!([]));
    assert_eq!(other[0][4], "compute.instance.create.start".len());
}

async fn watch_never_misses_late_events(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, fx) = app_with_fixture(&db).await;
    let port = app.port;
    assert_watch_of_nothing(port).await;
    let now = now_micros();
    let cursor = first_watch(&fx, port, now).await;

    // Nothing new: nothing shown, the cursor stays.
    let idle = get_json(port, &format!("/stacky/watch/0/?since={cursor}")).await;
    assert_eq!(
        (idle[1].clone(), idle[2].as_str().unwrap()),
        (json!([]), cursor.as_str())
    );

    assert_late_events_watched(&fx, port, now, &cursor).await;
    assert_watch_filters(&fx, port, &cursor).await;
    assert_eq!(http_get_typed(port, "/stacky/watch/all/").await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn names_hosts_and_events_sqlite() {
    names_hosts_and_events(Backend::Sqlite).await;
}

#[tokio::test]
async fn names_hosts_and_events_postgres() {
    names_hosts_and_events(Backend::Postgres).await;
}

#[tokio::test]
async fn names_hosts_and_events_mariadb() {
    names_hosts_and_events(Backend::MariaDb).await;
}

#[tokio::test]
async fn show_timings_summary_and_kpi_sqlite() {
    show_timings_summary_and_kpi(Backend::Sqlite).await;
}

#[tokio::test]
async fn show_timings_summary_and_kpi_postgres() {
    show_timings_summary_and_kpi(Backend::Postgres).await;
}

#[tokio::test]
async fn show_timings_summary_and_kpi_mariadb() {
    show_timings_summary_and_kpi(Backend::MariaDb).await;
}

#[tokio::test]
async fn reports_sqlite() {
    reports(Backend::Sqlite).await;
}

#[tokio::test]
async fn reports_postgres() {
    reports(Backend::Postgres).await;
}

#[tokio::test]
async fn reports_mariadb() {
    reports(Backend::MariaDb).await;
}

#[tokio::test]
async fn watch_never_misses_late_events_sqlite() {
    watch_never_misses_late_events(Backend::Sqlite).await;
}

#[tokio::test]
async fn watch_never_misses_late_events_postgres() {
    watch_never_misses_late_events(Backend::Postgres).await;
}

#[tokio::test]
async fn watch_never_misses_late_events_mariadb() {
    watch_never_misses_late_events(Backend::MariaDb).await;
}
