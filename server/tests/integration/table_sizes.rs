//! The database's size per table on SQLite, PostgreSQL and MariaDB: after ingesting, a sample
//! lists `raw_events` with rows and bytes; the growth over the last day is computed against a
//! backdated sample; `/metrics` serves both families by table, and `/api/v1/status` and the
//! server-rendered status page show the sizes.

use std::time::Duration;

use app::model::{format_signed_count, now_micros, Micros, RowsBasis};
use server::store::{TableSizeNow, SAMPLE_HOUR};
use server::telemetry::table_sizes::{self, TABLE_BYTES};

use crate::api_v1::get_json;
use crate::helpers::*;
use crate::web_queries::{body, Fixture};

const EVENTS: i64 = 40;

/// `EVENTS` notifications of one instance, a second apart, in two batches.
async fn ingest_events(fx: &Fixture) {
    let base = now_micros() - 3_600_000_000;
    let event = |i: i64| {
        let when = base + i * 1_000_000;
        let body = body(
            "compute.instance.update",
            "compute.cpu-ts",
            when,
            "inst-ts",
            "req-ts",
        );
        ("monitor.info", body)
    };
    fx.ingest((0..EVENTS / 2).map(event).collect()).await;
    fx.ingest((EVENTS / 2..EVENTS).map(event).collect()).await;
}

/// Samples through the application's registry until `raw_events` has rows (PostgreSQL's
/// live-tuple counter, used before the first `ANALYZE`, is flushed within seconds).
async fn sample_raw_events(app: &TestApp) -> TableSizeNow {
    let metrics = app.board.metrics().clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let sizes = table_sizes::sample(&app.store, &metrics)
            .await
            .expect("sampled");
        let raw = sizes
            .iter()
            .find(|t| t.table == "raw_events")
            .expect("raw_events measured")
            .clone();
        if raw.rows > 0 || tokio::time::Instant::now() > deadline {
            return raw;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn sizes_are_sampled_and_shown(backend: Backend) {
    let db = TestDb::new(backend);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-ts", "no_such_vhost", 1)
    ));
    let app = TestApp::spawn(&db, file).await;
    // The application's own sampler measures at startup; wait for it, so it cannot land
    // after the test's samples.
    let metrics = app.board.metrics().clone();
    eventually(20, "the startup sample", || {
        let metrics = metrics.clone();
        async move { metrics.gauge(&TABLE_BYTES, &["raw_events"]).is_some() }
    })
    .await;
    let fx = Fixture::on(app.store.clone(), "cell-ts").await;
    ingest_events(&fx).await;

    let raw = sample_raw_events(&app).await;
    assert!(raw.rows > 0, "{backend:?}: {raw:?}");
    assert!(raw.bytes > 0, "{backend:?}: {raw:?}");
    assert_measured(&app, backend, &raw).await;
    let (day_ago, sampled_at) = backdate_a_day(&app, &raw).await;
    assert_status_api(&app, &raw, day_ago, sampled_at).await;
    assert_metrics(app.port, &raw).await;
    assert_status_page(app.port, &raw).await;
    app.stop().await;
}

/// Every table is measured, largest first; the row estimate's basis per backend (on
/// PostgreSQL the live-tuple counter until `ANALYZE`, then the statistics).
async fn assert_measured(app: &TestApp, backend: Backend, raw: &TableSizeNow) {
    let measured = app.store.measure_table_sizes().await.expect("measured");
    let names: Vec<&str> = measured.iter().map(|t| t.table.as_str()).collect();
    for table in [
        "deployments",
        "quarantine",
        "instance_exists",
        "table_size_samples",
    ] {
        assert!(names.contains(&table), "{backend:?}: {table} in {names:?}");
    }
    assert!(
        measured.windows(2).all(|w| w[0].bytes >= w[1].bytes),
        "largest first: {measured:?}"
    );
    match backend {
        Backend::Sqlite => {
            assert_eq!((raw.rows, raw.rows_basis), (EVENTS, RowsBasis::RowidRange));
        }
        Backend::Postgres => {
            assert_eq!(raw.rows_basis, RowsBasis::LiveTuples);
            app.store.analyze().await.expect("analysed");
            let analysed = app.store.measure_table_sizes().await.expect("measured");
            let raw = analysed.iter().find(|t| t.table == "raw_events");
            let raw = raw.expect("raw_events measured");
            assert_eq!((raw.rows, raw.rows_basis), (EVENTS, RowsBasis::Statistics));
        }
        Backend::MariaDb => assert_eq!(raw.rows_basis, RowsBasis::Statistics),
    }
}

