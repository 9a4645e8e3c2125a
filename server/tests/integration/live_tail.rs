//! The live feed spans processes: a web node without consumers pushes what another process
//! commits to its database — here `stacktach import`, the real binary, into a running
//! server's database — on every backend, each row once and in id order.

use std::time::Duration;

use app::model::{LiveMessage, Micros};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{deployments, nova_body, nova_deployment, Backend, TestApp, TestDb};

#[tokio::test]
async fn sqlite_live_feed_shows_another_process_commits() {
    another_process_commits(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_live_feed_shows_another_process_commits() {
    another_process_commits(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_live_feed_shows_another_process_commits() {
    another_process_commits(Backend::MariaDb).await;
}

async fn another_process_commits(backend: Backend) {
    let db = TestDb::new(backend);
    // A web node: no deployments, so no consumers and no ingest of its own.
    let app = TestApp::spawn(&db, deployments(r#"{"deployments": []}"#)).await;
    let url = format!("ws://127.0.0.1:{}/live/ws?host=cpu-tail", app.port);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    let count = 2_500;
    import(&db.url, count).await;

    let mut ids = Vec::new();
    while ids.len() < count {
        let frame = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .unwrap_or_else(|_| panic!("rows in time; got {} of {count}", ids.len()))
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = frame {
            match serde_json::from_str::<LiveMessage>(&text).expect("a live message") {
                LiveMessage::Rows { rows, .. } => {
                    assert!(rows.iter().all(|r| r.row.deployment == "cell-tail"));
                    // Another process committed them: no commit time this one saw.
                    assert!(rows.iter().all(|r| r.committed.is_none()));
                    ids.extend(rows.into_iter().map(|r| r.row.id));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(ids.len(), count, "each row once");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in id order");
    app.stop().await;
}

/// Runs `stacktach import` with `count` nova events of host `cpu-tail` (deployment
/// `cell-tail`) into the database at `url`.
async fn import(url: &str, count: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("deployments.json");
    // Import never connects to the broker it names; the port is closed anyway.
    std::fs::write(
        &file,
        format!(
            r#"{{"deployments": [{}]}}"#,
            nova_deployment("cell-tail", "/", 1)
        ),
    )
    .expect("deployments file");
    let now = app::model::now_micros();
    let mut lines = String::new();
    for i in 0..count {
        let body = nova_body(
            "compute.instance.update",
            "compute.cpu-tail",
            &app::model::format_micros(Micros(now + i as i64)),
            &format!("tail-{i}"),
            &format!("inst-{i}"),
            &format!("req-{i}"),
        );
        let line =
            serde_json::json!({"exchange": "nova", "routing_key": "monitor.info", "body": body});
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let input = dir.path().join("events.jsonl");
    std::fs::write(&input, lines).expect("jsonl");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stacktach"))
        .arg("import")
        .arg(&input)
        .arg("--deployments")
        .arg(&file)
        .arg("--database-url")
        .arg(url)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("import runs");
    assert!(
        out.status.success(),
        "import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
