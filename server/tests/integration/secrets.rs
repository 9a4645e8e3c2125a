//! No database password reaches the terminal: the binary's errors, its output and `--help` with
//! a password in `DATABASE_URL` or `STACKTACH_DB_PASSWORD`, and the errors the store, PostgreSQL
//! and MariaDB return for a URL that carries one: unsupported, malformed, unreachable, refused.
//! This machine's PostgreSQL trusts local connections, so a wrong password cannot fail there (an
//! unknown role and an unknown database are its errors that can); on MariaDB the tests use a
//! wrong password, and a user of their own whose password is `SECRET`, which also shows v2's
//! `STACKTACH_DB_*` variables leading to a working `mysql://` URL.

use std::process::{Command, Output};

use server::store::Store;
use sqlx::Connection;

use crate::helpers::unique;

/// Runs the binary with only the given database variables set.
fn stacktach(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stacktach"));
    cmd.args(args);
    for var in [
        "DATABASE_URL",
        "STACKTACH_DB_ENGINE",
        "STACKTACH_DB_NAME",
        "STACKTACH_DB_HOST",
        "STACKTACH_DB_PORT",
        "STACKTACH_DB_USERNAME",
        "STACKTACH_DB_PASSWORD",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("the binary runs")
}

/// stdout and stderr, asserting neither holds the password.
fn assert_no_secret(out: &Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stdout.contains("SECRET"), "stdout: {stdout}");
    assert!(!stderr.contains("SECRET"), "stderr: {stderr}");
    (stdout, stderr)
}

/// The error `Store::connect(url)` fails with, shown, asserting that neither it nor its
/// `Debug` holds the password.
async fn connect_error(url: &str) -> String {
    let e = Store::connect(url).await.expect_err("the store refuses");
    let (display, debug) = (e.to_string(), format!("{e:?}"));
    assert!(!display.contains("SECRET"), "{display}");
    assert!(!debug.contains("SECRET"), "{debug}");
    display
}

/// `stacktach migrate` with `DATABASE_URL=url`: it fails, printing nothing of the password.
fn migrate_fails_quietly(url: &str) -> String {
    let out = stacktach(&["migrate"], &[("DATABASE_URL", url)]);
    assert!(!out.status.success(), "{url}");
    let (_, stderr) = assert_no_secret(&out);
    assert!(
        stderr.starts_with("stacktach: cannot open the database "),
        "{stderr}"
    );
    stderr
}

#[test]
fn an_unsupported_url_fails_without_printing_its_password() {
    let stderr = migrate_fails_quietly("oracle://u:SECRET@127.0.0.1/db");
    assert!(
        stderr.starts_with(
            "stacktach: cannot open the database oracle://u:***@127.0.0.1/db: unsupported \
             database URL scheme \"oracle\" (expected "
        ),
        "{stderr}"
    );
    assert!(stderr.contains("mysql://"), "{stderr}");
}

#[tokio::test]
async fn malformed_urls_fail_without_printing_their_password() {
    for url in [
        "mysql://u:SECRET@h:notaport/db",
        "mariadb://u:SECRET@h:notaport/db",
        "mysql://u:SECRET@[::1/db",
        "postgres://u:SECRET@[::1/db",
        "postgres://u:SECRET@h:notaport/db",
    ] {
        connect_error(url).await;
        let stderr = migrate_fails_quietly(url);
        assert!(stderr.contains("u:***@"), "{stderr}");
    }
}

/// MySQL only: a PostgreSQL pool retries a refused connection for its acquire timeout (10 s),
/// and `FreshDb`'s unit test covers that URL through a direct connection.
#[tokio::test]
async fn unreachable_servers_fail_without_printing_the_password() {
    for url in [
        "mysql://u:SECRET@127.0.0.1:1/db",
        "mariadb://u:SECRET@127.0.0.1:1/db",
    ] {
        connect_error(url).await;
        migrate_fails_quietly(url);
    }
}

