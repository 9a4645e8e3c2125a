//! The web app over a real socket: SSR pages (every one with a nonce-based CSP, untrusted
//! content as text) and the live websocket (backfill, push, filters, explicit gaps).

use std::time::Duration;

use app::model::{LiveMessage, Micros};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;
use crate::web_queries::{body, Fixture};

/// GET over HTTP/1.0 (never chunked): (status, header block, body).
async fn get(port: u16, path: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// The nonce of the response's CSP, checked against the page's scripts.
fn csp_nonce(headers: &str, body: &str, path: &str) -> String {
    let csp = headers
        .lines()
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-security-policy"))
                .map(|(_, value)| value)
        })
        .unwrap_or_else(|| panic!("{path}: no CSP header"));
    assert!(
        csp.starts_with("default-src 'none'; script-src 'self' 'nonce-"),
        "{path}: {csp}"
    );
    assert!(
        csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{path}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap();
    let scripts = body.matches("<script").count();
    assert!(scripts > 0, "{path}: the hydration script");
    assert_eq!(
        body.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "{path}"
    );
    nonce.to_string()
}

#[tokio::test]
async fn home_page_is_server_rendered_with_deployments_and_rows() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let file = deployments(&format!(
        r#"{{"deployments": [{}, {{"name": "cell-off", "enabled": false}}]}}"#,
        nova_deployment("cell-web", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected("cell-web").await;
    app.publish_stored(&vhost, "compute.instance.ssr.check", "inst-ssr")
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
    let (status, html) = http_get(app.port, "/live?deployment=999999").await;
    assert_eq!(status, 404, "an unknown deployment's feed is not found");
    assert!(html.contains("There is no such deployment."), "{html}");
    let (status, _) = http_get(app.port, "/no/such/page").await;
    assert_eq!(status, 404);
    let (status, body) = http_get(app.port, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    app.stop().await;
}

#[tokio::test]
async fn live_socket_backfills_then_pushes_committed_rows() {
    live_socket_backfills_then_pushes(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_live_socket_backfills_then_pushes_committed_rows() {
    live_socket_backfills_then_pushes(Backend::MariaDb).await;
}

/// A row committed before the socket opens is backfilled, one committed after is pushed, in
/// id order (what the ids-in-order batch lock guarantees on the server backends).
async fn live_socket_backfills_then_pushes(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-ws", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected("cell-ws").await;
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
                LiveMessage::Rows { rows, sent } => events.extend(
                    rows.into_iter()
                        .map(|r| (r.row.id, r.row.event, r.committed, sent)),
                ),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(events[0].1, "compute.instance.early");
    assert_eq!(events[1].1, "compute.instance.late");
    assert!(events[0].0 < events[1].0);
    // The backfill was read from the database; the pushed row carries this process's commit
    // time, which the feed latency benchmark measures from.
    assert_eq!(events[0].2, None);
    let committed = events[1].2.expect("a pushed row carries its commit time").0;
    let now = app::model::now_micros();
    assert!(
        committed <= now && committed > now - 10_000_000,
        "{committed} vs {now}"
    );
    // Every rows frame says when it was sent: the pushed one after its row's commit.
    let sent = events[1].3.expect("a rows frame carries its send time").0;
    assert!(committed <= sent && sent <= now, "{committed} {sent} {now}");
    assert!(events[0].3.is_some());
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

/// Ingests two ordinary events, one whose strings are all `evil`, and a poison message.
async fn ingest_hostile(fx: &Fixture, now: i64, evil: &str) {
    let hostile = serde_json::json!({
        "event_type": format!("compute.instance.{evil}"),
        "publisher_id": format!("compute.{evil}"),
        "timestamp": app::model::format_micros(Micros(now)),
        "message_id": "hostile-1",
        "_context_request_id": "req-p1",
        "payload": {"instance_id": "inst-p1", "tenant_id": evil, evil: evil}
    });
    fx.ingest(vec![
        (
            "monitor.info",
            body(
                "compute.instance.create.start",
                "compute.cpu-p1",
                now - 20_000_000,
                "inst-p1",
                "req-p1",
            ),
        ),
        (
            "monitor.info",
            body(
                "compute.instance.create.end",
                "compute.cpu-p1",
                now - 10_000_000,
                "inst-p1",
                "req-p1",
            ),
        ),
        ("monitor.error", hostile.to_string().into_bytes()),
        (
            "monitor.info",
            b"</script><script>alert(3)</script>".to_vec(),
        ),
    ])
    .await;
}

/// Every page of the app, showing the hostile event (`enc` is its host, URL-encoded) and the
/// quarantined message where it can.
fn every_page(enc: &str, hostile_id: i64, quarantined: i64) -> Vec<String> {
    vec![
        "/".to_string(),
        "/live".into(),
        format!("/live?host={enc}&errors=1"),
        "/search".into(),
        format!("/search?field=host&value={enc}&count=all&updates=1"),
        format!("/events?field=host&value={enc}&around={hostile_id}"),
        format!("/events?field=when&around={hostile_id}"),
        format!("/events/{hostile_id}"),
        format!("/hosts/{enc}"),
        format!("/tenants/{enc}"),
        "/requests/req-p1".into(),
        "/instances/inst-p1".into(),
        "/timings".into(),
        "/timings?window=1h".into(),
        "/status".into(),
        format!("/status/quarantine/{quarantined}"),
    ]
}

/// A 200 under the CSP and nosniff, with none of the hostile markup unescaped.
async fn assert_page_is_safe(port: u16, path: &str) {
    let (status, headers, html) = get(port, path).await;
    assert_eq!(status, 200, "{path}: {html}");
    csp_nonce(&headers, &html, path);
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{path}"
    );
    for raw in [
        "<img src=x",
        "</title></script>",
        "</script><script>alert",
        "href=\"javascript:",
    ] {
        assert!(!html.contains(raw), "{path} contains {raw:?} unescaped");
    }
}

/// The hostile content is there, as text: the event, the quarantined bytes, the instance.
async fn assert_hostile_content_is_text(port: u16, hostile_id: i64, quarantined: i64) {
    let (_, _, event) = get(port, &format!("/events/{hostile_id}")).await;
    assert!(event.contains("&lt;img src=x onerror=alert(1)&gt;&lt;/title&gt;&lt;/script&gt;"));
    assert!(
        event.contains("<title>Event #"),
        "the title is there, escaped"
    );
    assert!(
        event.contains("<pre aria-label=\"Notification JSON\">{\n"),
        "pretty JSON in a pre"
    );
    let (_, _, quarantine) = get(port, &format!("/status/quarantine/{quarantined}")).await;
    assert!(quarantine.contains("&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(
        quarantine.contains("3c 2f 73 63 72 69 70 74 3e"),
        "the hex dump"
    );
    let (_, _, instance) = get(port, "/instances/inst-p1").await;
    assert!(instance.contains("compute.instance.create") && instance.contains("10.000 s"));
}

/// Unknown things are 404s, with the same policy.
async fn assert_unknowns_are_404s_with_a_csp(port: u16) {
    for path in [
        "/events/999999",
        "/status/quarantine/999999",
        "/live?deployment=999999",
        "/no/such/page",
    ] {
        let (status, headers, html) = get(port, path).await;
        assert_eq!(status, 404, "{path}");
        csp_nonce(&headers, &html, path);
    }
}

/// The tables' cells link to `/d/<id>/<field>`, which redirects to the full drill-down URL
/// with the value read from the event (encoded); broken links are 404s.
async fn assert_drill_links_redirect(port: u16, enc: &str, hostile_id: i64, evil: &str) {
    let (_, _, html) = get(port, &format!("/search?field=host&value={enc}&count=25")).await;
    for field in ["host", "tenant", "event", "when"] {
        let link = format!("href=\"/d/{hostile_id}/{field}\"");
        assert!(html.contains(&link), "{link} in the search page");
    }
    let location = |headers: &str| {
        headers
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .map(str::to_string)
    };
    let (status, headers, _) = get(port, &format!("/d/{hostile_id}/host")).await;
    assert_eq!(status, 303);
    assert_eq!(
        location(&headers).as_deref(),
        Some(app::routes::drill(app::model::Field::Host, evil, hostile_id, None).as_str())
    );
    assert_eq!(
        location(&headers),
        Some(format!(
            "/events?field=host&value={enc}&around={hostile_id}#ev-{hostile_id}"
        ))
    );
    // An event that is not (or no longer) stored: the drill-down page says so.
    let (status, headers, _) = get(port, "/d/999999/when").await;
    assert_eq!(status, 303);
    assert_eq!(
        location(&headers).as_deref(),
        Some("/events?field=when&around=999999#ev-999999")
    );
    for broken in ["/d/abc/host", "/d/1/json", "/d/1/host%3B"] {
        let (status, _, body) = get(port, broken).await;
        assert_eq!(status, 404, "{broken}: {body}");
    }
}

/// Every page renders on the server with data, under a strict CSP whose nonce is on every
/// script; notification content (here hostile) is only ever text.
#[tokio::test]
async fn every_page_renders_with_a_nonce_csp_and_untrusted_text_escaped() {
    let db = TestDb::new(Backend::Sqlite);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-p", "no_such_vhost", 1)
    ));
    let app = TestApp::spawn(&db, file).await;
    let fx = Fixture::on(app.store.clone(), "cell-p").await;
    let now = app::model::now_micros();
    let evil = "<img src=x onerror=alert(1)></title></script>\"'javascript:alert(2)";
    ingest_hostile(&fx, now, evil).await;
    let hostile_id = app.store.max_event_id().await.unwrap();
    let quarantined = app.store.quarantine_list(1).await.unwrap().0[0].id;
    let enc = app::routes::encode(evil);
    for path in &every_page(&enc, hostile_id, quarantined) {
        assert_page_is_safe(app.port, path).await;
    }
    assert_hostile_content_is_text(app.port, hostile_id, quarantined).await;
    assert_unknowns_are_404s_with_a_csp(app.port).await;
    let (status, _, html) = get(app.port, "/search?field=json&value=x").await;
    assert_eq!(status, 200);
    assert!(html.contains("There is no searchable field called"));
    assert_drill_links_redirect(app.port, &enc, hostile_id, evil).await;
    app.stop().await;
}

async fn next_message(
    socket: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> LiveMessage {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = frame {
            return serde_json::from_str(&text).expect("a live message");
        }
    }
}

/// The events of the next message, which must be rows (`what` names them in the panic).
async fn next_rows(
    socket: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
    what: &str,
) -> Vec<String> {
    match next_message(socket).await {
        LiveMessage::Rows { rows, .. } => rows.into_iter().map(|r| r.row.event).collect(),
        other => panic!("expected {what}, got {other:?}"),
    }
}

/// The socket applies the page's filter to the backfill and to pushed rows.
#[tokio::test]
async fn live_socket_filters_backfill_and_push_on_the_server() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment("cell-f", &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected("cell-f").await;
    let now = app::model::now_micros();
    let fx = Fixture::on(app.store.clone(), "cell-f").await;
    fx.ingest(vec![
        (
            "monitor.info",
            body("compute.instance.early", "compute.cpu-f1", now, "i1", "r1"),
        ),
        (
            "monitor.info",
            body("compute.instance.other", "compute.cpu-f2", now, "i2", "r2"),
        ),
    ])
    .await;
    let url = format!("ws://127.0.0.1:{}/live/ws?after=0&host=cpu-f1", app.port);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    let events = next_rows(&mut socket, "the backfill").await;
    assert_eq!(events, ["compute.instance.early"]);
    publish(
        &vhost,
        "nova",
        &[
            (
                "monitor.info",
                body("compute.instance.skipme", "compute.cpu-f2", now, "i2", "r3"),
            ),
            (
                "monitor.error",
                body("compute.instance.late", "compute.cpu-f1", now, "i1", "r4"),
            ),
        ],
    )
    .await;
    let events = next_rows(&mut socket, "a pushed row").await;
    assert_eq!(
        events,
        ["compute.instance.late"],
        "only cpu-f1's rows are pushed"
    );
    app.stop().await;
}

/// A subscriber too far behind is told how many rows it skipped, then gets the newest ones.
#[tokio::test]
async fn live_socket_reports_skipped_rows_as_a_gap() {
    skipped_rows_are_a_gap(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_live_socket_reports_skipped_rows_as_a_gap() {
    skipped_rows_are_a_gap(Backend::MariaDb).await;
}

async fn skipped_rows_are_a_gap(backend: Backend) {
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    let fx = Fixture::on(app.store.clone(), "cell-g").await;
    let now = app::model::now_micros();
    let rows: Vec<_> = (0..5_300)
        .map(|i| {
            (
                "monitor.info",
                body(
                    "compute.instance.update",
                    "compute.cpu-g",
                    now + i,
                    "ig",
                    "rg",
                ),
            )
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        fx.ingest(chunk.to_vec()).await;
    }
    let url = format!("ws://127.0.0.1:{}/live/ws?after=0&host=cpu-g", app.port);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    let (mut received, mut skipped) = (0usize, 0u64);
    while received + (skipped as usize) < 5_300 {
        match next_message(&mut socket).await {
            LiveMessage::Rows { rows, .. } => received += rows.len(),
            LiveMessage::Gap { skipped: n } => {
                assert_eq!(received, 5_000, "the gap comes after the catch-up limit");
                skipped += n;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((received, skipped), (5_200, 100));
    app.stop().await;
}
