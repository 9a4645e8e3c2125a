//! `serve --demo`: simulated notifications reach the store through the broker when there is
//! one, and straight through the ingest pipeline when there is none — and the page says which.
//! They are published with the routing keys the deployments file binds (not the generator's
//! `monitor.*`), `mandatory`: one the broker cannot route is counted, in `/metrics` and on the
//! page, never lost silently.

use std::time::Duration;

use lapin::types::FieldTable;
use server::amqp::publish::{PublishError, Publisher};
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

/// A deployment whose nova queues are bound as oslo.messaging's default topic binds them
/// (`notifications.info`, `notifications.error`), not as v2's sample does (`monitor.*`).
fn oslo_deployment(name: &str, vhost: &str) -> String {
    format!(
        r#"{{"name": "{name}", "rabbit_host": "127.0.0.1", "rabbit_port": 5672,
            "rabbit_userid": "guest", "rabbit_password": "guest", "rabbit_virtual_host": "{vhost}",
            "durable_queue": false,
            "topics": {{"nova": [
                {{"queue": "st.notifications.info", "routing_key": "notifications.info"}},
                {{"queue": "st.notifications.error", "routing_key": "notifications.error"}}]}}}}"#
    )
}

/// The sum of `stacktach_publish_unroutable_total` over its series in `/metrics`.
async fn unroutable_total(port: u16) -> f64 {
    let (_, text) = http_get(port, "/metrics").await;
    text.lines()
        .filter(|l| l.starts_with("stacktach_publish_unroutable_total{"))
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn demo_publishes_with_the_bound_routing_keys_and_counts_unroutable_ones() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let (port, shutdown, handle, store) =
        run_demo(&db, oslo_deployment("demo-oslo", &vhost.name)).await;
    eventually(
        30,
        "simulated rows ingested from notifications.* queues",
        || {
            let store = store.clone();
            async move { store.max_event_id().await.unwrap() > 0 }
        },
    )
    .await;
    let rows = store.recent_events(None, 50).await.unwrap();
    assert!(
        rows.iter().all(|r| r.deployment == "demo-oslo"
            && ["notifications.info", "notifications.error"].contains(&r.routing_key.as_str())),
        "stored with the keys the file binds: {rows:?}"
    );
    assert_eq!(unroutable_total(port).await, 0.0, "everything was routable");

    // The bindings removed on the broker: the demo's publishes come back, and say so.
    let conn = lapin::Connection::connect(&vhost.amqp_uri(), Default::default())
        .await
        .expect("connect");
    let channel = conn.create_channel().await.expect("channel");
    for key in ["notifications.info", "notifications.error"] {
        let queue = format!("st.{key}");
        channel
            .queue_unbind(
                queue.as_str().into(),
                "nova".into(),
                key.into(),
                FieldTable::default(),
            )
            .await
            .expect("unbind");
    }
    let _ = conn.close(200, "done".into()).await;
    eventually(30, "unroutable publishes counted in /metrics", || async {
        unroutable_total(port).await > 0.0
    })
    .await;
    let (_, html) = http_get(port, "/").await;
    assert!(html.contains("matched no queue"), "{html}");
    assert!(
        html.contains("notifications."),
        "names the routing key: {html}"
    );
    stop(shutdown, handle).await;
}

/// `Publisher`: a key nothing binds comes back as `Unroutable` (exchange and key), a bound
/// one is confirmed.
#[tokio::test]
async fn a_publish_with_a_key_nothing_binds_is_reported_unroutable() {
    let vhost = TestVhost::new();
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        oslo_deployment("publisher", &vhost.name)
    ));
    let cfg = &file.deployments[0];
    let connection = server::amqp::connect(cfg, "test").await.expect("connect");
    let mut publisher = Publisher::open(&connection, 10, false)
        .await
        .expect("confirm mode");
    server::amqp::declare(publisher.channel(), cfg, &cfg.topics[0])
        .await
        .expect("topology");
    let publish = |key: &'static str| (key, format!("m-{key}"));
    let (bound, id) = publish("notifications.info");
    publisher
        .publish("nova", bound, &id, b"{}")
        .await
        .expect("sent");
    publisher.flush().await.expect("a bound key is confirmed");
    let (unbound, id) = publish("monitor.info");
    publisher
        .publish("nova", unbound, &id, b"{}")
        .await
        .expect("sent");
    match publisher.flush().await {
        Err(PublishError::Unroutable {
            exchange,
            routing_key,
        }) => assert_eq!((exchange.as_str(), routing_key.as_str()), ("nova", unbound)),
        other => panic!("expected Unroutable, got {other:?}"),
    }
    assert_eq!(publisher.confirmed(), 1);
    let _ = connection.close(200, "done".into()).await;
}
