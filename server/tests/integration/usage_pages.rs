//! The web app's Usage section and Reports pages, on SQLite, PostgreSQL and MariaDB: launches,
//! deletes and exists of nova and glance stored through the real ingest path, then read back
//! through the app's port ([`ServerBackend`]) — filters, pages, progress counts — and rendered by
//! the server (links, escaped untrusted text, 404s).

use app::model::{
    Micros, ReportsQuery, UsageOverview, UsageQuery, UsageRecord, UsageService, UsageTable,
};
use app::ssr::Backend as _;
use serde_json::json;
use server::http::web::{DemoStatus, ServerBackend};
use server::store::stacky::NewJsonReport;
use server::store::ProgressCount;
use server::telemetry::status::StatusBoard;
use server::verifier::model::Service;

use crate::helpers::{deployments, http_get, Backend, TestApp, TestDb};
use crate::stacky::ingest;
use crate::web_queries::Fixture;

const DAY: i64 = 86_400_000_000;
/// 2021-01-10 00:00:00 UTC, the audit period's start.
const PERIOD: i64 = 1_610_236_800_000_000;
const LAUNCHED: i64 = PERIOD - 3 * DAY;
const TENANT: &str = "a1b2c3";
const OWNER: &str = "d4e5f6";
const IMAGE_A: &str = "11111111-2222-4333-8444-555555555555";
const IMAGE_B: &str = "66666666-7777-4888-9999-000000000000";

fn when(us: i64) -> String {
    app::model::format_micros(Micros(us))
}

fn nova(event: &str, instance: &str, request: &str, payload: serde_json::Value) -> Vec<u8> {
    let mut p = json!({"instance_id": instance, "tenant_id": TENANT, "instance_type_id": "2",
                       "instance_flavor_id": "m1.small"});
    p.as_object_mut()
        .unwrap()
        .extend(payload.as_object().unwrap().clone());
    json!({"event_type": event, "publisher_id": "compute.h1", "timestamp": when(PERIOD + DAY),
           "message_id": uuid::Uuid::new_v4().to_string(), "_context_request_id": request,
           "payload": p})
    .to_string()
    .into_bytes()
}

fn glance(event: &str, payload: serde_json::Value) -> Vec<u8> {
    json!({"event_type": event, "publisher_id": "glance-api", "timestamp": when(PERIOD + DAY),
           "message_id": uuid::Uuid::new_v4().to_string(), "payload": payload})
    .to_string()
    .into_bytes()
}

/// Three instances launched (`i-0` … `i-2`), `i-1` deleted, an exists each; then the images.
async fn seed(fx: &Fixture) {
    let period = json!({"audit_period_beginning": when(PERIOD),
                        "audit_period_ending": when(PERIOD + DAY), "launched_at": when(LAUNCHED)});
    let mut messages = Vec::new();
    for i in 0..3 {
        let (instance, request) = (format!("i-{i}"), format!("req-{i}"));
        let launched = json!({"launched_at": when(LAUNCHED)});
        messages.push(nova(
            "compute.instance.create.start",
            &instance,
            &request,
            json!({"launched_at": ""}),
        ));
        messages.push(nova(
            "compute.instance.create.end",
            &instance,
            &request,
            launched.clone(),
        ));
    }
    let deleted =
        json!({"launched_at": when(LAUNCHED), "deleted_at": when(PERIOD + 3_600_000_000)});
    messages.push(nova(
        "compute.instance.delete.end",
        "i-1",
        "req-d",
        deleted.clone(),
    ));
    for i in 0..3 {
        let mut p = period.clone();
        if i == 1 {
            p["deleted_at"] = deleted["deleted_at"].clone();
        }
        messages.push(nova(
            "compute.instance.exists",
            &format!("i-{i}"),
            "req-e",
            p,
        ));
    }
    ingest(
        fx,
        "nova",
        messages.into_iter().map(|b| ("monitor.info", b)).collect(),
    )
    .await;
    seed_glance(fx).await;
}

