//! Authentication over a real socket, every mode × every surface: a page, a server function,
//! the `/live/ws` upgrade, `/stacky`, `/api/v1`, a `/db` read, `/metrics`, a static/404 path,
//! and the `/db` writes, which need a bearer token in every mode. Mode `basic` (right, wrong,
//! the failure limit), mode `proxy` (the header from an allow-listed peer, and from a peer that
//! is not), bearer tokens, `/healthz` open; the binary's refusal to serve a public address
//! unprotected, `stacktach user`, and the log of failed attempts holding no secret.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use server::cmd::serve::BillingSettings;
use server::config::auth::{parse_networks, AuthMode, AuthSettings};
use server::config::Secret;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::dbapi::request;
use crate::helpers::{Backend, TestApp, TestDb};

const USER: &str = "alice";
const PASSWORD: &str = "c0rrect-h0rse-battery";
/// A token of `--api-tokens-file` (scripts, Prometheus).
const API_TOKEN: &str = "api-t0ken-91c2d7";
/// The token of `--db-api-token-file` (the billing feed).
const DB_TOKEN: &str = "db-t0ken-5e7d11";

/// One surface: what is sent, and the status it answers once let in.
struct Surface {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    allowed: u16,
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

const SURFACES: &[Surface] = &[
    Surface {
        name: "a page",
        method: "GET",
        path: "/",
        headers: &[],
        allowed: 200,
    },
    Surface {
        name: "a server function",
        method: "POST",
        path: "/internal/status",
        headers: &[FORM, ("Accept", "application/json")],
        allowed: 200,
    },
    Surface {
        name: "the stacky API",
        method: "GET",
        path: "/stacky/deployments/",
        headers: &[],
        allowed: 200,
    },
    Surface {
        name: "the JSON API",
        method: "GET",
        path: "/api/v1/deployments",
        headers: &[],
        allowed: 200,
    },
    Surface {
        name: "a /db read",
        method: "GET",
        path: "/db/usage/nova/exists/",
        headers: &[],
        allowed: 200,
    },
    Surface {
        name: "the metrics",
        method: "GET",
        path: "/metrics",
        headers: &[],
        allowed: 200,
    },
    Surface {
        name: "the static files and 404 fallback",
        method: "GET",
        path: "/pkg/no-such-file.js",
        headers: &[],
        allowed: 404,
    },
];

/// What every surface must answer.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Let in: each surface's own status.
    Allowed,
    /// Refused with this status (and, for 401, this challenge scheme).
    Refused(u16, &'static str),
}

/// Standard base64 (the Basic header's encoding).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Every surface with the `credentials` headers answers as `expect` says.
async fn check_surfaces(port: u16, credentials: &[(&str, &str)], expect: Expect) {
    for s in SURFACES {
        let headers: Vec<(&str, &str)> = s.headers.iter().chain(credentials).copied().collect();
        let (status, head, body) = request(port, s.method, s.path, &headers, b"").await;
        match expect {
            Expect::Allowed => assert_eq!(status, s.allowed, "{}: {head}{body}", s.name),
            Expect::Refused(code, scheme) => {
                assert_eq!(status, code, "{} with {credentials:?}: {body}", s.name);
                if code == 401 {
                    let challenge = format!("www-authenticate: {scheme} realm=\"stacktach\"");
                    assert!(head.contains(&challenge), "{}: {head}", s.name);
                }
            }
        }
    }
    let upgraded = upgrade(port, credentials).await;
    match expect {
        Expect::Allowed => assert_eq!(upgraded, 101, "the websocket with {credentials:?}"),
        Expect::Refused(code, _) => assert_eq!(upgraded, code, "the websocket upgrade"),
    }
}

/// A websocket upgrade of `/live/ws` with these headers: 101 once upgraded, else the status
/// of the refusal (given before any upgrade).
async fn upgrade(port: u16, headers: &[(&str, &str)]) -> u16 {
    use tokio_tungstenite::tungstenite::{http, Error};
    let mut builder = http::Request::builder()
        .uri(format!("ws://127.0.0.1:{port}/live/ws"))
        .header("Host", format!("127.0.0.1:{port}"))
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    match tokio_tungstenite::connect_async(builder.body(()).unwrap()).await {
        Ok((mut socket, response)) => {
            let _ = socket.close(None).await;
            response.status().as_u16()
        }
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("websocket: {e}"),
    }
}

/// A `/db` write (a tenant's info) with these headers: (status, lowercase head).
async fn db_write(port: u16, headers: &[(&str, &str)]) -> (u16, String) {
    let body = br#"{"tenant": "t_auth", "name": "Auth Test", "types": {}}"#;
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let (status, head, _) = request(port, "PUT", "/db/tenant/info/t_auth/", &all, body).await;
    (status, head)
}

/// `/healthz` answers everyone.
async fn healthz_is_open(port: u16) {
    let (status, _, body) = request(port, "GET", "/healthz", &[], b"").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
}

fn billing() -> BillingSettings {
    BillingSettings {
        db_api_token: Some(Secret::new(DB_TOKEN)),
        ..BillingSettings::default()
    }
}

/// A users file with [`USER`] and [`PASSWORD`], written with the library `user add` uses.
fn users_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("users");
    let hash = server::http::auth::hash_password(PASSWORD).unwrap();
    std::fs::write(&path, server::http::auth::with_user("", USER, &hash)).unwrap();
    path
}

