//! Test fixtures: unique vhosts and databases, a running application, a publisher.

use std::future::Future;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use app::model::ConsumerState;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use server::cmd::serve::{Application, Settings};
use server::config::{self, DeploymentsFile};
use server::store::Store;
use server::telemetry::status::StatusBoard;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A short unique suffix for names.
pub fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A RabbitMQ vhost of its own, deleted on drop.
pub struct TestVhost {
    pub name: String,
}

impl TestVhost {
    pub fn new() -> Self {
        let name = format!("st_test_{}", unique());
        run("rabbitmqctl", &["-q", "add_vhost", &name]);
        run(
            "rabbitmqctl",
            &[
                "-q",
                "set_permissions",
                "-p",
                &name,
                "guest",
                ".*",
                ".*",
                ".*",
            ],
        );
        Self { name }
    }

    pub fn amqp_uri(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:5672/{}", self.name)
    }
}

impl Drop for TestVhost {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl")
            .args(["-q", "delete_vhost", &self.name])
            .output();
    }
}

/// Which database backend a test runs against.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
    MariaDb,
}

/// A database of its own: a SQLite file in a temp dir, or a fresh PostgreSQL or MariaDB
/// database (`st_test_<hex>`) on the machine's server, dropped with the value.
pub struct TestDb {
    pub url: String,
    server_db: Option<(Backend, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Self {
                    url,
                    server_db: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let name = format!("st_test_{}", unique());
                run(
                    "psql",
                    &[
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-qc",
                        &format!("CREATE DATABASE {name}"),
                    ],
                );
                Self {
                    url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
                    server_db: Some((backend, name)),
                    _dir: None,
                }
            }
            Backend::MariaDb => {
                let name = format!("st_test_{}", unique());
                let server = MySqlServer::from_env();
                let out = server.run(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"));
                assert!(
                    out.status.success(),
                    "creating {name} on {}: {}",
                    server.base,
                    String::from_utf8_lossy(&out.stderr)
                );
                Self {
                    url: format!("{}/{name}", server.base),
                    server_db: Some((backend, name)),
                    _dir: None,
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.server_db {
            Some((Backend::Postgres, name)) => {
                let _ = Command::new("psql")
                    .args([
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-qc",
                        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ])
                    .output();
            }
            Some((Backend::MariaDb, name)) => MySqlServer::from_env().drop_database(name),
            _ => {}
        }
    }
}

/// The MySQL/MariaDB server the tests use, from `STACKTACH_TEST_MYSQL_URL` (default
/// `mysql://root@127.0.0.1:3306`), so the same suite runs against MySQL 8 in a second job.
struct MySqlServer {
    /// The URL without a database or a trailing slash; a test database's URL is `base/name`.
    base: String,
    host: String,
    port: String,
    user: String,
    password: Option<String>,
}

impl MySqlServer {
    fn from_env() -> Self {
        let base = std::env::var("STACKTACH_TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
            .trim_end_matches('/')
            .to_string();
        let rest = base.split_once("://").map_or(base.as_str(), |(_, r)| r);
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("root", authority));
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(percent_decode(p))),
            None => (userinfo, None),
        };
        let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
        Self {
            host: host.into(),
            port: port.into(),
            user: percent_decode(user),
            password,
            base,
        }
    }

    /// Runs `sql` with the `mysql` client (over TCP; the password goes in `MYSQL_PWD`, never
    /// on the command line); `--force` goes on past a failing statement.
    fn run(&self, sql: &str) -> std::process::Output {
        let mut cmd = Command::new("mysql");
        cmd.args(["--protocol=TCP", "-h", &self.host, "-P", &self.port])
            .args(["-u", &self.user, "-N", "-B", "--force", "-e", sql]);
        if let Some(password) = &self.password {
            cmd.env("MYSQL_PWD", password);
        }
        cmd.output().unwrap_or_else(|e| panic!("mysql: {e}"))
    }

    /// Kills the connections still using `name` (there is no `WITH (FORCE)`, and `DROP
    /// DATABASE` would wait a day for their metadata locks), then drops it.
    fn drop_database(&self, name: &str) {
        let kills = self.run(&format!(
            "SELECT GROUP_CONCAT(CONCAT('KILL ', id) SEPARATOR ';') \
             FROM information_schema.PROCESSLIST WHERE db = '{name}' AND id <> CONNECTION_ID()"
        ));
        let kills = String::from_utf8_lossy(&kills.stdout).trim().to_string();
        if !kills.is_empty() && kills != "NULL" {
            let _ = self.run(&kills);
        }
        let _ = self.run(&format!(
            "SET SESSION lock_wait_timeout = 10; DROP DATABASE IF EXISTS {name}"
        ));
    }
}

/// `%XX` escapes of a URL's user or password decoded (the rest kept as is).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A deployments file parsed from JSON text.
pub fn deployments(json: &str) -> DeploymentsFile {
    config::parse(Path::new("test.json"), json).expect("test deployments file")
}

/// One deployment on the test vhost with the nova exchange's two queues.
pub fn nova_deployment(name: &str, vhost: &str, port: u16) -> String {
    format!(
        r#"{{"name": "{name}", "rabbit_host": "127.0.0.1", "rabbit_port": {port},
            "rabbit_userid": "guest", "rabbit_password": "guest", "rabbit_virtual_host": "{vhost}",
            "durable_queue": false,
            "topics": {{"nova": [{{"queue": "monitor.info", "routing_key": "monitor.info"}},
                                 {{"queue": "monitor.error", "routing_key": "monitor.error"}}]}}}}"#
    )
}

