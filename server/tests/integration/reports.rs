//! v2's reports over a known day (2014-01-01), on SQLite, PostgreSQL and MariaDB: notifications
//! ingested through the real ingest path, exists marked by the verifier's store write, every report
//! built with its exact figures, then stored and served by `/stacky/reports/` and
//! `/stacky/report/<id>/` in v2's shapes.

use serde_json::{json, Value};
use server::reports::{
    build, parse_date, run_once, store_report, walk_row, BuildOptions, PeriodLength, ReportKind,
};
use server::store::report_inputs::{WalkRow, WindowRow};
use server::store::StatusWrite;
use server::verifier::model::{ExistsStatus, Service};

use crate::helpers::{deployments, Backend, TestApp, TestDb};
use crate::stacky::{get_json, ingest};
use crate::web_queries::Fixture;

const A: &str = "aaaaaaaa-1111-4dbc-8271-96cc54bf14cd";
const B: &str = "bbbbbbbb-1111-4dbc-8271-96cc54bf14cd";
const C: &str = "cccccccc-1111-4dbc-8271-96cc54bf14cd";
const X: &str = "11111111-2222-4dbc-8271-96cc54bf14cd";
const Y: &str = "22222222-2222-4dbc-8271-96cc54bf14cd";
/// 2014-01-01 00:00:00 UTC, in seconds.
const DAY: f64 = 1_388_534_400.0;

fn note(event: &str, at: &str, request: &str, payload: Value) -> Vec<u8> {
    json!({"event_type": event, "publisher_id": "compute.host-1", "timestamp": at,
           "message_id": uuid::Uuid::new_v4().to_string(), "_context_request_id": request,
           "_context_project_id": "tenant-r", "payload": payload})
    .to_string()
    .into_bytes()
}

/// A nova payload of `instance` in `state` (from `old`), with an image of `meta`.
fn nova(instance: &str, old: Option<&str>, state: &str, meta: (&str, &str), extra: Value) -> Value {
    let mut p = json!({"instance_id": instance, "tenant_id": "tenant-r", "state": state,
        "old_state": old, "instance_type_id": "5", "instance_flavor_id": "2",
        "image_meta": {"image_type": meta.0, "os_type": meta.1}});
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    p
}

fn exists(instance: &str, launched: &str, ending: &str, bw_out: i64) -> Value {
    json!({"instance_id": instance, "tenant_id": "tenant-r", "instance_type_id": "5",
        "instance_flavor_id": "2", "instance_type": "512MB Standard", "memory_mb": 512,
        "launched_at": launched, "deleted_at": "", "audit_period_beginning": "2014-01-01 00:00:00",
        "audit_period_ending": ending, "bandwidth": {"public": {"bw_in": 1, "bw_out": bw_out}}})
}

const INFO: &str = "monitor.info";
const BASE: (&str, &str) = ("base", "linux");
const SNAP: (&str, &str) = ("snapshot", "windows");

