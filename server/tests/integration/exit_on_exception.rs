//! `exit_on_exception` stops only its own deployment. `serve` keeps its web server and its
//! other deployments (the status shows the stopped one with its error); a real `stacktach
//! worker --deployment NAME` exits non-zero with one line naming the deployment (never its
//! password); without `exit_on_exception` it keeps retrying; a worker running several
//! deployments goes on while one is left and exits non-zero once none is.
//!
//! The deployments files are copies of `etc/sample_stacktach_worker_config.json` (v2's sample,
//! whose first deployment sets `exit_on_exception`) pointed at 127.0.0.1: a closed port for a
//! broken broker, this test's vhost for a healthy one. `serve` runs on all three backends; the
//! worker-process tests run on SQLite only, because what they check is the process's shape
//! (exit status, message, ingest going on), which no backend changes.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use app::model::ConsumerState;
use serde_json::Value;

use crate::api_v1::get_json;
use crate::helpers::*;

/// The sample's deployment that sets `exit_on_exception`.
const FAILING: &str = "east_coast.prod.global";
/// The sample's deployment that does not.
const RETRYING: &str = "east_coast.prod.cell1";
/// The broker password in the copies: it must never reach an output.
const PASSWORD: &str = "SECRET-rabbit-pw";

/// A port on 127.0.0.1 where nothing listens (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// Where a copy points a deployment: a closed port, or this test's vhost.
enum Broker<'a> {
    Closed,
    Healthy(&'a TestVhost),
}

/// The sample file with its first deployment (`exit_on_exception: true`) at `failing` and its
/// second (`false`) at `second`, both on 127.0.0.1.
fn sample_copy(failing: Broker, second: Broker) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../etc/sample_stacktach_worker_config.json"
    );
    let text = std::fs::read_to_string(path).expect("the v2 sample");
    let mut file: Value = serde_json::from_str(&text).expect("JSON");
    let deployments = file["deployments"].as_array_mut().expect("deployments");
    assert_eq!(deployments[0]["name"], FAILING);
    assert_eq!(deployments[0]["exit_on_exception"], true);
    assert_eq!(deployments[1]["name"], RETRYING);
    assert_eq!(deployments[1]["exit_on_exception"], false);
    for (deployment, broker) in deployments.iter_mut().zip([failing, second]) {
        deployment["rabbit_host"] = "127.0.0.1".into();
        match broker {
            Broker::Closed => {
                deployment["rabbit_port"] = closed_port().into();
                deployment["rabbit_password"] = PASSWORD.into();
            }
            Broker::Healthy(vhost) => {
                deployment["rabbit_userid"] = "guest".into();
                deployment["rabbit_password"] = "guest".into();
                deployment["rabbit_virtual_host"] = vhost.name.as_str().into();
            }
        }
    }
    file.to_string()
}

/// A deployment of `/api/v1/status` by name.
fn status_of<'a>(status: &'a Value, name: &str) -> &'a Value {
    let deployments = status["deployments"].as_array().expect("deployments");
    deployments
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {status}"))
}

async fn serve_outlives_a_stopped_deployment(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let file = sample_copy(Broker::Closed, Broker::Healthy(&vhost));
    let app = TestApp::spawn(&db, deployments(&file)).await;
    eventually(20, "the failing deployment stopped", || async {
        let consumers = app.board.of_deployment(FAILING);
        !consumers.is_empty()
            && consumers
                .iter()
                .all(|c| c.state == ConsumerState::Stopped && c.last_error.is_some())
    })
    .await;
    app.wait_connected(RETRYING).await;

    // The web server still answers, and says which deployment stopped and why.
    let (code, _, status) = get_json(app.port, "/api/v1/status").await;
    assert_eq!(code, 200, "{status}");
    let failing = status_of(&status, FAILING);
    for consumer in failing["consumers"].as_array().expect("consumers") {
        assert_eq!(consumer["state"], "Stopped", "{consumer}");
        let error = consumer["last_error"].as_str().expect("its error");
        assert!(!error.is_empty() && !error.contains(PASSWORD), "{error}");
    }
    assert!(!status.to_string().contains(PASSWORD), "{status}");

    // The other deployment goes on ingesting.
    app.publish_stored(&vhost, "compute.instance.create.start", "inst-eoe")
        .await;
    let (code, _) = http_get(app.port, "/api/v1/deployments").await;
    assert_eq!(code, 200);
    // And the application ends cleanly at shutdown, not with the deployment's error.
    app.stop().await;
}