/// Two images activated, `IMAGE_B` deleted, one image.exists listing `IMAGE_A`.
async fn seed_glance(fx: &Fixture) {
    let image =
        |id: &str| json!({"id": id, "owner": OWNER, "size": 2048, "created_at": when(LAUNCHED)});
    let exists = json!({"owner": OWNER, "audit_period_beginning": when(PERIOD),
        "audit_period_ending": when(PERIOD + DAY),
        "images": [{"id": IMAGE_A, "created_at": when(LAUNCHED), "deleted_at": null, "size": 2048}]});
    let messages = vec![
        glance("image.activate", image(IMAGE_A)),
        glance("image.activate", image(IMAGE_B)),
        glance(
            "image.delete",
            json!({"id": IMAGE_B, "owner": OWNER, "deleted_at": when(PERIOD)}),
        ),
        glance("image.exists", exists),
    ];
    ingest(
        fx,
        "glance",
        messages
            .into_iter()
            .map(|b| ("notifications.info", b))
            .collect(),
    )
    .await;
}

fn backend(fx: &Fixture) -> ServerBackend {
    ServerBackend {
        store: fx.store.clone(),
        board: StatusBoard::default(),
        demo: DemoStatus::default(),
        disabled: Vec::new(),
        live: fx.hub.clone(),
        retention: server::retention::Policy::default(),
    }
}

fn subjects(rows: &[UsageRecord]) -> Vec<&str> {
    rows.iter().filter_map(|r| r.subject.as_deref()).collect()
}

async fn list(b: &ServerBackend, q: UsageQuery) -> Vec<UsageRecord> {
    b.usage_list(&q).await.expect("usage list").rows
}

async fn assert_nova_tables(b: &ServerBackend) {
    let q = |table| UsageQuery::new(UsageService::Nova, table);
    let launches = list(b, q(UsageTable::Launches)).await;
    assert_eq!(subjects(&launches), ["i-2", "i-1", "i-0"], "newest first");
    assert_eq!(launches[2].request_id.as_deref(), Some("req-0"));
    assert_eq!(launches[2].launched_at, Some(Micros(LAUNCHED)));
    assert_eq!(launches[2].instance_flavor_id.as_deref(), Some("m1.small"));
    let one = UsageQuery {
        subject: "i-1".into(),
        ..q(UsageTable::Launches)
    };
    assert_eq!(subjects(&list(b, one).await), ["i-1"]);
    let other_tenant = UsageQuery {
        owner: "nobody".into(),
        ..q(UsageTable::Launches)
    };
    assert!(list(b, other_tenant).await.is_empty());
    let deletes = list(b, q(UsageTable::Deletes)).await;
    assert_eq!(subjects(&deletes), ["i-1"]);
    assert_eq!(deletes[0].deleted_at, Some(Micros(PERIOD + 3_600_000_000)));
    assert!(deletes[0].raw_id.is_some());

    let exists = list(b, q(UsageTable::Exists)).await;
    assert_eq!(subjects(&exists), ["i-2", "i-1", "i-0"]);
    assert_eq!(exists[1].deleted_at, Some(Micros(PERIOD + 3_600_000_000)));
    assert_eq!(
        (
            exists[0].status.as_deref(),
            exists[0].send_status,
            exists[0].owner.as_deref()
        ),
        (Some("pending"), Some(0), Some(TENANT))
    );
    assert_eq!(exists[0].audit_period_ending, Some(Micros(PERIOD + DAY)));
    let pending = UsageQuery {
        status: "pending".into(),
        period_ending: Some(PERIOD + DAY),
        ..q(UsageTable::Exists)
    };
    assert_eq!(list(b, pending).await.len(), 3);
    let failed = UsageQuery {
        failed_only: true,
        ..q(UsageTable::Exists)
    };
    assert!(list(b, failed).await.is_empty());
    let other_period = UsageQuery {
        period_ending: Some(PERIOD),
        ..q(UsageTable::Exists)
    };
    assert!(list(b, other_period).await.is_empty());
    let page = b.usage_list(&q(UsageTable::Exists)).await.unwrap();
    assert_eq!(page.next_before, None, "one page");
    let older = UsageQuery {
        before: Some(exists[1].id),
        ..q(UsageTable::Exists)
    };
    assert_eq!(subjects(&list(b, older).await), ["i-0"]);
}