type Messages = Vec<(&'static str, Vec<u8>)>;

/// A: created in 60 s.
fn instance_a() -> Messages {
    let launched = json!({"launched_at": "2014-01-01 01:01:00"});
    let a = |old, state, extra| nova(A, old, state, BASE, extra);
    vec![
        (
            INFO,
            note(
                "compute.instance.update",
                "2014-01-01 01:00:00",
                "req-a",
                a(None, "building", json!({})),
            ),
        ),
        (
            INFO,
            note(
                "compute.instance.create.start",
                "2014-01-01 01:00:10",
                "req-a",
                a(Some("building"), "building", json!({})),
            ),
        ),
        (
            INFO,
            note(
                "compute.instance.create.end",
                "2014-01-01 01:01:00",
                "req-a",
                a(Some("building"), "active", launched),
            ),
        ),
    ]
}

/// B: a create failing on the error queue with code 500, after 35 s.
fn instance_b() -> Messages {
    let exc = json!({"exception": {"kwargs": {"code": 500, "value": "No valid host was found"},
                                   "message": "NoValidHost"}});
    let b = |old, extra| nova(B, old, "building", BASE, extra);
    vec![
        (
            INFO,
            note(
                "compute.instance.update",
                "2014-01-01 02:00:00",
                "req-b",
                b(None, json!({})),
            ),
        ),
        (
            INFO,
            note(
                "compute.instance.create.start",
                "2014-01-01 02:00:05",
                "req-b",
                b(Some("building"), json!({})),
            ),
        ),
        (
            "monitor.error",
            note(
                "compute.instance.create.error",
                "2014-01-01 02:00:35",
                "req-b",
                b(Some("building"), exc),
            ),
        ),
    ]
}

/// C: launched the day before; a resize whose instance goes into error after 40 s; its
/// (instantaneous) exists names another launch.
fn instance_c() -> Messages {
    let resize = json!({"launched_at": "2013-12-31 20:00:00"});
    let c = |state, extra| nova(C, Some("active"), state, SNAP, extra);
    let exists = exists(C, "2013-12-31 19:00:00", "2014-01-01 03:00:10", 8);
    vec![
        (
            INFO,
            note(
                "compute.instance.update",
                "2014-01-01 03:00:00",
                "req-c",
                c("active", json!({})),
            ),
        ),
        (
            INFO,
            note(
                "compute.instance.resize.prep.start",
                "2014-01-01 03:00:10",
                "req-c",
                c("active", resize),
            ),
        ),
        (
            INFO,
            note(
                "compute.instance.update",
                "2014-01-01 03:00:40",
                "req-c",
                c("error", json!({})),
            ),
        ),
        (
            INFO,
            note(
                "compute.instance.exists",
                "2014-01-01 03:00:41",
                "req-cx",
                exists,
            ),
        ),
    ]
}

/// The nova day: A, B, C, and A's exists closing the day.
fn nova_day() -> Messages {
    let mut day = instance_a();
    day.extend(instance_b());
    day.extend(instance_c());
    let exists = exists(A, "2014-01-01 01:01:00", "2014-01-02 00:00:00", 42);
    day.push((
        INFO,
        note(
            "compute.instance.exists",
            "2014-01-02 00:00:00",
            "req-ax",
            exists,
        ),
    ));
    day
}

/// X uploaded and activated; Y activated and deleted; one glance exists, of X only.
fn glance_day() -> Messages {
    let image = |id: &str, created: &str| {
        json!({"id": id, "owner": "owner-r", "size": 10,
        "status": "active", "created_at": created})
    };
    let mut deleted = image(Y, "2014-01-01 06:00:00");
    deleted["deleted_at"] = json!("2014-01-01 07:00:00");
    let exists = json!({"owner": "owner-r", "audit_period_beginning": "2014-01-01 00:00:00",
        "audit_period_ending": "2014-01-02 00:00:00",
        "images": [{"id": X, "created_at": "2014-01-01 05:00:00", "deleted_at": null, "size": 10}]});
    let info = "monitor.info";
    vec![
        (
            info,
            note(
                "image.upload",
                "2014-01-01 04:00:00",
                "",
                image(X, "2014-01-01 05:00:00"),
            ),
        ),
        (
            info,
            note(
                "image.activate",
                "2014-01-01 05:00:00",
                "",
                image(X, "2014-01-01 05:00:00"),
            ),
        ),
        (
            info,
            note(
                "image.activate",
                "2014-01-01 06:00:00",
                "",
                image(Y, "2014-01-01 06:00:00"),
            ),
        ),
        (
            info,
            note("image.delete", "2014-01-01 07:00:00", "", deleted),
        ),
        (
            info,
            note("image.exists", "2014-01-01 23:00:00", "", exists),
        ),
    ]
}

/// Ingests the day and has the verifier's write mark A's exists verified and C's failed.
async fn known_day(fx: &Fixture) -> i64 {
    fx.ingest(nova_day()).await;
    ingest(fx, "glance", glance_day()).await;
    let states = fx
        .store
        .verifier_states(Service::Nova)
        .await
        .expect("states");
    let id_of = |i: &str| {
        states
            .iter()
            .find(|s| s.subject.as_deref() == Some(i))
            .expect("exists")
            .id
    };
    let writes = [
        StatusWrite {
            id: id_of(A),
            status: ExistsStatus::Verified,
            fail_reason: None,
        },
        StatusWrite {
            id: id_of(C),
            status: ExistsStatus::Failed,
            fail_reason: Some("Failed at 2014-01-01 04:00:00 UTC for cccc: missing launch".into()),
        },
    ];
    fx.store
        .verifier_write(Service::Nova, &writes)
        .await
        .expect("written");
    id_of(C)
}

fn options(kind: ReportKind) -> BuildOptions {
    // The audits report the period before the date; the summary and error details the day
    // starting at it: both are 2014-01-01.
    let date = if kind.date_starts_period() {
        "2014-01-01"
    } else {
        "2014-01-02"
    };
    BuildOptions {
        length: PeriodLength::Day,
        date: Some(parse_date(date).expect("date")),
        region: None,
        now: 0,
    }
}

async fn report(fx: &Fixture, kind: ReportKind) -> Value {
    let r = build(&fx.store, kind, &options(kind)).await.expect("built");
    assert_eq!(r.name, kind.stored_name(None));
    r.json
}

mod checks;

/// Every report stored, then served by `/stacky/reports/` and `/stacky/report/<id>/`.
async fn stored_and_served(app: &TestApp, fx: &Fixture) {
    for kind in ReportKind::ALL {
        let built = build(&fx.store, kind, &options(kind)).await.expect("built");
        let id = store_report(&fx.store, &built, 1_388_700_000_000_000)
            .await
            .expect("stored");
        let (start, end) = (
            built.period.start as f64 / 1e6,
            built.period.end as f64 / 1e6,
        );
        let listed = get_json(
            app.port,
            "/stacky/reports/?created_from=1388690000&created_to=1388710000",
        )
        .await;
        let row = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0] == json!(id))
            .cloned();
        assert_eq!(
            row,
            Some(json!([
                id,
                start,
                end,
                1_388_700_000.0,
                kind.stored_name(None),
                kind.version()
            ]))
        );
        assert_eq!(
            get_json(app.port, &format!("/stacky/report/{id}/")).await,
            built.json,
            "{kind:?}"
        );
    }
    let listed = get_json(
        app.port,
        "/stacky/reports/?created_from=1388690000&created_to=1388710000",
    )
    .await;
    assert_eq!(
        listed[0],
        json!(["Id", "Start", "End", "Created", "Name", "Version"])
    );
    assert_eq!(listed.as_array().map(Vec::len), Some(8));
    let day_row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[4] == "nova usage audit")
        .cloned();
    assert_eq!(
        day_row.map(|r| (r[1].clone(), r[2].clone(), r[5].clone())),
        Some((json!(DAY), json!(DAY + 86_400.0), json!(7)))
    );
}