#[test]
fn v2_variables_fail_without_printing_the_password() {
    // v2's default engine (MySQL: no user `st` on this machine), and an engine that does not
    // exist.
    for engine in [None, Some("django.db.backends.oracle")] {
        let mut env = vec![
            ("STACKTACH_DB_NAME", "st"),
            ("STACKTACH_DB_USERNAME", "st"),
            ("STACKTACH_DB_PASSWORD", "SECRET"),
        ];
        env.extend(engine.map(|e| ("STACKTACH_DB_ENGINE", e)));
        let out = stacktach(&["migrate"], &env);
        assert!(!out.status.success());
        let (_, stderr) = assert_no_secret(&out);
        assert!(stderr.starts_with("stacktach: "), "{stderr}");
    }
}

#[test]
fn help_hides_the_database_url_value() {
    for url in [
        "oracle://u:SECRET@127.0.0.1/db",
        "mysql://u:SECRET@h/db",
        "mariadb://u:SECRET@h:3306/db",
    ] {
        for command in ["serve", "worker", "migrate", "import", "bench-queries"] {
            let env = [("DATABASE_URL", url), ("STACKTACH_DB_PASSWORD", "SECRET")];
            let out = stacktach(&[command, "--help"], &env);
            assert!(out.status.success(), "{command} --help");
            let (stdout, _) = assert_no_secret(&out);
            assert!(stdout.contains("DATABASE_URL"), "{stdout}");
        }
    }
}

#[tokio::test]
async fn server_errors_do_not_carry_the_password() {
    for url in [
        "postgres://no_such_role_st:SECRET@127.0.0.1:5432/postgres",
        "postgres://postgres:SECRET@127.0.0.1:5432/no_such_database_st",
        "postgres://postgres@127.0.0.1:5432/no_such_database_st?password=SECRET",
    ] {
        let display = connect_error(url).await;
        assert!(display.contains("does not exist"), "{display}");
    }
}

/// The MySQL/MariaDB server of the tests (`STACKTACH_TEST_MYSQL_URL`, default
/// `mysql://root@127.0.0.1:3306`): its admin URL, host, port and admin user.
struct MySqlServer {
    admin: String,
    host: String,
    port: String,
    user: String,
}

impl MySqlServer {
    fn from_env() -> Self {
        let base = std::env::var("STACKTACH_TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        let base = base.trim_end_matches('/');
        let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("root", authority));
        let user = userinfo.split(':').next().unwrap_or("root");
        let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
        Self {
            admin: format!("{base}/mysql"),
            host: host.into(),
            port: port.into(),
            user: user.into(),
        }
    }

    /// `scheme://user:password@host:port/db`.
    fn url(&self, scheme: &str, user: &str, password: &str, db: &str) -> String {
        format!(
            "{scheme}://{user}:{password}@{}:{}/{db}",
            self.host, self.port
        )
    }

    /// Runs `sql` (statements separated by `;`) as the admin user.
    async fn admin(&self, sql: &str) {
        let mut conn = sqlx::MySqlConnection::connect(&self.admin)
            .await
            .expect("the MariaDB admin connects");
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = conn.close().await;
    }
}

#[tokio::test]
async fn mariadb_refuses_a_wrong_password_without_echoing_it() {
    let server = MySqlServer::from_env();
    for url in [
        server.url("mysql", &server.user, "SECRET", "mysql"),
        server.url("mariadb", "no_such_user_st", "SECRET", "mysql"),
    ] {
        let display = connect_error(&url).await;
        assert!(display.contains("Access denied"), "{display}");
        let stderr = migrate_fails_quietly(&url);
        assert!(stderr.contains("Access denied"), "{stderr}");
    }
    let v2 = [
        ("STACKTACH_DB_NAME", "mysql"),
        ("STACKTACH_DB_HOST", server.host.as_str()),
        ("STACKTACH_DB_PORT", server.port.as_str()),
        ("STACKTACH_DB_USERNAME", server.user.as_str()),
        ("STACKTACH_DB_PASSWORD", "SECRET"),
    ];
    let out = stacktach(&["migrate"], &v2);
    assert!(!out.status.success());
    let (_, stderr) = assert_no_secret(&out);
    assert!(stderr.contains("Access denied"), "{stderr}");
}

/// A user of the test's own, password `SECRET`, owning a fresh database; both dropped with the
/// value (from a thread of its own: `Drop` cannot await).
struct PasswordUser {
    admin: String,
    user: String,
    db: String,
}