/// A running application.
pub struct TestApp {
    pub port: u16,
    pub store: Store,
    pub board: StatusBoard,
    pub shutdown: CancellationToken,
    handle: JoinHandle<anyhow::Result<()>>,
}

impl TestApp {
    /// `stacktach serve`: consumers and the web app on a free port.
    pub async fn spawn(db: &TestDb, deployments: DeploymentsFile) -> Self {
        Self::spawn_as(&db.url, deployments, true).await
    }

    /// `stacktach worker --listen`: consumers, readiness and metrics on a free port.
    pub async fn spawn_worker(db: &TestDb, deployments: DeploymentsFile) -> Self {
        Self::spawn_as(&db.url, deployments, false).await
    }

    /// `serve` (`web`) or `worker --listen` on the database at `database_url`.
    pub async fn spawn_as(database_url: &str, deployments: DeploymentsFile, web: bool) -> Self {
        let settings = Settings {
            deployments,
            database_url: database_url.into(),
            listen: Some("127.0.0.1:0".parse().unwrap()),
            web,
            consumers: true,
            demo: false,
            site_root: "target/site".into(),
            billing: Default::default(),
            redaction: Default::default(),
            retention: server::retention::Policy::default(),
        };
        let app = Application::build(settings)
            .await
            .expect("application builds");
        Self::running(app)
    }