/// Every nova event but the `.exists` as the window read gives them, in request, time and
/// id order.
async fn window_walk_rows(fx: &Fixture, from: i64, to: i64) -> Vec<WalkRow> {
    let mut rows = Vec::new();
    fx.store
        .walk_window(from, to, |row| {
            if row.kind != WindowRow::EXISTS {
                rows.push(row.walk);
            }
        })
        .await
        .expect("walked");
    rows.sort_by(|a, b| (&a.request_id, a.when_us, a.id).cmp(&(&b.request_id, b.when_us, b.id)));
    rows
}

/// The request walk's narrow rows, whose flags the database computes, are what the walk's
/// own rules make of the same events read whole; the lookups by request give exactly the
/// requests' events (outside a window, when given one).
async fn walk_rows_match_whole_rows(fx: &Fixture) {
    let rows = window_walk_rows(fx, 0, i64::MAX).await;
    let mut requests: Vec<String> = rows.iter().map(|r| r.request_id.clone()).collect();
    requests.dedup();
    let mut whole = Vec::new();
    fx.store
        .request_raws(&requests, |raw| whole.push(walk_row(&raw)))
        .await
        .expect("read");
    assert!(!rows.is_empty());
    assert_eq!(rows, whole);
    for bits in [WalkRow::ERROR_QUEUE, WalkRow::STATE_ERROR] {
        assert!(rows.iter().any(|r| r.has(bits)), "no row with flag {bits}");
    }
    assert!(rows.iter().any(|r| r.operation() == Some("create")));

    // A window around the middle of the events: its requests' events outside it.
    let mut times: Vec<i64> = rows.iter().map(|r| r.when_us).collect();
    times.sort_unstable();
    let (from, to) = (times[times.len() / 3], times[2 * times.len() / 3]);
    let inside = |t: i64| t > from && t <= to;
    let expected: Vec<WalkRow> = rows
        .iter()
        .filter(|r| !inside(r.when_us))
        .cloned()
        .collect();
    assert!(expected.len() > 1 && expected.len() < rows.len());
    let mut got = Vec::new();
    fx.store
        .walk_requests(&requests, Some((from, to)), |row| got.push(row))
        .await
        .expect("read");
    assert_eq!(got, expected);
    let mut all = Vec::new();
    fx.store
        .walk_requests(&requests, None, |row| all.push(row))
        .await
        .expect("read");
    assert_eq!(all, rows);
}