impl PasswordUser {
    async fn create(server: &MySqlServer) -> Self {
        let id = unique();
        let (user, db) = (format!("st_pw_{id}"), format!("st_test_{id}"));
        server
            .admin(&format!(
                "CREATE DATABASE {db} CHARACTER SET utf8mb4; \
                 CREATE USER '{user}'@'%' IDENTIFIED BY 'SECRET'; \
                 GRANT ALL PRIVILEGES ON {db}.* TO '{user}'@'%'"
            ))
            .await;
        Self {
            admin: server.admin.clone(),
            user,
            db,
        }
    }
}

impl Drop for PasswordUser {
    fn drop(&mut self) {
        let (admin, user, db) = (self.admin.clone(), self.user.clone(), self.db.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let mut conn = sqlx::MySqlConnection::connect(&admin).await?;
                let kill: Vec<i64> = sqlx::query_scalar(
                    "SELECT CAST(id AS SIGNED) FROM information_schema.PROCESSLIST \
                     WHERE user = ? AND id <> CONNECTION_ID()",
                )
                .bind(&user)
                .fetch_all(&mut conn)
                .await?;
                for id in kill {
                    let _ = sqlx::raw_sql(&format!("KILL {id}"))
                        .execute(&mut conn)
                        .await;
                }
                let sql = format!(
                    "SET SESSION lock_wait_timeout = 10; DROP DATABASE IF EXISTS {db}; \
                     DROP USER IF EXISTS '{user}'@'%'"
                );
                sqlx::raw_sql(&sql).execute(&mut conn).await.map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test's MariaDB user and database: {dropped:?}");
        }
    }
}

/// v2's variables, engine unset (v2's default, MySQL), `django.db.backends.mysql` or Oracle's
/// connector, lead to a working `mysql://` URL that the binary prints without the password;
/// over TCP, and over the Unix socket when the server has the usual one. An unknown database
/// with the right password is refused without it too.
#[tokio::test]
async fn mariadb_works_from_v2_variables_and_prints_no_password() {
    let server = MySqlServer::from_env();
    let owner = PasswordUser::create(&server).await;
    let display = connect_error(&server.url("mysql", &owner.user, "SECRET", "no_such_db_st")).await;
    assert!(display.contains(&owner.user), "{display}");
    let tcp = [
        ("STACKTACH_DB_NAME", owner.db.as_str()),
        ("STACKTACH_DB_HOST", server.host.as_str()),
        ("STACKTACH_DB_PORT", server.port.as_str()),
        ("STACKTACH_DB_USERNAME", owner.user.as_str()),
        ("STACKTACH_DB_PASSWORD", "SECRET"),
    ];
    let shown = format!(
        "Database mysql://{}:***@{}:{}/{} is up to date.",
        owner.user, server.host, server.port, owner.db
    );
    for engine in [
        None,
        Some("django.db.backends.mysql"),
        Some("mysql.connector.django"),
    ] {
        let mut env = tcp.to_vec();
        env.extend(engine.map(|e| ("STACKTACH_DB_ENGINE", e)));
        let out = stacktach(&["migrate"], &env);
        let (stdout, stderr) = assert_no_secret(&out);
        assert!(out.status.success(), "{engine:?}: {stderr}");
        assert_eq!(stdout.trim(), shown);
    }
    let socket = "/run/mysqld/mysqld.sock";
    if ["127.0.0.1", "localhost"].contains(&server.host.as_str())
        && std::path::Path::new(socket).exists()
    {
        let mut env = tcp.to_vec();
        env.retain(|(var, _)| !matches!(*var, "STACKTACH_DB_HOST" | "STACKTACH_DB_PORT"));
        env.push(("STACKTACH_DB_HOST", socket));
        let out = stacktach(&["migrate"], &env);
        let (stdout, stderr) = assert_no_secret(&out);
        assert!(out.status.success(), "over {socket}: {stderr}");
        assert!(
            stdout.contains("?socket=%2frun%2fmysqld%2fmysqld.sock"),
            "{stdout}"
        );
    }
}