async fn assert_glance_tables(b: &ServerBackend) {
    let q = |table| UsageQuery::new(UsageService::Glance, table);
    let usages = list(b, q(UsageTable::Launches)).await;
    assert_eq!(subjects(&usages), [IMAGE_B, IMAGE_A]);
    assert_eq!(
        (usages[0].owner.as_deref(), usages[0].size),
        (Some(OWNER), Some(2048))
    );
    assert_eq!(usages[0].launched_at, Some(Micros(LAUNCHED)));
    assert_eq!(subjects(&list(b, q(UsageTable::Deletes)).await), [IMAGE_B]);
    let exists = list(
        b,
        UsageQuery {
            owner: OWNER.into(),
            ..q(UsageTable::Exists)
        },
    )
    .await;
    assert_eq!(subjects(&exists), [IMAGE_A]);
    assert_eq!(exists[0].audit_period_beginning, Some(Micros(PERIOD)));
    let by_uuid = UsageQuery {
        subject: IMAGE_B.into(),
        ..q(UsageTable::Exists)
    };
    assert!(list(b, by_uuid).await.is_empty());
}

async fn assert_progress(b: &ServerBackend) {
    let overview = b.usage_overview().await.expect("overview");
    let nova = &overview.services[0];
    assert_eq!((nova.service, nova.all.total), (UsageService::Nova, 3));
    assert_eq!(nova.all.by_status[0], 3, "pending");
    assert_eq!(nova.all.by_send[0], 3, "unsent");
    assert_eq!(nova.periods.len(), 1);
    assert_eq!(
        (nova.periods[0].beginning, nova.periods[0].ending),
        (Some(Micros(PERIOD)), Some(Micros(PERIOD + DAY)))
    );
    let glance = &overview.services[1];
    assert_eq!(
        (glance.service, glance.all.total, glance.older_periods),
        (UsageService::Glance, 1, false)
    );
}

async fn assert_reports(b: &ServerBackend, fx: &Fixture) -> i64 {
    let hostile = "<script>alert(1)</script>";
    let body =
        json!([{"total": 2}, ["Operation", "Min", "Max"], [hostile, "5s", "1:00s"]]).to_string();
    let mut ids = Vec::new();
    for (i, name) in ["summary for region: all", "nova usage audit"]
        .into_iter()
        .enumerate()
    {
        let report = NewJsonReport {
            period_start: PERIOD,
            period_end: PERIOD + DAY - 1,
            created: PERIOD + DAY + i as i64,
            name: name.into(),
            version: 4,
            json: body.clone(),
        };
        ids.push(fx.store.insert_json_report(&report).await.expect("stored"));
    }
    let page = b.reports(&ReportsQuery::default()).await.expect("reports");
    assert_eq!(
        page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [ids[1], ids[0]]
    );
    assert_eq!(page.names, ["nova usage audit", "summary for region: all"]);
    let named = ReportsQuery {
        name: "nova usage audit".into(),
        before: None,
    };
    assert_eq!(b.reports(&named).await.unwrap().rows.len(), 1);
    let older = ReportsQuery {
        name: String::new(),
        before: Some(ids[1]),
    };
    assert_eq!(b.reports(&older).await.unwrap().rows[0].id, ids[0]);
    let detail = b.report(ids[0]).await.unwrap().expect("the report");
    assert_eq!(
        (detail.json.as_str(), detail.summary.version),
        (body.as_str(), 4)
    );
    assert!(detail.is_kpi_summary());
    assert!(b.report(ids[1] + 100).await.unwrap().is_none());
    ids[0]
}