fn settings(mode: AuthMode) -> AuthSettings {
    AuthSettings {
        mode,
        tokens: vec![Secret::new(API_TOKEN)],
        ..AuthSettings::default()
    }
}

#[tokio::test]
async fn mode_none_on_loopback_lets_everyone_in_but_db_writes_need_a_token() {
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn_with_auth(&db, billing(), settings(AuthMode::None)).await;
    check_surfaces(app.port, &[], Expect::Allowed).await;
    healthz_is_open(app.port).await;
    let (status, head) = db_write(app.port, &[]).await;
    assert_eq!(status, 401, "{head}");
    assert!(head.contains("www-authenticate: bearer"), "{head}");
    let (status, _) = db_write(app.port, &[("Authorization", &bearer("wrong"))]).await;
    assert_eq!(status, 403);
    for token in [DB_TOKEN, API_TOKEN] {
        let (status, head) = db_write(app.port, &[("Authorization", &bearer(token))]).await;
        assert_eq!(status, 200, "{head}");
    }
    app.stop().await;
}

#[tokio::test]
async fn mode_basic_guards_every_surface() {
    let dir = tempfile::tempdir().unwrap();
    let auth = AuthSettings {
        users_file: Some(users_file(dir.path())),
        ..settings(AuthMode::Basic)
    };
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn_with_auth(&db, billing(), auth).await;
    let port = app.port;
    let refused = Expect::Refused(401, "basic");
    check_surfaces(port, &[], refused).await;
    // Wrong credentials, one request each (ten failures would trip the limit).
    for wrong in [
        basic(USER, "not-the-password"),
        basic("mallory", PASSWORD),
        bearer("wrong"),
    ] {
        let (status, head, _) = request(port, "GET", "/", &[("Authorization", &wrong)], b"").await;
        assert_eq!(status, 401, "{wrong}");
        assert!(
            head.contains("www-authenticate: basic realm=\"stacktach\""),
            "{head}"
        );
    }
    let right = basic(USER, PASSWORD);
    check_surfaces(port, &[("Authorization", &right)], Expect::Allowed).await;
    for token in [API_TOKEN, DB_TOKEN] {
        check_surfaces(port, &[("Authorization", &bearer(token))], Expect::Allowed).await;
    }
    // Basic mode reads no proxy header.
    check_surfaces(port, &[("X-Forwarded-User", USER)], refused).await;
    healthz_is_open(port).await;

    // The /db writes need a bearer token whatever the mode: a logged-in user is not enough.
    let (status, head) = db_write(port, &[("Authorization", &right)]).await;
    assert_eq!(status, 401, "{head}");
    assert!(head.contains("www-authenticate: bearer"), "{head}");
    let (status, _) = db_write(port, &[]).await;
    assert_eq!(status, 401);
    let (status, head) = db_write(port, &[("Authorization", &bearer(DB_TOKEN))]).await;
    assert_eq!(status, 200, "{head}");
    app.stop().await;
}

