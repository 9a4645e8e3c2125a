//! A deployment's AMQP URI (percent-encoding, TLS, heartbeat, IPv6, lapin's reading of it)
//! and the password's redaction in `Debug`, `Display` and the redacted URI.

use super::support::parse_ok;
use crate::config::{DeploymentConfig, Secret};

#[test]
fn debug_never_shows_the_password() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "topics": {}, "rabbit_password": "hunter2-s3cret"}]}"#,
    );
    let d = &file.deployments[0];
    assert_eq!(d.rabbit_password.expose(), "hunter2-s3cret");
    for shown in [format!("{d:?}"), format!("{d:#?}"), format!("{file:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    assert_eq!(d.rabbit_password.to_string(), "***");
    assert!(!d.redacted_uri().contains("hunter2"));
}

#[test]
fn amqp_uri_encodes_vhost_user_and_password() {
    let mut d = DeploymentConfig::with_defaults("a");
    assert_eq!(d.amqp_uri(), "amqp://rabbit:rabbit@localhost:5672/%2f");
    d.rabbit_userid = "st user".to_owned();
    d.rabbit_password = Secret::new("p@ss:w/rd%#?");
    d.rabbit_virtual_host = "nova/cell1".to_owned();
    assert_eq!(
        d.amqp_uri(),
        "amqp://st%20user:p%40ss%3aw%2frd%25%23%3f@localhost:5672/nova%2fcell1"
    );
    assert_eq!(
        d.redacted_uri(),
        "amqp://st%20user:***@localhost:5672/nova%2fcell1"
    );
}

#[test]
fn amqp_uri_tls_heartbeat_and_ipv6() {
    let d = DeploymentConfig {
        rabbit_tls: true,
        heartbeat_seconds: Some(15),
        rabbit_host: "::1".to_owned(),
        rabbit_port: 5671,
        rabbit_virtual_host: String::new(),
        ..DeploymentConfig::with_defaults("a")
    };
    assert_eq!(
        d.amqp_uri(),
        "amqps://rabbit:rabbit@[::1]:5671/?heartbeat=15"
    );
}

#[test]
fn amqp_uri_round_trips_through_lapin() {
    let d = DeploymentConfig {
        rabbit_host: "rabbit.example.com".to_owned(),
        rabbit_port: 5671,
        rabbit_userid: "st user".to_owned(),
        rabbit_password: Secret::new("p@ss:w/rd%#?"),
        rabbit_virtual_host: "nova/cell1".to_owned(),
        rabbit_tls: true,
        heartbeat_seconds: Some(15),
        ..DeploymentConfig::with_defaults("a")
    };
    let uri: lapin::uri::AMQPUri = d.amqp_uri().parse().expect("lapin parses it");
    assert_eq!(uri.scheme, lapin::uri::AMQPScheme::AMQPS);
    assert_eq!(uri.authority.userinfo.username, "st user");
    assert_eq!(uri.authority.userinfo.password, "p@ss:w/rd%#?");
    assert_eq!(uri.authority.host, "rabbit.example.com");
    assert_eq!(uri.authority.port, 5671);
    assert_eq!(uri.vhost, "nova/cell1");
    assert_eq!(uri.query.heartbeat, Some(15));
    let default: lapin::uri::AMQPUri = DeploymentConfig::with_defaults("b")
        .amqp_uri()
        .parse()
        .expect("lapin parses the default");
    assert_eq!(default.vhost, "/");
}
