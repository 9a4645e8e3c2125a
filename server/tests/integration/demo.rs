//! `serve --demo`: simulated notifications reach the store through the broker when there is
//! one, and straight through the ingest pipeline when there is none — and the page says which.

use std::time::Duration;

use server::cmd::serve::{Application, Settings};
use tokio_util::sync::CancellationToken;

use crate::helpers::*;

async fn run_demo(
    db: &TestDb,
    deployment_json: String,
) -> (
    u16,
    CancellationToken,
    tokio::task::JoinHandle<anyhow::Result<()>>,
    server::store::Store,
) {
    let settings = Settings {
        deployments: deployments(&format!(r#"{{"deployments": [{deployment_json}]}}"#)),
        database_url: db.url.as_str().into(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        web: true,
        consumers: true,
        demo: true,
        site_root: "target/site".into(),
        billing: Default::default(),
        redaction: Default::default(),
        retention: server::retention::Policy::default(),
    };
    let app = Application::build(settings).await.expect("builds");
    let port = app.port().expect("bound");
    let store = app.store().clone();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run(shutdown.clone()));
    (port, shutdown, handle, store)
}

async fn stop(shutdown: CancellationToken, handle: tokio::task::JoinHandle<anyhow::Result<()>>) {
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(20), handle)
        .await
        .expect("stops in time")
        .expect("no panic")
        .expect("clean exit");
}

#[tokio::test]
async fn demo_without_a_broker_feeds_the_store_directly_and_says_so() {
    let db = TestDb::new(Backend::Sqlite);
    let (port, shutdown, handle, store) = run_demo(&db, nova_deployment("demo-down", "/", 1)).await;
    eventually(30, "simulated rows stored without a broker", || {
        let store = store.clone();
        async move { store.max_event_id().await.unwrap() > 0 }
    })
    .await;
    let (_, html) = http_get(port, "/").await;
    assert!(html.contains("no RabbitMQ broker is reachable"), "{html}");
    stop(shutdown, handle).await;
}

#[tokio::test]
async fn demo_with_a_broker_publishes_and_the_consumers_ingest() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let (port, shutdown, handle, store) =
        run_demo(&db, nova_deployment("demo-up", &vhost.name, 5672)).await;
    eventually(30, "simulated rows ingested from the broker", || {
        let store = store.clone();
        async move { store.max_event_id().await.unwrap() > 0 }
    })
    .await;
    let rows = store.recent_events(None, 5).await.unwrap();
    assert!(rows
        .iter()
        .all(|r| r.deployment == "demo-up" && r.exchange == "nova"));
    let (_, html) = http_get(port, "/").await;
    assert!(html.contains("published to the configured"), "{html}");
    stop(shutdown, handle).await;
}
