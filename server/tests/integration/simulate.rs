//! `stacktach simulate` and `stacktach import`, run as the real binary: what the simulator
//! publishes is consumed and stored in full; JSON lines replay idempotently and bad lines are
//! quarantined.

use std::process::{Command, Output};

use crate::helpers::*;
use crate::workload::*;

fn stacktach(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_stacktach"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("stacktach runs");
    assert!(
        out.status.success(),
        "stacktach {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A deployment with nova and glance (v2's sample topology) and one with nova only, each on a
/// vhost of its own.
fn two_deployments(full: &TestVhost, nova_only: &TestVhost) -> String {
    let glance = r#""glance": [{"queue": "stacktach_monitor_glance.info", "routing_key": "monitor_glance.info"},
                              {"queue": "stacktach_monitor_glance.error", "routing_key": "monitor_glance.error"}]"#;
    let full = nova_deployment("full", &full.name, 5672).replacen(
        r#""topics": {"#,
        &format!(r#""topics": {{{glance}, "#),
        1,
    );
    let nova_only = nova_deployment("nova-only", &nova_only.name, 5672);
    format!(r#"{{"deployments": [{full}, {nova_only}]}}"#)
}

#[tokio::test]
async fn simulated_notifications_are_all_stored() {
    let (a, b) = (TestVhost::new(), TestVhost::new());
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("deployments.json");
    std::fs::write(&file, two_deployments(&a, &b)).expect("deployments file");
    let file = file.to_string_lossy().to_string();
    let out = stacktach(&["simulate", "--deployments", &file, "--count", "3000"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Deployment full: published 3000"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Deployment nova-only: published 3000"),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped"),
        "glance is not configured on nova-only"
    );

    let app = TestApp::spawn(&db, deployments(&two_deployments(&a, &b))).await;
    let store = app.store.clone();
    eventually(40, "6,000 simulated notifications stored", || {
        let store = store.clone();
        async move { store.max_event_id().await.unwrap_or(0) >= 6_000 }
    })
    .await;
    let (ids, quarantined) = stored_ids(&db.url).await;
    assert_eq!(ids.len(), 6_000, "nothing more");
    assert_eq!(quarantined, 0, "the simulator's notifications all parse");
    app.stop().await;
}

#[tokio::test]
async fn json_lines_import_idempotently_and_quarantine_bad_lines() {
    import_idempotently(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_json_lines_import_idempotently_and_quarantine_bad_lines() {
    import_idempotently(Backend::MariaDb).await;
}

async fn import_idempotently(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = dir.path().join("notifications.jsonl");
    let lines = lines.to_string_lossy().to_string();
    stacktach(&[
        "simulate", "--count", "1500", "--seed", "7", "--jsonl", &lines,
    ]);
    let mut text = std::fs::read(&lines).expect("written");
    text.extend_from_slice(b"not a record\n\xff\xfe\n");
    std::fs::write(&lines, text).expect("appended");
    let file = dir.path().join("deployments.json");
    std::fs::write(&file, r#"{"deployments": [{"name": "replay"}]}"#).expect("file");
    let file = file.to_string_lossy().to_string();
    let import = || {
        let out = stacktach(&[
            "import",
            &lines,
            "--deployments",
            &file,
            "--database-url",
            &db.url,
        ]);
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let first = import();
    assert!(
        first.contains("1502 lines") && first.contains("1500 stored, 0 duplicates, 2 quarantined"),
        "{first}"
    );
    let second = import();
    assert!(second.contains("0 stored, 1500 duplicates"), "{second}");
    let (ids, quarantined) = stored_ids(&db.url).await;
    assert_eq!((ids.len(), quarantined), (1_500, 4));
}
