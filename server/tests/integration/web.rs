//! The web app over a real socket: SSR pages and the live websocket.

use std::time::Duration;

use app::model::{ConsumerState, LiveMessage};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;

#[tokio::test]
async fn home_page_is_server_rendered_with_deployments_and_rows() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let file = deployments(&format!(
        r#"{{"deployments": [{}, {{"name": "cell-off", "enabled": false}}]}}"#,
        nova_deployment("cell-web", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    eventually(20, "connected", || async {
        app.board
            .of_deployment("cell-web")
            .iter()
            .all(|c| c.state == ConsumerState::Connected)
    })
    .await;
    let (id, body) = nova_notification("compute.instance.ssr.check", "inst-ssr");
    publish(&vhost, "nova", &[("monitor.info", body)]).await;
    let store = app.store.clone();
    eventually(20, "stored", || {
        let (store, id) = (store.clone(), id.clone());
        async move { store.count_events_with_message_ids(&[id]).await.unwrap() == 1 }
    })
    .await;

    let (status, html) = http_get(app.port, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>StackTach"), "{html}");
    assert!(html.contains("cell-web") && html.contains("cell-off"));
    assert!(html.contains("connected") && html.contains("disabled"));
    assert!(
        html.contains("compute.instance.ssr.check"),
        "the feed is server-rendered"
    );
    assert!(html.contains(">snapshot<"), "the status starts as snapshot");

    let (status, html) = http_get(app.port, "/live?deployment=1").await;
    assert_eq!(status, 200);
    assert!(html.contains("Live feed — cell-web"), "{html}");
    let (status, _) = http_get(app.port, "/no/such/page").await;
    assert_eq!(status, 404);
    let (status, body) = http_get(app.port, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    app.stop().await;
}

#[tokio::test]
async fn live_socket_backfills_then_pushes_committed_rows() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Postgres);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-ws", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    eventually(20, "connected", || async {
        app.board
            .of_deployment("cell-ws")
            .iter()
            .all(|c| c.state == ConsumerState::Connected)
    })
    .await;
    // One row committed before the browser connects (it must be backfilled) ...
    let (early, body) = nova_notification("compute.instance.early", "inst-early");
    publish(&vhost, "nova", &[("monitor.info", body)]).await;
    let store = app.store.clone();
    eventually(20, "early row stored", || {
        let (store, early) = (store.clone(), early.clone());
        async move { store.count_events_with_message_ids(&[early]).await.unwrap() == 1 }
    })
    .await;

    let url = format!("ws://127.0.0.1:{}/live/ws?after=0", app.port);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    // ... and one published after (it must be pushed).
    let (_, body) = nova_notification("compute.instance.late", "inst-late");
    publish(&vhost, "nova", &[("monitor.info", body)]).await;

    let mut events = Vec::new();
    while events.len() < 2 {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = frame {
            match serde_json::from_str::<LiveMessage>(&text).expect("a live message") {
                LiveMessage::Rows { rows } => {
                    events.extend(rows.into_iter().map(|r| (r.id, r.event)))
                }
                LiveMessage::Gap { skipped } => panic!("unexpected gap of {skipped}"),
            }
        }
    }
    assert_eq!(events[0].1, "compute.instance.early");
    assert_eq!(events[1].1, "compute.instance.late");
    assert!(events[0].0 < events[1].0);
    app.stop().await;
}

#[tokio::test]
async fn live_socket_refuses_foreign_origins() {
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    let request = tokio_tungstenite::tungstenite::http::Request::builder()
        .uri(format!("ws://127.0.0.1:{}/live/ws", app.port))
        .header("Host", format!("127.0.0.1:{}", app.port))
        .header("Origin", "http://evil.example")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .body(())
        .unwrap();
    let result = tokio_tungstenite::connect_async(request).await;
    assert!(result.is_err(), "a foreign origin must be refused");
    app.stop().await;
}