    /// `serve` with no deployments and these billing settings (the `/db` token, …).
    pub async fn spawn_with_billing(
        db: &TestDb,
        billing: server::cmd::serve::BillingSettings,
    ) -> Self {
        Self::spawn_billing_with(db, deployments(r#"{"deployments": []}"#), billing).await
    }

    /// `serve` with these deployments and billing settings.
    pub async fn spawn_billing_with(
        db: &TestDb,
        deployments: DeploymentsFile,
        billing: server::cmd::serve::BillingSettings,
    ) -> Self {
        let settings = Settings {
            deployments,
            database_url: db.url.as_str().into(),
            listen: Some("127.0.0.1:0".parse().unwrap()),
            web: true,
            consumers: true,
            demo: false,
            site_root: "target/site".into(),
            billing,
            redaction: Default::default(),
            retention: server::retention::Policy::default(),
        };
        let app = Application::build(settings)
            .await
            .expect("application builds");
        Self::running(app)
    }

    /// `serve` with no deployments, these billing settings (the `/db` token) and this
    /// authentication, on 127.0.0.1.
    pub async fn spawn_with_auth(
        db: &TestDb,
        billing: server::cmd::serve::BillingSettings,
        auth: server::config::auth::AuthSettings,
    ) -> Self {
        let settings = Settings {
            deployments: deployments(r#"{"deployments": []}"#),
            database_url: db.url.as_str().into(),
            listen: Some("127.0.0.1:0".parse().unwrap()),
            web: true,
            consumers: true,
            demo: false,
            site_root: "target/site".into(),
            billing,
            redaction: Default::default(),
            retention: server::retention::Policy::default(),
        };
        let app = Application::build_with_auth(settings, auth)
            .await
            .expect("application builds");
        Self::running(app)
    }

    /// Runs a built application until [`TestApp::stop`].
    fn running(app: Application) -> Self {
        let port = app.port().expect("bound");
        let store = app.store().clone();
        let board = app.board().clone();
        let shutdown = CancellationToken::new();
        let handle = tokio::spawn(app.run(shutdown.clone()));
        Self {
            port,
            store,
            board,
            shutdown,
            handle,
        }
    }

    /// Waits until `deployment` has consumers and every one of them is connected.
    pub async fn wait_connected(&self, deployment: &str) {
        eventually(20, "consumers connected", || async {
            let consumers = self.board.of_deployment(deployment);
            !consumers.is_empty()
                && consumers
                    .iter()
                    .all(|c| c.state == ConsumerState::Connected)
        })
        .await;
    }

    /// Publishes one Nova notification for `instance` to `vhost`'s `nova` exchange
    /// (`monitor.info`) and waits until it is stored; returns its message id.
    pub async fn publish_stored(&self, vhost: &TestVhost, event: &str, instance: &str) -> String {
        let (id, body) = nova_notification(event, instance);
        publish(vhost, "nova", &[("monitor.info", body)]).await;
        let store = self.store.clone();
        eventually(20, "the notification stored", || {
            let (store, id) = (store.clone(), id.clone());
            async move { store.count_events_with_message_ids(&[id]).await.unwrap() == 1 }
        })
        .await;
        id
    }

    /// Stops consumers and web server and waits for them.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(20), self.handle)
            .await
            .expect("application stops in time")
            .expect("no panic")
            .expect("clean exit");
    }
}

/// Waits until `check` is true, polling every 50 ms, failing after `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out after {secs} s waiting for {what}");
}

/// Publishes bodies with publisher confirms.
pub async fn publish(vhost: &TestVhost, exchange: &str, messages: &[(&str, Vec<u8>)]) {
    let conn = Connection::connect(&vhost.amqp_uri(), ConnectionProperties::default())
        .await
        .expect("connect");
    let channel = conn.create_channel().await.expect("channel");
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .expect("confirms");
    for (routing_key, body) in messages {
        channel
            .basic_publish(
                exchange.into(),
                (*routing_key).into(),
                BasicPublishOptions::default(),
                body,
                BasicProperties::default(),
            )
            .await
            .expect("publish")
            .await
            .expect("confirm");
    }
    let _ = conn.close(200, "done".into()).await;
}

/// Ready messages in a queue (passive declare).
pub async fn queue_depth(vhost: &TestVhost, queue: &str) -> u32 {
    let conn = Connection::connect(&vhost.amqp_uri(), ConnectionProperties::default())
        .await
        .expect("connect");
    let channel = conn.create_channel().await.expect("channel");
    let q = channel
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("queue exists");
    let _ = conn.close(200, "done".into()).await;
    q.message_count()
}

/// A realistic Nova notification with a unique message id.
pub fn nova_notification(event: &str, instance: &str) -> (String, Vec<u8>) {
    let message_id = uuid::Uuid::new_v4().to_string();
    let body = serde_json::json!({
        "event_type": event,
        "publisher_id": "compute.cpu-n01.example.net",
        "timestamp": "2026-11-24 10:00:00.123456",
        "priority": "INFO",
        "message_id": message_id,
        "_context_request_id": format!("req-{}", uuid::Uuid::new_v4()),
        "_context_project_id": "ctxtenant",
        "payload": {"instance_id": instance, "tenant_id": "tenant42", "state": "active"}
    });
    (message_id, body.to_string().into_bytes())
}

/// Minimal HTTP/1.0 GET over a real socket (so the body is never chunked): (status, body).
pub async fn http_get(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = http_get_typed(port, path).await;
    (status, body)
}

/// [`http_get`] that also returns the response's content type: (status, content type, body).
pub async fn http_get_typed(port: u16, path: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request =
        format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
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
    let content_type = head
        .lines()
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.to_string())
        })
        .unwrap_or_default();
    (status, content_type, body.to_string())
}

/// A Nova notification with every key chosen by the test: `event` from `publisher` at
/// `timestamp` (`2026-11-24 10:00:00.123456` form), for `instance` and request `request`.
pub fn nova_body(
    event: &str,
    publisher: &str,
    timestamp: &str,
    message_id: &str,
    instance: &str,
    request: &str,
) -> serde_json::Value {
    serde_json::json!({
        "event_type": event,
        "publisher_id": publisher,
        "timestamp": timestamp,
        "priority": "INFO",
        "message_id": message_id,
        "_context_request_id": request,
        "_context_project_id": "tenant42",
        "payload": {"instance_id": instance, "tenant_id": "tenant42", "state": "active",
                    "old_task_state": "spawning"}
    })
}

/// Batches retried after a store error, from `/metrics`.
pub async fn commit_retries(app: &TestApp) -> u64 {
    let (_, metrics) = http_get(app.port, "/metrics").await;
    metrics
        .lines()
        .filter(|l| l.starts_with("stacktach_commit_retries_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// The exists counts the triggers keep (migration 0019) equal a count over every exists row,
/// for both services.
pub async fn assert_exists_counts(store: &Store, what: &str) {
    use server::verifier::model::Service;
    for service in [Service::Nova, Service::Glance] {
        let kept = store
            .exists_counts_kept(service)
            .await
            .expect("kept counts");
        let scanned = store
            .exists_counts_scanned(service)
            .await
            .expect("counted rows");
        assert_eq!(kept, scanned, "{what}: {service:?}");
    }
}
