//! [`DatabaseUrl`] never prints a password: its redaction of every URL form (userinfo,
//! `?password=`, text that is no URL), and no error of [`resolve_database_url`] quotes
//! `STACKTACH_DB_PASSWORD`.

use super::support::env_of;
use crate::config::{redact_url, resolve_database_url, DatabaseUrl};

#[test]
fn redacts_the_password_of_every_form() {
    let cases = [
        ("postgres://u:SECRET@h/db", "postgres://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("sqlite://stacktach.db", "sqlite://stacktach.db"),
        ("sqlite:", "sqlite:"),
        (
            "mysql://root:p@ss/w?rd@h:3306/db",
            "mysql://root:***@h:3306/db",
        ),
        ("postgres://:SECRET@h/db", "postgres://:***@h/db"),
        (
            "postgres://u@h/db?sslmode=disable&password=SECRET",
            "postgres://u@h/db?sslmode=disable&password=***",
        ),
        (
            "postgres://u@h/db?PASSWORD=SECRET",
            "postgres://u@h/db?PASSWORD=***",
        ),
        (
            "postgres://u@h/db?sslpassword=SECRET&x=1",
            "postgres://u@h/db?sslpassword=***&x=1",
        ),
        (
            "mariadb://st:SECRET@db:3306/st?socket=%2frun%2fmysqld%2fmysqld.sock",
            "mariadb://st:***@db:3306/st?socket=%2frun%2fmysqld%2fmysqld.sock",
        ),
        (
            "mysql://u:SECRET@h:notaport/db",
            "mysql://u:***@h:notaport/db",
        ),
        ("u:SECRET@h/db", "***@h/db"),
        ("SECRET@h", "***@h"),
        ("u:SECRET@h://x@y", "***@y"),
    ];
    for (url, redacted) in cases {
        assert_eq!(redact_url(url), redacted, "{url}");
        let url = DatabaseUrl::from(url);
        assert_eq!(url.to_string(), redacted);
        assert_eq!(format!("{url:?}"), format!("{redacted:?}"));
        assert_eq!(url.has_secret(), redacted.contains("***"));
    }
}

#[test]
fn parsing_never_fails_and_exposes_the_url_whole() {
    let url: DatabaseUrl = "postgres://u:SECRET@h/db".parse().expect("infallible");
    assert_eq!(url.expose(), "postgres://u:SECRET@h/db");
    assert_eq!(url.redacted(), "postgres://u:***@h/db");
}

#[test]
fn scheme_names_the_backend_only() {
    let cases = [
        ("sqlite:", "sqlite"),
        ("sqlite://st.db", "sqlite"),
        ("SQLite:st.db", "sqlite"),
        ("postgres://u:SECRET@h/db", "postgres"),
        ("mysql://root@127.0.0.1:3306/mysql", "mysql"),
        ("MariaDB://h/db", "mariadb"),
        ("u:SECRET@h/db", ""),
        ("mysql:SECRET@h", ""),
        ("://h/db", ""),
        ("stacktach.db", ""),
    ];
    for (url, scheme) in cases {
        assert_eq!(DatabaseUrl::from(url).scheme(), scheme, "{url}");
    }
}

#[test]
fn resolved_urls_print_without_the_v2_password() {
    let url = resolve_database_url(
        None,
        env_of(&[
            ("STACKTACH_DB_ENGINE", "django.db.backends.postgresql"),
            ("STACKTACH_DB_NAME", "st"),
            ("STACKTACH_DB_USERNAME", "st"),
            ("STACKTACH_DB_PASSWORD", "SE@CRET/x"),
        ]),
    )
    .expect("resolves");
    assert_eq!(url.expose(), "postgres://st:SE%40CRET%2fx@localhost/st");
    assert_eq!(url.to_string(), "postgres://st:***@localhost/st");
    assert!(!format!("{url:?}").contains("SE"));
    let url = resolve_database_url(
        None,
        env_of(&[
            ("STACKTACH_DB_NAME", "st"),
            ("STACKTACH_DB_HOST", "/run/mysqld/mysqld.sock"),
            ("STACKTACH_DB_USERNAME", "st"),
            ("STACKTACH_DB_PASSWORD", "SECRET"),
        ]),
    )
    .expect("resolves");
    assert_eq!(
        url.to_string(),
        "mysql://st:***@localhost/st?socket=%2frun%2fmysqld%2fmysqld.sock"
    );
    assert!(!format!("{url:?}").contains("SECRET"));
}

/// One case per error `resolve_database_url` has (engine, name, port), each with a password.
#[test]
fn no_resolution_error_quotes_the_password() {
    let password = ("STACKTACH_DB_PASSWORD", "SECRET");
    let user = ("STACKTACH_DB_USERNAME", "st");
    let failing: [&[(&str, &str)]; 3] = [
        &[
            ("STACKTACH_DB_ENGINE", "django.db.backends.oracle"),
            ("STACKTACH_DB_NAME", "st"),
            user,
            password,
        ],
        &[("STACKTACH_DB_HOST", "db"), user, password],
        &[
            ("STACKTACH_DB_NAME", "st"),
            ("STACKTACH_DB_PORT", "x"),
            password,
        ],
    ];
    for pairs in failing {
        let e = resolve_database_url(None, env_of(pairs)).expect_err("bad settings");
        let (display, debug) = (e.to_string(), format!("{e:?}"));
        assert!(!display.contains("SECRET"), "{display}");
        assert!(!debug.contains("SECRET"), "{debug}");
    }
}