/// Events whose states, queue and names only differ from the walk's words by case, and one
/// leaving `error` for `deleted` (ingested after the reports, which they would change).
fn odd_states() -> Messages {
    let d = "dddddddd-1111-4dbc-8271-96cc54bf14cd";
    let at = "2014-01-01 09:00:00";
    let upper = nova(d, Some("Error"), "Error", SNAP, json!({}));
    vec![
        (
            "monitor.ERROR",
            note("compute.instance.Rescue.start", at, "req-d", upper),
        ),
        (
            INFO,
            note(
                "compute.instance.rebuild.end",
                "2014-01-01 09:00:05",
                "req-d",
                nova(d, Some("error"), "deleted", SNAP, json!({})),
            ),
        ),
    ]
}

/// [`walk_rows_match_whole_rows`] over [`odd_states`] too.
async fn odd_walk_rows_match(fx: &Fixture) {
    fx.ingest(odd_states()).await;
    walk_rows_match_whole_rows(fx).await;
    let odd: Vec<(i64, Option<&str>)> = window_walk_rows(fx, 0, i64::MAX)
        .await
        .into_iter()
        .filter(|row| row.request_id == "req-d")
        .map(|row| (row.flags, row.operation()))
        .collect();
    let deleted = WalkRow::OLD_STATE_ERROR | WalkRow::STATE_DELETED;
    assert_eq!(
        odd,
        [
            (0, None),
            (deleted + 2 * WalkRow::OPERATION_UNIT, Some("rebuild"))
        ]
    );
}

async fn known_day_reports(backend: Backend) {
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    let fx = Fixture::on(app.store.clone(), "cell-r").await;
    let failed_id = known_day(&fx).await;
    walk_rows_match_whole_rows(&fx).await;
    checks::nova_usage_audit(&report(&fx, ReportKind::NovaUsageAudit).await, failed_id);
    checks::glance_reports(
        &report(&fx, ReportKind::GlanceUsageAudit).await,
        &report(&fx, ReportKind::ImageEventsAudit).await,
    );
    checks::summary(&report(&fx, ReportKind::Summary).await);
    checks::error_details(&report(&fx, ReportKind::ErrorDetails).await);
    checks::hours_and_bandwidth(
        &report(&fx, ReportKind::InstanceHours).await,
        &report(&fx, ReportKind::PublicOutboundBandwidth).await,
    );
    stored_and_served(&app, &fx).await;
    odd_walk_rows_match(&fx).await;
    app.stop().await;
}

/// The daily run (`serve --daily-reports`) stores the previous day's seven reports once.
async fn daily_run(backend: Backend) {
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    let fx = Fixture::on(app.store.clone(), "cell-r").await;
    known_day(&fx).await;
    // 2014-01-02 05:00 UTC: the previous day is 2014-01-01.
    let now = 1_388_638_800_000_000;
    let ids = run_once(&fx.store, now).await.expect("stored");
    assert_eq!(ids.len(), 7);
    assert_eq!(
        run_once(&fx.store, now).await.expect("ran"),
        Vec::<i64>::new()
    );
    let summary = ids[3];
    let served = get_json(app.port, &format!("/stacky/report/{summary}/")).await;
    assert_eq!(served[0]["total"], 3);
    assert_eq!(served[0]["start"], json!(DAY));
    app.stop().await;
}

#[tokio::test]
async fn daily_run_sqlite() {
    daily_run(Backend::Sqlite).await;
}

#[tokio::test]
async fn daily_run_postgres() {
    daily_run(Backend::Postgres).await;
}

#[tokio::test]
async fn daily_run_mariadb() {
    daily_run(Backend::MariaDb).await;
}

#[tokio::test]
async fn known_day_reports_sqlite() {
    known_day_reports(Backend::Sqlite).await;
}

#[tokio::test]
async fn known_day_reports_postgres() {
    known_day_reports(Backend::Postgres).await;
}

#[tokio::test]
async fn known_day_reports_mariadb() {
    known_day_reports(Backend::MariaDb).await;
}