#[tokio::test]
async fn mode_basic_answers_429_after_ten_failures() {
    let dir = tempfile::tempdir().unwrap();
    let auth = AuthSettings {
        users_file: Some(users_file(dir.path())),
        ..settings(AuthMode::Basic)
    };
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn_with_auth(&db, billing(), auth).await;
    let guess = |i: usize| basic(USER, &format!("guess-{i}"));
    for i in 0..10 {
        let header = guess(i);
        let (status, _, _) =
            request(app.port, "GET", "/", &[("Authorization", &header)], b"").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    // Blocked now, even with the right password and on another surface; /healthz stays open.
    for (path, header) in [
        ("/", guess(10)),
        ("/api/v1/deployments", basic(USER, PASSWORD)),
    ] {
        let (status, head, _) =
            request(app.port, "GET", path, &[("Authorization", &header)], b"").await;
        assert_eq!(status, 429, "{path}: {head}");
        let retry: u64 = head
            .lines()
            .find_map(|l| l.strip_prefix("retry-after: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no Retry-After: {head}"));
        assert!((1..=60).contains(&retry), "{retry}");
    }
    assert_eq!(
        upgrade(app.port, &[("Authorization", &basic(USER, PASSWORD))]).await,
        429
    );
    healthz_is_open(app.port).await;
    app.stop().await;
}

fn proxy(allowed: &str) -> AuthSettings {
    AuthSettings {
        trusted_proxies: parse_networks([allowed], "test").unwrap(),
        ..settings(AuthMode::Proxy)
    }
}

#[tokio::test]
async fn mode_proxy_takes_the_user_header_from_an_allowed_proxy() {
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn_with_auth(&db, billing(), proxy("127.0.0.1")).await;
    let port = app.port;
    check_surfaces(port, &[("X-Forwarded-User", USER)], Expect::Allowed).await;
    let refused = Expect::Refused(401, "bearer");
    check_surfaces(port, &[], refused).await;
    check_surfaces(port, &[("X-Forwarded-User", "")], refused).await;
    check_surfaces(port, &[("Authorization", &basic(USER, PASSWORD))], refused).await;
    let wrong = bearer("wrong");
    let (status, _, _) = request(port, "GET", "/metrics", &[("Authorization", &wrong)], b"").await;
    assert_eq!(status, 401);
    check_surfaces(
        port,
        &[("Authorization", &bearer(API_TOKEN))],
        Expect::Allowed,
    )
    .await;
    healthz_is_open(port).await;
    let (status, _) = db_write(port, &[("X-Forwarded-User", USER)]).await;
    assert_eq!(status, 401, "a /db write needs a token, proxy user or not");
    let headers = [
        ("X-Forwarded-User", USER),
        ("Authorization", &bearer(DB_TOKEN)),
    ];
    let (status, _) = db_write(port, &headers).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn mode_proxy_refuses_the_user_header_from_other_addresses() {
    let db = TestDb::new(Backend::Sqlite);
    // The allow-list names another address (never connected to): 127.0.0.1 is not a proxy.
    let app = TestApp::spawn_with_auth(&db, billing(), proxy("10.9.9.9")).await;
    let port = app.port;
    check_surfaces(
        port,
        &[("X-Forwarded-User", USER)],
        Expect::Refused(403, ""),
    )
    .await;
    app.stop().await;

    // A fresh server (the refusals above count as failures): scripts with a token still get
    // in directly, and nobody without one.
    let app = TestApp::spawn_with_auth(&db, billing(), proxy("10.9.9.9")).await;
    let port = app.port;
    check_surfaces(
        port,
        &[("Authorization", &bearer(API_TOKEN))],
        Expect::Allowed,
    )
    .await;
    check_surfaces(port, &[], Expect::Refused(401, "bearer")).await;
    let (status, _) = db_write(port, &[("Authorization", &bearer(DB_TOKEN))]).await;
    assert_eq!(status, 200);
    healthz_is_open(port).await;
    app.stop().await;
}

/// The binary, with no database or auth variables of the caller's.
fn stacktach() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_stacktach"));
    for var in [
        "DATABASE_URL",
        "STACKTACH_AUTH",
        "STACKTACH_USERS_FILE",
        "STACKTACH_TRUSTED_PROXIES",
        "STACKTACH_API_TOKENS",
        "STACKTACH_API_TOKENS_FILE",
        "STACKTACH_INSECURE",
        "STACKTACH_DB_API_TOKEN",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.kill_on_drop(true);
    cmd
}

/// `serve` arguments for a web-only server on an empty SQLite database in `dir`.
fn serve_args(dir: &Path, listen: &str) -> Vec<String> {
    let deployments = dir.join("deployments.json");
    std::fs::write(&deployments, r#"{"deployments": []}"#).unwrap();
    let db = format!("sqlite://{}", dir.join("st.db").display());
    [
        "serve",
        "--no-consumers",
        "--deployments",
        &deployments.display().to_string(),
        "--database-url",
        &db,
        "--listen",
        listen,
    ]
    .map(String::from)
    .to_vec()
}

/// Starts the binary and waits for the port it prints.
async fn start(cmd: &mut tokio::process::Command) -> (tokio::process::Child, u16) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("the server prints its address in time")
        .unwrap()
        .unwrap_or_default();
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (child, port)
}

/// `text` without the terminal colour codes the log is written with.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ parameters final-letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Stops the binary and returns what it logged (colour codes removed).
async fn stop(mut child: tokio::process::Child) -> String {
    child.start_kill().unwrap();
    let _ = child.wait().await;
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    strip_ansi(&stderr)
}

#[tokio::test]
async fn mode_none_refuses_to_serve_a_public_address_unless_insecure() {
    for listen in ["0.0.0.0:0", "[::]:0"] {
        let dir = tempfile::tempdir().unwrap();
        let out = stacktach()
            .args(serve_args(dir.path(), listen))
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{listen}");
        let stderr = strip_ansi(&String::from_utf8_lossy(&out.stderr));
        // One line, the last (the empty deployments file is warned about before).
        let expected = format!(
            "stacktach: refusing to serve {listen} without authentication: give --auth basic \
             or --auth proxy, or --insecure"
        );
        let last = stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with(&expected), "{stderr}");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = stacktach();
    cmd.args(serve_args(dir.path(), "0.0.0.0:0"))
        .arg("--insecure");
    let (child, port) = start(&mut cmd).await;
    healthz_is_open(port).await;
    let (status, _, _) = request(port, "GET", "/api/v1/deployments", &[], b"").await;
    assert_eq!(status, 200, "--insecure serves everyone");
    let log = stop(child).await;
    assert!(
        log.contains("Serving without authentication on a non-loopback address"),
        "{log}"
    );
}

/// `stacktach user add NAME --password-stdin` on `users`: what it printed (never the password).
async fn user_add(users: &Path, name: &str, password: &str) -> String {
    let mut child = stacktach()
        .args(["user", "add", name, "--users-file"])
        .arg(users)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = format!("{password}\n");
    stdin.write_all(line.as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let text = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(!text.contains(password), "{text}");
    text
}

/// `stacktach user …` on `users`: (success, stdout).
async fn user(users: &Path, args: &[&str]) -> (bool, String) {
    let out = stacktach()
        .arg("user")
        .args(args)
        .arg("--users-file")
        .arg(users)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), stdout)
}

#[tokio::test]
async fn user_command_writes_a_private_users_file() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users");
    let added = user_add(&users, USER, PASSWORD).await;
    assert!(added.starts_with("Added user alice in "), "{added}");
    let added = user_add(&users, "bob", "b0b-first-pw").await;
    assert!(added.starts_with("Added user bob"), "{added}");
    let changed = user_add(&users, "bob", "b0b-second-pw").await;
    assert!(
        changed.starts_with("Password changed for user bob"),
        "{changed}"
    );
    let file = std::fs::read_to_string(&users).unwrap();
    assert!(file.starts_with("alice:$argon2id$v=19$"), "{file}");
    assert_eq!(file.matches("\nbob:$argon2id$").count(), 1, "{file}");
    assert!(!file.contains(PASSWORD) && !file.contains("b0b-"), "{file}");
    let parsed = server::http::auth::Users::parse(&file, &users).unwrap();
    assert!(parsed.verify("bob", "b0b-second-pw") && !parsed.verify("bob", "b0b-first-pw"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&users).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(user(&users, &["list"]).await, (true, "alice\nbob\n".into()));
    assert!(user(&users, &["remove", "bob"]).await.0);
    assert!(!user(&users, &["remove", "bob"]).await.0, "no bob any more");
    assert_eq!(user(&users, &["list"]).await, (true, "alice\n".into()));
}

/// A GET with these credentials: the status.
async fn status_with(port: u16, path: &str, authorization: &str) -> u16 {
    let headers = [("Authorization", authorization)];
    request(port, "GET", path, &headers, b"").await.0
}

#[tokio::test]
async fn failed_attempts_are_logged_without_secrets_and_new_users_apply_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users");
    user_add(&users, USER, PASSWORD).await;
    let tokens = dir.path().join("tokens");
    std::fs::write(&tokens, format!("# scripts\n{API_TOKEN}\n")).unwrap();
    let mut cmd = stacktach();
    cmd.args(serve_args(dir.path(), "127.0.0.1:0"))
        .args(["--auth", "basic", "--users-file"])
        .arg(&users)
        .arg("--api-tokens-file")
        .arg(&tokens);
    let (child, port) = start(&mut cmd).await;
    let wrong_password = "wr0ng-passw0rd-7731";
    let wrong_token = "wr0ng-t0ken-4410";
    let attempts = [
        basic(USER, wrong_password),
        basic("bob", "b0b-pw-5521"),
        bearer(wrong_token),
    ];
    for header in &attempts {
        assert_eq!(status_with(port, "/api/v1/deployments", header).await, 401);
    }
    assert_eq!(status_with(port, "/metrics", &bearer(API_TOKEN)).await, 200);
    assert_eq!(status_with(port, "/", &basic(USER, PASSWORD)).await, 200);
    // A user added while serving gets in without a restart (the file is looked at each second).
    user_add(&users, "bob", "b0b-pw-5521").await;
    let bob = basic("bob", "b0b-pw-5521");
    crate::helpers::eventually(10, "bob let in", || async {
        status_with(port, "/", &bob).await == 200
    })
    .await;
    let log = stop(child).await;
    for line in [
        "Authentication failed: wrong user name or password.",
        "user=\"alice\"",
        "user=\"bob\"",
        "Authentication failed: wrong bearer token.",
        "client=127.0.0.1",
        "Users file re-read.",
    ] {
        assert!(log.contains(line), "{line} not in:\n{log}");
    }
    for secret in [
        wrong_password,
        "b0b-pw-5521",
        wrong_token,
        API_TOKEN,
        PASSWORD,
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    for header in &attempts {
        let encoded = header.split(' ').nth(1).unwrap();
        assert!(!log.contains(encoded), "a credential in the log:\n{log}");
    }
}