/// Usage pages rendered by the server: links, the progress table, refused filters.
async fn assert_usage_pages(port: u16) {
    let page = |path: &'static str| async move {
        let (status, html) = http_get(port, path).await;
        assert_eq!(status, 200, "{path}: {html}");
        html
    };
    let html = page("/usage").await;
    assert!(
        html.contains("Nova verifier progress") && html.contains("All periods"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/usage/nova/exists?status=pending&amp;period=1610323200000000\""),
        "{html}"
    );
    let html = page("/usage/nova/exists?instance=i-1").await;
    assert!(
        html.contains("href=\"/instances/i-1\"") && html.contains("href=\"/tenants/a1b2c3\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"/usage/nova/exists?status=pending\""),
        "{html}"
    );
    let html = page("/usage/glance/launches").await;
    assert!(
        html.contains(&format!("href=\"/images/{IMAGE_A}\"")) && html.contains("2.0 KiB"),
        "{html}"
    );
    let html = page("/usage/failed?service=glance").await;
    assert!(
        html.contains("Failed Glance exists") && html.contains("No rows."),
        "{html}"
    );
    let (status, html) = http_get(port, &format!("/images/{IMAGE_B}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Glance image deletes") && html.contains("None."),
        "{html}"
    );
    let (status, html) = http_get(port, "/usage/nova/exists?status=bogus").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("There is no exists status called") && html.contains("bogus"),
        "{html}"
    );
}

/// The reports list and one report: escaped untrusted text, the chart, 404s.
async fn assert_report_pages(port: u16, report: i64) {
    let (status, html) = http_get(port, &format!("/reports/{report}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert"),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"Durations per operation: min, median, percentile and max\""),
        "{html}"
    );
    let (status, html) = http_get(port, "/reports").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"/stacky/report/{report}/\"")),
        "{html}"
    );
    for path in ["/usage/cinder/exists", "/reports/99999", "/reports/x"] {
        let (status, _) = http_get(port, path).await;
        assert_eq!(status, 404, "{path}");
    }
}

async fn usage_and_reports(kind: Backend) {
    let db = TestDb::new(kind);
    let unreachable = r#"{"deployments": [{"name": "cell-u", "rabbit_host": "127.0.0.1",
        "rabbit_port": 1, "rabbit_userid": "guest", "rabbit_password": "guest",
        "rabbit_virtual_host": "/", "durable_queue": false}]}"#;
    let app = TestApp::spawn(&db, deployments(unreachable)).await;
    let fx = Fixture::on(app.store.clone(), "cell-usage").await;
    seed(&fx).await;
    let b = backend(&fx);
    assert_nova_tables(&b).await;
    assert_glance_tables(&b).await;
    assert_progress(&b).await;
    let report = assert_reports(&b, &fx).await;
    assert_usage_pages(app.port).await;
    assert_report_pages(app.port, report).await;
    app.stop().await;
}

/// Nova exists over 14 audit period endings (one ending with two beginnings, periods of one to
/// three rows, a verified row), glance exists over 3 endings and one without an audit period.
async fn seed_periods(fx: &Fixture) {
    let mut nova_messages = Vec::new();
    for k in 0..14_i64 {
        let ending = PERIOD + k * DAY;
        let mut beginnings = vec![ending - DAY];
        if k == 5 {
            beginnings.push(ending - DAY / 2);
        }
        for (b, beginning) in beginnings.into_iter().enumerate() {
            for r in 0..=(k % 3) {
                let p = json!({"audit_period_beginning": when(beginning),
                    "audit_period_ending": when(ending), "launched_at": when(LAUNCHED)});
                let instance = format!("p{k}-{b}-{r}");
                nova_messages.push(nova("compute.instance.exists", &instance, "req-p", p));
            }
        }
    }
    ingest(
        fx,
        "nova",
        nova_messages
            .into_iter()
            .map(|b| ("monitor.info", b))
            .collect(),
    )
    .await;
    let mut glance_messages = Vec::new();
    for k in 0..4_i64 {
        let image = json!([{"id": format!("im-{k}"), "created_at": when(LAUNCHED),
            "deleted_at": null, "size": 1}]);
        let mut p = json!({"owner": OWNER, "images": image});
        if k < 3 {
            p["audit_period_beginning"] = json!(when(PERIOD + (k - 1) * DAY));
            p["audit_period_ending"] = json!(when(PERIOD + k * DAY));
        }
        glance_messages.push(glance("image.exists", p));
    }
    ingest(
        fx,
        "glance",
        glance_messages
            .into_iter()
            .map(|b| ("notifications.info", b))
            .collect(),
    )
    .await;
}

