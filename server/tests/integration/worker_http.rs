//! `stacktach worker --listen`: readiness `/healthz` (the database answers and every enabled
//! consumer is connected), `/metrics`, and no web app, on every backend.

use crate::helpers::*;
use crate::proxy::TcpProxy;

async fn ready_once_connected_with_metrics_and_no_web_app(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let name = format!("cell-wk-{}", unique());
    let file = deployments(&format!(
        r#"{{"deployments": [{}, {{"name": "cell-off-{}", "enabled": false}}]}}"#,
        nova_deployment(&name, &vhost.name, 5672),
        unique()
    ));
    let app = TestApp::spawn_worker(&db, file).await;
    app.wait_connected(&name).await;
    // Connected consumers and a reachable database; the disabled deployment does not count.
    let (status, body) = http_get(app.port, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));

    app.publish_stored(&vhost, "compute.instance.update", "inst-worker")
        .await;
    let (status, metrics) = http_get(app.port, "/metrics").await;
    assert_eq!(status, 200);
    let ingested = format!(
        "stacktach_notifications_ingested_total{{deployment=\"{name}\",exchange=\"nova\"}} 1"
    );
    assert!(metrics.contains(&ingested), "{ingested} in:\n{metrics}");
    // The probe itself is counted, under its route.
    assert!(
        metrics.contains("stacktach_http_requests_total{route=\"/healthz\""),
        "{metrics}"
    );

    for path in ["/", "/api/v1", "/stacky/deployments/", "/live/ws"] {
        let (status, _) = http_get(app.port, path).await;
        assert_eq!(status, 404, "a worker serves no {path}");
    }
    app.stop().await;
}

async fn not_ready_while_a_consumer_is_not_connected(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let up = format!("cell-up-{}", unique());
    let down = format!("cell-down-{}", unique());
    let file = deployments(&format!(
        r#"{{"deployments": [{}, {}]}}"#,
        nova_deployment(&up, &vhost.name, 5672),
        nova_deployment(&down, &vhost.name, 1)
    ));
    let app = TestApp::spawn_worker(&db, file).await;
    app.wait_connected(&up).await;
    let (status, body) = http_get(app.port, "/healthz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.starts_with("not ready: consumer "), "{body}");
    assert!(
        body.contains(&format!("consumer {down}/nova is ")),
        "{body}"
    );
    assert!(
        !body.contains(&up),
        "only what is not ready is named: {body}"
    );
    assert!(!body.contains("database"), "the database answers: {body}");
    app.stop().await;
}

#[tokio::test]
async fn sqlite_worker_is_ready_once_connected() {
    ready_once_connected_with_metrics_and_no_web_app(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_worker_is_ready_once_connected() {
    ready_once_connected_with_metrics_and_no_web_app(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_worker_is_ready_once_connected() {
    ready_once_connected_with_metrics_and_no_web_app(Backend::MariaDb).await;
}

#[tokio::test]
async fn sqlite_worker_is_not_ready_while_a_broker_is_down() {
    not_ready_while_a_consumer_is_not_connected(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_worker_is_not_ready_while_a_broker_is_down() {
    not_ready_while_a_consumer_is_not_connected(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_worker_is_not_ready_while_a_broker_is_down() {
    not_ready_while_a_consumer_is_not_connected(Backend::MariaDb).await;
}

#[tokio::test]
async fn postgres_worker_is_not_ready_while_the_database_is_cut() {
    not_ready_while_the_database_is_cut(Backend::Postgres, "127.0.0.1:5432").await;
}

#[tokio::test]
async fn mariadb_worker_is_not_ready_while_the_database_is_cut() {
    not_ready_while_the_database_is_cut(Backend::MariaDb, "127.0.0.1:3306").await;
}

/// The database going away (a real connection cut by a proxy the test owns) makes the worker
/// not ready, and coming back makes it ready again. Server backends only (SQLite is a file):
/// `server` is the address in the backend's test URL that the proxy stands in for.
async fn not_ready_while_the_database_is_cut(backend: Backend, server: &str) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    assert!(db.url.contains(server), "{} is not on {server}", db.url);
    let proxy = TcpProxy::start(server.parse().unwrap()).await;
    let via_proxy = db.url.replace(server, &format!("127.0.0.1:{}", proxy.port));
    let name = format!("cell-db-{}", unique());
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment(&name, &vhost.name, 5672)
    ));
    let app = TestApp::spawn_as(&via_proxy, file, false).await;
    app.wait_connected(&name).await;
    let (status, body) = http_get(app.port, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));

    proxy.cut();
    let (status, body) = http_get(app.port, "/healthz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.starts_with("not ready: the database "), "{body}");
    assert!(
        !body.contains("consumer"),
        "the consumers are connected: {body}"
    );

    proxy.restore();
    let port = app.port;
    eventually(20, "ready again", || async move {
        http_get(port, "/healthz").await == (200, "ok".to_owned())
    })
    .await;
    app.stop().await;
}
