//! No database password reaches the terminal: the binary's errors and `--help` with a password
//! in `DATABASE_URL` or `STACKTACH_DB_PASSWORD`, and the errors PostgreSQL itself returns for
//! a URL that carries one. (This machine's PostgreSQL trusts local connections, so a wrong
//! password cannot fail here; an unknown role and an unknown database are the server's
//! errors that can.)

use std::process::{Command, Output};

use server::store::Store;

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

#[test]
fn an_unsupported_url_fails_without_printing_its_password() {
    let out = stacktach(
        &["migrate"],
        &[("DATABASE_URL", "oracle://u:SECRET@127.0.0.1/db")],
    );
    assert!(!out.status.success());
    let (_, stderr) = assert_no_secret(&out);
    assert_eq!(
        stderr.trim(),
        "stacktach: cannot open the database oracle://u:***@127.0.0.1/db: unsupported database \
         URL scheme \"oracle\" (expected sqlite://… or postgres://…)"
    );
}

#[test]
fn v2_variables_fail_without_printing_the_password() {
    // v2's default engine (MySQL), and an engine that does not exist.
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
    let out = stacktach(
        &["serve", "--help"],
        &[("DATABASE_URL", "oracle://u:SECRET@127.0.0.1/db")],
    );
    assert!(out.status.success());
    let (stdout, _) = assert_no_secret(&out);
    assert!(stdout.contains("DATABASE_URL"), "{stdout}");
}

#[tokio::test]
async fn server_errors_do_not_carry_the_password() {
    for url in [
        "postgres://no_such_role_st:SECRET@127.0.0.1:5432/postgres",
        "postgres://postgres:SECRET@127.0.0.1:5432/no_such_database_st",
        "postgres://postgres@127.0.0.1:5432/no_such_database_st?password=SECRET",
    ] {
        let e = Store::connect(url).await.expect_err("the server refuses");
        let (display, debug) = (e.to_string(), format!("{e:?}"));
        assert!(display.contains("does not exist"), "{display}");
        assert!(!display.contains("SECRET"), "{display}");
        assert!(!debug.contains("SECRET"), "{debug}");
    }
}
