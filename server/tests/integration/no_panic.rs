//! No request can panic the server: odd bytes in every kind of parameter answer a clear 4xx
//! (or an empty answer), never a dropped connection or a 500, on every backend.

use crate::helpers::{deployments, http_get, Backend, TestApp, TestDb};

/// Paths with multi-byte characters, huge numbers and malformed dates in the parameters each
/// surface parses. `%C3%A9` is `é`: a byte index into it once panicked in the reports search.
const ODD_PATHS: &[&str] = &[
    "/stacky/reports/search/?period_start=2014-01-01%2000:00:00.12345%C3%A9",
    "/stacky/reports/search/?period_end=2014-01-01T00:00%C3%A9&created=%E2%82%AC",
    "/stacky/reports/search/?id=99999999999999999999999",
    "/stacky/search/?field=instance&value=%C3%A9&limit=%C3%A9",
    "/stacky/timings/?name=%F0%9D%9F%98&limit=-1&offset=%C3%A9",
    "/stacky/uuid/?uuid=%C3%A9%C3%A9",
    "/stacky/watch/0/?since=%C3%A9&event_name=%C3%A9",
    "/stacky/show/99999999999999999999999/",
    "/stacky/kpi/%C3%A9/",
    "/api/v1/events?limit=%C3%A9&before=%C3%A9",
    "/api/v1/events?after=-99999999999999999999",
    "/api/v1/timings?window=%C3%A9",
    "/search?field=%C3%A9&value=%C3%A9",
    "/timings?window=%F0%9D%9F%98",
    "/event/99999999999999999999999",
];

async fn odd_requests_never_fail_the_server(backend: Backend) {
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    for path in ODD_PATHS {
        let (status, body) = http_get(app.port, path).await;
        assert!(
            (200..500).contains(&status),
            "{path} answered {status}: {body}"
        );
    }
    let (status, body) = http_get(app.port, ODD_PATHS[0]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("has an invalid format"), "{body}");
    // The server still answers after all of them.
    let (status, _) = http_get(app.port, "/healthz").await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn odd_requests_never_fail_the_server_sqlite() {
    odd_requests_never_fail_the_server(Backend::Sqlite).await;
}

#[tokio::test]
async fn odd_requests_never_fail_the_server_postgres() {
    odd_requests_never_fail_the_server(Backend::Postgres).await;
}

#[tokio::test]
async fn odd_requests_never_fail_the_server_mariadb() {
    odd_requests_never_fail_the_server(Backend::MariaDb).await;
}
