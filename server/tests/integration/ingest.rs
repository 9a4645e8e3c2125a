//! Broker → store → ack, on every backend.

use app::model::ConsumerState;

use crate::helpers::*;

async fn published_notifications_are_stored_then_acked(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-a", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected("cell-a").await;

    let mut ids = Vec::new();
    let mut messages = Vec::new();
    for i in 0..40 {
        let (id, body) = nova_notification("compute.instance.update", &format!("inst-{i}"));
        ids.push(id);
        messages.push((
            if i % 4 == 0 {
                "monitor.error"
            } else {
                "monitor.info"
            },
            body,
        ));
    }
    messages.push(("monitor.info", b"\xff not json".to_vec()));
    publish(&vhost, "nova", &messages).await;

    let store = app.store.clone();
    eventually(20, "40 events stored", || {
        let (store, ids) = (store.clone(), ids.clone());
        async move { store.count_events_with_message_ids(&ids).await.unwrap() == 40 }
    })
    .await;
    // The poison message was published last: it may come in the batch after the 40th event.
    eventually(20, "the poison message quarantined", || {
        let store = store.clone();
        async move {
            let counts = store.quarantine_counts().await.unwrap();
            counts.iter().map(|(_, n)| n).sum::<i64>() == 1
        }
    })
    .await;

    let rows = app.store.recent_events(None, 100).await.unwrap();
    assert_eq!(rows.len(), 40);
    let row = rows
        .iter()
        .find(|r| r.instance == "inst-0")
        .expect("inst-0 stored");
    assert_eq!(row.deployment, "cell-a");
    assert_eq!(row.routing_key, "monitor.error");
    assert_eq!(row.service, "compute");
    assert_eq!(row.host, "cpu-n01.example.net");
    assert_eq!(row.tenant, "tenant42");
    assert!(row.is_error());

    // Closing the consumers' channels requeues anything unacked: empty queues prove the acks.
    app.stop().await;
    assert_eq!(queue_depth(&vhost, "monitor.info").await, 0);
    assert_eq!(queue_depth(&vhost, "monitor.error").await, 0);
}

#[tokio::test]
async fn sqlite_publish_store_ack() {
    published_notifications_are_stored_then_acked(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_publish_store_ack() {
    published_notifications_are_stored_then_acked(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_publish_store_ack() {
    published_notifications_are_stored_then_acked(Backend::MariaDb).await;
}

async fn redelivered_message_is_stored_once(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-a", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected("cell-a").await;
    let (id, body) = nova_notification("compute.instance.create.start", "inst-dup");
    let (id2, body2) = nova_notification("compute.instance.create.end", "inst-dup");
    publish(
        &vhost,
        "nova",
        &[
            ("monitor.info", body.clone()),
            ("monitor.info", body),
            ("monitor.info", body2),
        ],
    )
    .await;
    let store = app.store.clone();
    eventually(20, "the second message stored", || {
        let (store, id2) = (store.clone(), id2.clone());
        async move { store.count_events_with_message_ids(&[id2]).await.unwrap() == 1 }
    })
    .await;
    assert_eq!(
        app.store
            .count_events_with_message_ids(&[id])
            .await
            .unwrap(),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn sqlite_redelivery_is_idempotent() {
    redelivered_message_is_stored_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_redelivery_is_idempotent() {
    redelivered_message_is_stored_once(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_redelivery_is_idempotent() {
    redelivered_message_is_stored_once(Backend::MariaDb).await;
}

async fn unreachable_broker_does_not_stall_others(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let file = deployments(&format!(
        r#"{{"deployments": [{}, {}]}}"#,
        nova_deployment("down", &vhost.name, 1),
        nova_deployment("up", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected("up").await;
    app.publish_stored(&vhost, "compute.instance.update", "inst-up")
        .await;
    let down = app.board.of_deployment("down");
    assert!(
        down.iter().all(|c| c.state == ConsumerState::Reconnecting),
        "{down:?}"
    );
    assert!(down.iter().all(|c| c.last_error.is_some()), "{down:?}");
    app.stop().await;
}

#[tokio::test]
async fn sqlite_unreachable_broker_is_isolated() {
    unreachable_broker_does_not_stall_others(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_unreachable_broker_is_isolated() {
    unreachable_broker_does_not_stall_others(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_unreachable_broker_is_isolated() {
    unreachable_broker_does_not_stall_others(Backend::MariaDb).await;
}
