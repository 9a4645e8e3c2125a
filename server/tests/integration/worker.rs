//! v2's `test_worker.py`, as observable behaviour against the real broker: the topology a
//! consumer declares (topic exchange named after the `topics` key, `durable_queue`, never
//! auto-delete or exclusive, `queue_arguments` passed through, one binding per routing key),
//! one consumer per queue on one channel per exchange, the connection parameters taken from
//! the deployment, and what `_process` stored (the delivery's routing key, the body, the
//! processed counter).

use std::process::Command;

use app::model::{ConsumerState, EventFilter};
use serde_json::Value;

use crate::helpers::*;

/// `rabbitmqctl -q <what> -p <vhost> <columns...> --formatter json`, parsed.
fn list(vhost: &TestVhost, what: &str, columns: &[&str]) -> Vec<Value> {
    let out = Command::new("rabbitmqctl")
        .args(["-q", what, "-p", &vhost.name])
        .args(columns)
        .args(["--formatter", "json"])
        .output()
        .expect("rabbitmqctl runs");
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("rabbitmqctl prints JSON")
}

fn deployment(name: &str, vhost: &str, password: &str) -> String {
    format!(
        r#"{{"name": "{name}", "rabbit_host": "127.0.0.1", "rabbit_port": 5672,
            "rabbit_userid": "guest", "rabbit_password": "{password}",
            "rabbit_virtual_host": "{vhost}", "durable_queue": true,
            "queue_arguments": {{"x-message-ttl": 600000, "x-max-length": 100000}},
            "topics": {{
                "nova": [{{"queue": "st.nova.info", "routing_key": "monitor.info"}},
                         {{"queue": "st.nova.error", "routing_key": "monitor.error"}}],
                "glance": [{{"queue": "st.glance.info", "routing_key": "notifications.info"}}]
            }}}}"#
    )
}

fn state_of(app: &TestApp, deployment: &str) -> Vec<ConsumerState> {
    app.board
        .of_deployment(deployment)
        .iter()
        .map(|c| c.state)
        .collect()
}

/// test_run / test_run_queue_args: topic exchanges named after the topics' keys, durable as
/// configured, never auto-deleted.
fn assert_exchanges(vhost: &TestVhost) {
    let exchanges = list(
        vhost,
        "list_exchanges",
        &["name", "type", "durable", "auto_delete"],
    );
    for name in ["nova", "glance"] {
        let ex = exchanges
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("exchange {name} declared: {exchanges:?}"));
        assert_eq!(ex["type"], "topic", "{ex}");
        assert_eq!(ex["durable"], true, "{ex}");
        assert_eq!(ex["auto_delete"], false, "{ex}");
    }
}

/// One queue per topic entry: durable as configured, not auto-delete, not exclusive, with the
/// configured queue arguments.
fn assert_queues(vhost: &TestVhost) {
    let queues = list(
        vhost,
        "list_queues",
        &[
            "name",
            "durable",
            "auto_delete",
            "exclusive",
            "arguments",
            "consumers",
        ],
    );
    for name in ["st.nova.info", "st.nova.error", "st.glance.info"] {
        let q = queues
            .iter()
            .find(|q| q["name"] == name)
            .unwrap_or_else(|| panic!("queue {name} declared: {queues:?}"));
        assert_eq!(q["durable"], true, "{q}");
        assert_eq!(q["auto_delete"], false, "{q}");
        assert_eq!(q["exclusive"], false, "{q}");
        let args = q["arguments"].to_string();
        assert!(
            args.contains("x-message-ttl") && args.contains("600000"),
            "queue_arguments passed through: {args}"
        );
        assert!(args.contains("x-max-length"), "{args}");
        assert_eq!(q["consumers"], 1, "exactly one consumer on {name}: {q}");
    }
    assert_eq!(queues.len(), 3, "no other queues: {queues:?}");
}