/// The rows of `scanned` whose ending is among the `k` newest endings (a missing ending is the
/// oldest), sorted; and whether any row is older.
fn newest_endings(scanned: &[ProgressCount], k: usize) -> (Vec<ProgressCount>, bool) {
    let mut endings: Vec<Option<i64>> = scanned.iter().map(|c| c.audit_period_ending).collect();
    endings.sort_unstable_by(|a, b| b.cmp(a));
    endings.dedup();
    let kept: Vec<Option<i64>> = endings.iter().take(k).copied().collect();
    let mut rows: Vec<ProgressCount> = scanned
        .iter()
        .filter(|c| kept.contains(&c.audit_period_ending))
        .cloned()
        .collect();
    rows.sort_by_key(progress_key);
    (rows, endings.len() > k)
}

fn progress_key(c: &ProgressCount) -> (Option<i64>, Option<i64>, String, i64) {
    (
        c.audit_period_ending,
        c.audit_period_beginning,
        c.status.clone(),
        c.send_status,
    )
}

/// The overview's latest periods, read by probing the period index, equal the same periods
/// counted over every row; with fewer periods than asked for, every row (a glance exists
/// without an audit period included); the overview's first row counts every row.
async fn progress_periods(kind: Backend) {
    let db = TestDb::new(kind);
    let fx = Fixture::new(&db).await;
    let store = fx.store.clone();
    seed_periods(&fx).await;
    for (service, ask, older) in [
        (Service::Nova, 10, true),
        (Service::Nova, 14, false),
        (Service::Nova, 20, false),
        (Service::Glance, 2, true),
        (Service::Glance, 3, true),
        (Service::Glance, 4, false),
    ] {
        let scanned = store.exists_progress_scanned(service).await.unwrap();
        let mut got = store.exists_progress(service, ask).await.unwrap();
        got.periods.sort_by_key(progress_key);
        let (want, want_older) = newest_endings(&scanned, ask);
        assert_eq!(got.periods, want, "{service:?}, {ask} periods");
        assert_eq!(
            (got.older, want_older),
            (older, older),
            "{service:?}, {ask}"
        );
        let total: i64 = got.all.iter().map(|(_, _, n)| n).sum();
        let rows: i64 = scanned.iter().map(|c| c.n).sum();
        assert_eq!(total, rows, "{service:?}: the kept total");
    }
    let overview = backend(&fx).usage_overview().await.unwrap();
    let nova = &overview.services[0];
    // 14 endings: 1 + 2 + 3 + … rows (k % 3 + 1 each), the fifth ending twice.
    let rows: u64 = (0..14).map(|k: u64| k % 3 + 1).sum::<u64>() + 3;
    assert_eq!((nova.all.total, nova.older_periods), (rows, true));
    assert_eq!(nova.periods.len(), UsageOverview::PERIODS);
    // The newest ten periods, newest first: the fifth ending's two periods, the later
    // beginning first, are the last two.
    let periods: Vec<_> = nova
        .periods
        .iter()
        .map(|p| (p.ending, p.beginning))
        .collect();
    let at = |k: i64, back: i64| {
        (
            Some(Micros(PERIOD + k * DAY)),
            Some(Micros(PERIOD + k * DAY - back)),
        )
    };
    let mut want: Vec<_> = (6..14).rev().map(|k| at(k, DAY)).collect();
    want.extend([at(5, DAY / 2), at(5, DAY)]);
    assert_eq!(periods, want);
    let glance = &overview.services[1];
    assert_eq!(
        (glance.all.total, glance.periods.len(), glance.older_periods),
        (4, 4, false)
    );
    assert_eq!(glance.periods[3].ending, None, "no period is the oldest");
}

#[tokio::test]
async fn progress_periods_sqlite() {
    progress_periods(Backend::Sqlite).await;
}

#[tokio::test]
async fn progress_periods_postgres() {
    progress_periods(Backend::Postgres).await;
}

#[tokio::test]
async fn progress_periods_mariadb() {
    progress_periods(Backend::MariaDb).await;
}

#[tokio::test]
async fn usage_and_reports_sqlite() {
    usage_and_reports(Backend::Sqlite).await;
}

#[tokio::test]
async fn usage_and_reports_postgres() {
    usage_and_reports(Backend::Postgres).await;
}

#[tokio::test]
async fn usage_and_reports_mariadb() {
    usage_and_reports(Backend::MariaDb).await;
}