#[tokio::test]
async fn sqlite_serve_outlives_an_exit_on_exception_deployment() {
    serve_outlives_a_stopped_deployment(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_serve_outlives_an_exit_on_exception_deployment() {
    serve_outlives_a_stopped_deployment(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_serve_outlives_an_exit_on_exception_deployment() {
    serve_outlives_a_stopped_deployment(Backend::MariaDb).await;
}

/// A `stacktach worker` on the deployments file `file` (written into `dir`) and a SQLite
/// database there, with `args`; killed on drop.
fn worker(dir: &Path, file: &str, args: &[&str]) -> tokio::process::Child {
    let path = dir.join("deployments.json");
    std::fs::write(&path, file).expect("deployments file");
    let db = format!("sqlite://{}", dir.join("st.db").display());
    tokio::process::Command::new(env!("CARGO_BIN_EXE_stacktach"))
        .arg("worker")
        .arg("--deployments")
        .arg(&path)
        .args(["--database-url", &db])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("stacktach worker starts")
}

/// Waits up to `secs` for the worker to exit: its status and stderr (asserted free of the
/// password, as is stdout).
async fn exited(child: tokio::process::Child, secs: u64) -> (ExitStatus, String) {
    let out = tokio::time::timeout(Duration::from_secs(secs), child.wait_with_output())
        .await
        .expect("the worker exits in time")
        .expect("the worker's output");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stdout.contains(PASSWORD), "stdout: {stdout}");
    assert!(!stderr.contains(PASSWORD), "stderr: {stderr}");
    (out.status, stderr)
}

/// SIGTERM (a clean stop, as from systemd).
fn terminate(child: &tokio::process::Child) {
    let pid = child.id().expect("running").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
}

#[tokio::test]
async fn worker_for_an_exit_on_exception_deployment_exits_non_zero_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = sample_copy(Broker::Closed, Broker::Closed);
    let child = worker(dir.path(), &file, &["--deployment", FAILING]);
    let (status, stderr) = exited(child, 30).await;
    assert!(!status.success(), "exits non-zero: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    let expected = format!(
        "stacktach: no deployment left running: deployment {FAILING} (amqp://rabbit:***@127.0.0.1:"
    );
    assert!(last.starts_with(&expected), "{stderr}");
    assert!(last.contains("stopped (exit_on_exception): "), "{last}");
    assert!(
        !stderr.contains(RETRYING),
        "--deployment runs only {FAILING}: {stderr}"
    );
}

#[tokio::test]
async fn worker_without_exit_on_exception_keeps_retrying() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = sample_copy(Broker::Closed, Broker::Closed);
    let mut child = worker(dir.path(), &file, &["--deployment", RETRYING]);
    // Long enough for the connection to be refused and retried (backoff starts at ~1 s).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(
        child.try_wait().expect("status").is_none(),
        "a deployment without exit_on_exception never ends the worker"
    );
    terminate(&child);
    let (status, stderr) = exited(child, 20).await;
    assert!(status.success(), "clean exit at SIGTERM: {stderr}");
    assert!(stderr.contains("reconnecting"), "it was retrying: {stderr}");
}

#[tokio::test]
async fn worker_goes_on_while_a_deployment_is_left_and_exits_when_none_is() {
    let vhost = TestVhost::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let port = closed_port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let file = sample_copy(Broker::Closed, Broker::Healthy(&vhost));
    let mut child = worker(dir.path(), &file, &["--listen", &listen]);

    // Readiness says which deployment stopped; the other one is connected and ingests.
    let readiness = format!("consumer {FAILING}/nova is stopped");
    eventually(30, "readiness names the stopped deployment", || async {
        let Ok(stream) = tokio::net::TcpStream::connect(&listen).await else {
            return false;
        };
        drop(stream);
        let (code, body) = http_get(port.parse().expect("port"), "/healthz").await;
        code == 503
            && body.starts_with("not ready: ")
            && body.contains(&readiness)
            && !body.contains(RETRYING)
    })
    .await;
    let url = format!("sqlite://{}", dir.path().join("st.db").display());
    let store = server::store::Store::connect(&url).await.expect("store");
    let (id, body) = nova_notification("compute.instance.create.start", "inst-w");
    publish(&vhost, "nova", &[("monitor.info", body)]).await;
    eventually(20, "the healthy deployment stored it", || {
        let (store, id) = (store.clone(), id.clone());
        async move { store.count_events_with_message_ids(&[id]).await.unwrap() == 1 }
    })
    .await;
    assert!(
        child.try_wait().expect("status").is_none(),
        "one deployment is left: the worker goes on"
    );
    terminate(&child);
    let (status, stderr) = exited(child, 20).await;
    assert!(status.success(), "clean exit at SIGTERM: {stderr}");
    store.close().await;

    // Both deployments exit_on_exception and unreachable: none is left, the worker exits
    // non-zero naming both.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut both: Value =
        serde_json::from_str(&sample_copy(Broker::Closed, Broker::Closed)).expect("JSON");
    both["deployments"][1]["exit_on_exception"] = true.into();
    let child = worker(dir.path(), &both.to_string(), &[]);
    let (status, stderr) = exited(child, 30).await;
    assert!(!status.success(), "exits non-zero: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("stacktach: no deployment left running: "),
        "{stderr}"
    );
    for name in [FAILING, RETRYING] {
        assert!(last.contains(&format!("deployment {name} (")), "{last}");
    }
    assert_eq!(last.matches("; deployment ").count(), 1, "{last}");
}