/// Stores a sample of `raw_events` a day before its newest (1 row, 1,000 bytes); returns
/// that time and the newest sample's.
async fn backdate_a_day(app: &TestApp, raw: &TableSizeNow) -> (i64, i64) {
    let latest = app
        .store
        .table_size_samples(SAMPLE_HOUR)
        .await
        .expect("samples")
        .into_iter()
        .filter(|s| s.size.table == "raw_events")
        .max_by_key(|s| s.sampled_at)
        .expect("raw_events stored");
    assert_eq!(&latest.size, raw);
    let day_ago = latest.sampled_at - 24 * SAMPLE_HOUR;
    let old = TableSizeNow {
        rows: 1,
        bytes: 1_000,
        ..raw.clone()
    };
    app.store
        .record_table_sizes(day_ago, &[old])
        .await
        .expect("backdated sample");
    (day_ago, latest.sampled_at)
}

/// `/api/v1/status`: `raw_events` with its size and growth, the newest sample's time.
async fn assert_status_api(app: &TestApp, raw: &TableSizeNow, day_ago: i64, sampled_at: i64) {
    let (status, _, json) = get_json(app.port, "/api/v1/status").await;
    assert_eq!(status, 200, "{json}");
    let sizes = &json["table_sizes"];
    assert_eq!(sizes["sampled_at"], sampled_at, "{sizes}");
    let tables = sizes["tables"].as_array().expect("tables");
    let row = tables
        .iter()
        .find(|t| t["table"] == "raw_events")
        .expect("raw_events listed");
    assert_eq!(row["rows"], raw.rows, "{row}");
    assert_eq!(row["bytes"], raw.bytes, "{row}");
    assert_eq!(row["rows_basis"], raw.rows_basis.as_str(), "{row}");
    assert_eq!(row["growth"]["since"], day_ago, "{row}");
    assert_eq!(row["growth"]["rows"], raw.rows - 1, "{row}");
    assert_eq!(row["growth"]["bytes"], raw.bytes - 1_000, "{row}");
    assert_eq!(row["retention"], "90d", "{row}");
    let bytes: Vec<u64> = tables
        .iter()
        .map(|t| t["bytes"].as_u64().expect("bytes"))
        .collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "{bytes:?}");
    let other = tables
        .iter()
        .find(|t| t["table"] == "deployments")
        .expect("deployments listed");
    assert!(other["growth"].is_null(), "no day-old sample: {other}");
    assert_eq!(other["retention"], "never", "{other}");
    // The same, as the typed wire value.
    let typed: app::model::TableSizes =
        serde_json::from_value(sizes.clone()).expect("the wire type");
    assert_eq!(typed.sampled_at, Some(Micros(sampled_at)));
}

/// `/metrics`: both families with a `table` label, `raw_events` at the last sample's values.
async fn assert_metrics(port: u16, raw: &TableSizeNow) {
    let (status, text) = http_get(port, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        text.contains("# TYPE stacktach_db_table_bytes gauge\n"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE stacktach_db_table_rows gauge\n"),
        "{text}"
    );
    let bytes = format!(
        "stacktach_db_table_bytes{{table=\"raw_events\"}} {}\n",
        raw.bytes
    );
    let rows = format!(
        "stacktach_db_table_rows{{table=\"raw_events\"}} {}\n",
        raw.rows
    );
    assert!(text.contains(&bytes), "{bytes} in {text}");
    assert!(text.contains(&rows), "{rows} in {text}");
    assert!(text.contains("stacktach_db_table_bytes{table=\"deployments\"} "));
    assert!(text.contains("stacktach_db_table_rows{table=\"quarantine\"} "));
}

/// `/status`, server-rendered: the tables section with `raw_events` and its growth.
async fn assert_status_page(port: u16, raw: &TableSizeNow) {
    let (status, html) = http_get(port, "/status").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h2>Database tables<"), "{html}");
    assert!(html.contains("aria-label=\"Table sizes\""), "{html}");
    assert!(html.contains(">raw_events<"), "{html}");
    let growth = format_signed_count(raw.rows - 1);
    assert!(html.contains(&format!(">{growth}<")), "{growth} in {html}");
    assert!(html.contains(raw.rows_basis.describe()), "{html}");
    assert!(html.contains(">90d<"), "retention shown: {html}");
}

#[tokio::test]
async fn table_sizes_are_sampled_and_shown_on_sqlite() {
    sizes_are_sampled_and_shown(Backend::Sqlite).await;
}

#[tokio::test]
async fn table_sizes_are_sampled_and_shown_on_postgres() {
    sizes_are_sampled_and_shown(Backend::Postgres).await;
}

#[tokio::test]
async fn table_sizes_are_sampled_and_shown_on_mariadb() {
    sizes_are_sampled_and_shown(Backend::MariaDb).await;
}
