//! Where the configuration comes from: the deployments file's path (flag, environment,
//! default) and the database URL (flag, `DATABASE_URL`, v2's `STACKTACH_DB_*`, default).

use std::path::PathBuf;

use super::support::env_of;
use crate::config::{
    resolve_database_url, resolve_deployments_path, DatabaseUrl, DEFAULT_DATABASE_URL,
    DEFAULT_DEPLOYMENTS_FILE,
};

#[test]
fn deployments_path_precedence() {
    let cli = Some(PathBuf::from("cli.json"));
    let env = Some("env.json".to_owned());
    assert_eq!(
        resolve_deployments_path(cli, env.clone()),
        PathBuf::from("cli.json")
    );
    assert_eq!(
        resolve_deployments_path(None, env),
        PathBuf::from("env.json")
    );
    assert_eq!(
        resolve_deployments_path(None, Some(String::new())),
        PathBuf::from(DEFAULT_DEPLOYMENTS_FILE)
    );
    assert_eq!(
        resolve_deployments_path(None, None),
        PathBuf::from("etc/stacktach_worker_config.json")
    );
}

#[test]
fn database_url_precedence() {
    let env = env_of(&[
        ("DATABASE_URL", "postgres://env/db"),
        ("STACKTACH_DB_ENGINE", "django.db.backends.sqlite3"),
        ("STACKTACH_DB_NAME", "v2.db"),
    ]);
    let resolve = |cli: Option<&str>, env: &dyn Fn(&str) -> Option<String>| {
        let url = resolve_database_url(cli.map(DatabaseUrl::from), env).expect("resolves");
        url.expose().to_owned()
    };
    assert_eq!(resolve(Some("sqlite://cli.db"), &env), "sqlite://cli.db");
    assert_eq!(resolve(None, &env), "postgres://env/db");
    let v2_only = env_of(&[
        ("STACKTACH_DB_ENGINE", "django.db.backends.sqlite3"),
        ("STACKTACH_DB_NAME", "v2.db"),
    ]);
    assert_eq!(resolve(None, &v2_only), "sqlite://v2.db");
    assert_eq!(resolve(None, &env_of(&[])), "sqlite://stacktach.db");
    assert_eq!(
        resolve(
            None,
            &env_of(&[("DATABASE_URL", ""), ("STACKTACH_DB_HOST", "")])
        ),
        DEFAULT_DATABASE_URL
    );
}

#[test]
fn database_url_from_v2_variables() {
    let url = |pairs: &[(&str, &str)]| {
        resolve_database_url(None, env_of(pairs)).map(|url| url.expose().to_owned())
    };
    assert_eq!(
        url(&[
            (
                "STACKTACH_DB_ENGINE",
                "django.db.backends.postgresql_psycopg2"
            ),
            ("STACKTACH_DB_NAME", "stacktach"),
            ("STACKTACH_DB_HOST", "db.example.com"),
            ("STACKTACH_DB_PORT", "5433"),
            ("STACKTACH_DB_USERNAME", "st@ck"),
            ("STACKTACH_DB_PASSWORD", "p:w/d@#"),
        ])
        .expect("postgres"),
        "postgres://st%40ck:p%3aw%2fd%40%23@db.example.com:5433/stacktach"
    );
    assert_eq!(
        url(&[
            ("STACKTACH_DB_ENGINE", "django.db.backends.postgresql"),
            ("STACKTACH_DB_NAME", "st"),
        ])
        .expect("postgres without credentials"),
        "postgres://localhost/st"
    );
    // v2's default engine is MySQL.
    assert_eq!(
        url(&[
            ("STACKTACH_DB_NAME", "stacktach"),
            ("STACKTACH_DB_USERNAME", "root"),
            ("STACKTACH_DB_PASSWORD", "pw"),
        ])
        .expect("mysql"),
        "mysql://root:pw@localhost/stacktach"
    );
    assert_eq!(
        url(&[
            ("STACKTACH_DB_ENGINE", "django.db.backends.sqlite3"),
            ("STACKTACH_DB_NAME", "/var/lib/stacktach/st.db"),
        ])
        .expect("sqlite"),
        "sqlite:///var/lib/stacktach/st.db"
    );
    assert_eq!(
        url(&[
            ("STACKTACH_DB_ENGINE", "django.db.backends.postgresql"),
            ("STACKTACH_DB_NAME", "st"),
            ("STACKTACH_DB_HOST", "/var/run/postgresql"),
            ("STACKTACH_DB_USERNAME", "st"),
        ])
        .expect("postgres over a Unix socket"),
        "postgres://st@localhost/st?host=%2fvar%2frun%2fpostgresql"
    );
}

/// v2's MySQL settings as v2 deployments write them: the engine explicit or left to v2's
/// default, Oracle's connector engine, a port, and a host that is the socket file.
#[test]
fn mysql_url_from_v2_variables() {
    let url = |pairs: &[(&str, &str)]| {
        resolve_database_url(None, env_of(pairs)).map(|url| url.expose().to_owned())
    };
    let base = [
        ("STACKTACH_DB_NAME", "stacktach"),
        ("STACKTACH_DB_HOST", "127.0.0.1"),
        ("STACKTACH_DB_PORT", "3306"),
        ("STACKTACH_DB_USERNAME", "root"),
    ];
    for engine in ["django.db.backends.mysql", "mysql.connector.django"] {
        let with_engine = [&base[..], &[("STACKTACH_DB_ENGINE", engine)]].concat();
        assert_eq!(
            url(&with_engine).expect("mysql"),
            "mysql://root@127.0.0.1:3306/stacktach",
            "{engine}"
        );
    }
    assert_eq!(
        url(&base).expect("v2's default engine"),
        "mysql://root@127.0.0.1:3306/stacktach"
    );
    assert_eq!(
        url(&[
            ("STACKTACH_DB_NAME", "st"),
            ("STACKTACH_DB_HOST", "/run/mysqld/mysqld.sock"),
            ("STACKTACH_DB_USERNAME", "st"),
            ("STACKTACH_DB_PASSWORD", "pw"),
        ])
        .expect("mysql over a Unix socket"),
        "mysql://st:pw@localhost/st?socket=%2frun%2fmysqld%2fmysqld.sock"
    );
}

#[test]
fn database_url_errors_are_one_line() {
    let err = |pairs: &[(&str, &str)]| {
        resolve_database_url(None, env_of(pairs))
            .expect_err("bad settings")
            .to_string()
    };
    assert_eq!(
        err(&[
            ("STACKTACH_DB_ENGINE", "django.db.backends.oracle"),
            ("STACKTACH_DB_NAME", "st"),
        ]),
        "environment variable STACKTACH_DB_ENGINE: unsupported engine \
         \"django.db.backends.oracle\" (expected django.db.backends.sqlite3, postgresql, \
         postgresql_psycopg2 or mysql, or mysql.connector.django)"
    );
    assert_eq!(
        err(&[("STACKTACH_DB_HOST", "db")]),
        "environment variable STACKTACH_DB_NAME: required when other STACKTACH_DB_* \
         variables are set"
    );
    assert_eq!(
        err(&[("STACKTACH_DB_NAME", "st"), ("STACKTACH_DB_PORT", "mysql")]),
        r#"environment variable STACKTACH_DB_PORT: expected an integer 0-65535, found "mysql""#
    );
}