/// Each queue is bound to its exchange with its routing key.
fn assert_bindings(vhost: &TestVhost) {
    let bindings = list(
        vhost,
        "list_bindings",
        &["source_name", "destination_name", "routing_key"],
    );
    for (exchange, queue, key) in [
        ("nova", "st.nova.info", "monitor.info"),
        ("nova", "st.nova.error", "monitor.error"),
        ("glance", "st.glance.info", "notifications.info"),
    ] {
        assert!(
            bindings.iter().any(|b| b["source_name"] == exchange
                && b["destination_name"] == queue
                && b["routing_key"] == key),
            "{queue} bound to {exchange} with {key}: {bindings:?}"
        );
    }
}

/// One channel per exchange carries the consumers of all its queues.
fn assert_one_channel_per_exchange(vhost: &TestVhost) {
    let consumers = list(vhost, "list_consumers", &["queue_name", "channel_pid"]);
    let channel_of = |queue: &str| -> String {
        consumers
            .iter()
            .find(|c| c["queue_name"] == queue)
            .map(|c| c["channel_pid"].to_string())
            .unwrap_or_else(|| panic!("a consumer on {queue}: {consumers:?}"))
    };
    assert_eq!(channel_of("st.nova.info"), channel_of("st.nova.error"));
    assert_ne!(channel_of("st.nova.info"), channel_of("st.glance.info"));
}

/// _process: the routing key comes from the delivery, the body is stored as received, and
/// the processed counter counts it.
async fn assert_processed(vhost: &TestVhost, app: &TestApp) {
    let (info_id, info) = nova_notification("compute.instance.create.start", "inst-w1");
    let (error_id, error) = nova_notification("compute.instance.create.error", "inst-w1");
    publish(
        vhost,
        "nova",
        &[
            ("monitor.info", info.clone()),
            ("monitor.error", error.clone()),
        ],
    )
    .await;
    let store = app.store.clone();
    let ids = vec![info_id.clone(), error_id.clone()];
    eventually(20, "both notifications stored", || {
        let (store, ids) = (store.clone(), ids.clone());
        async move { store.count_events_with_message_ids(&ids).await.unwrap() == 2 }
    })
    .await;
    let rows = app
        .store
        .recent_matching(&EventFilter::default(), 10, i64::MAX)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let by_event = |event: &str| rows.iter().find(|r| r.event == event).expect("stored row");
    let start = by_event("compute.instance.create.start");
    let failed = by_event("compute.instance.create.error");
    assert_eq!(start.routing_key, "monitor.info");
    assert_eq!(failed.routing_key, "monitor.error");
    assert!(failed.is_error() && !start.is_error());
    let detail = app
        .store
        .event_detail(start.id)
        .await
        .unwrap()
        .expect("detail");
    assert_eq!(
        detail.1.json.as_bytes(),
        info.as_slice(),
        "the body is stored as received"
    );
    eventually(10, "the processed counter counts both", || async {
        let processed: u64 = app
            .board
            .of_deployment("cell-ok")
            .iter()
            .map(|c| c.stored)
            .sum();
        processed == 2
    })
    .await;
}

#[tokio::test]
async fn consumer_declares_v2_topology_and_stores_what_it_processes() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let file = deployments(&format!(
        r#"{{"deployments": [{}, {}]}}"#,
        deployment("cell-ok", &vhost.name, "guest"),
        // Same broker, wrong password: the connection parameters come from the deployment.
        deployment("cell-badpass", &vhost.name, "not-the-password"),
    ));
    let app = TestApp::spawn(&db, file).await;
    eventually(20, "cell-ok's consumers connected", || async {
        let states = state_of(&app, "cell-ok");
        states.len() == 2 && states.iter().all(|s| *s == ConsumerState::Connected)
    })
    .await;

    assert_exchanges(&vhost);
    assert_queues(&vhost);
    assert_bindings(&vhost);
    assert_one_channel_per_exchange(&vhost);

    // The wrong password never connects, and never disturbs the other deployment.
    assert!(
        state_of(&app, "cell-badpass")
            .iter()
            .all(|s| *s != ConsumerState::Connected),
        "a deployment with a wrong password must not connect"
    );

    assert_processed(&vhost, &app).await;

    app.stop().await;
    // Nothing left unacked: both queues drained.
    assert_eq!(queue_depth(&vhost, "st.nova.info").await, 0);
    assert_eq!(queue_depth(&vhost, "st.nova.error").await, 0);
}
