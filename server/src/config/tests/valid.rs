//! Files that load: v2's defaults, `workers`, warnings (unknown, ignored and duplicate keys,
//! empty lists) with their key paths, file order, and the newer optional keys.

use std::time::Duration;

use serde_json::Value;

use super::support::parse_ok;
use crate::config::message::key_path;
use crate::config::{
    DeploymentConfig, ExchangeTopics, DEFAULT_PREFETCH, DEFAULT_PROCESS_TIMEOUT_SECS,
};

#[test]
fn defaults_are_applied() {
    let file = parse_ok(r#"{"deployments": [{"name": "a", "topics": {"nova": []}}]}"#);
    assert_eq!(
        file.process_timeout,
        Duration::from_secs(DEFAULT_PROCESS_TIMEOUT_SECS)
    );
    let d = &file.deployments[0];
    let expected = DeploymentConfig {
        topics: vec![ExchangeTopics {
            exchange: "nova".to_owned(),
            bindings: vec![],
        }],
        ..DeploymentConfig::with_defaults("a")
    };
    assert_eq!(format!("{d:?}"), format!("{expected:?}"));
    assert!(d.enabled && d.durable_queue && !d.exit_on_exception && !d.rabbit_tls);
    assert_eq!(
        (
            d.rabbit_host.as_str(),
            d.rabbit_port,
            d.rabbit_userid.as_str()
        ),
        ("localhost", 5672, "rabbit")
    );
    assert_eq!(d.rabbit_password.expose(), "rabbit");
    assert_eq!(d.rabbit_virtual_host, "/");
    assert_eq!(d.prefetch, DEFAULT_PREFETCH);
    assert_eq!(d.heartbeat_seconds, None);
    assert_eq!(
        file.warnings,
        [
            r#"etc/x.json: deployments[0].topics.nova: exchange "nova" has no queues; nothing is consumed from it"#
        ]
    );
}

#[test]
fn workers_process_timeout_is_read() {
    let file = parse_ok(r#"{"workers": {"process_timeout": 90}, "deployments": []}"#);
    assert_eq!(file.process_timeout, Duration::from_secs(90));
    let file = parse_ok(r#"{"workers": {"process_timeout": 1.5}, "deployments": []}"#);
    assert_eq!(file.process_timeout, Duration::from_millis(1500));
    let file = parse_ok(r#"{"workers": {}, "deployments": []}"#);
    assert_eq!(file.process_timeout, Duration::from_secs(600));
}

#[test]
fn ignored_v2_keys_are_accepted_without_warning() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "queue_name": "stacktach",
            "queue_name_prefix": "st_", "services": ["nova", "glance"],
            "topics": {"nova": [{"queue": "q", "routing_key": "k"}]}}]}"#,
    );
    assert_eq!(file.warnings, Vec::<String>::new());
}

#[test]
fn unknown_keys_warn_with_their_key_path() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "rabbit_hots": "h", "colour": "blue",
            "topics": {"nova": [{"queue": "q", "routing_key": "k", "x": 1}]}}],
            "extra": true, "workers": {"procs": 3}}"#,
    );
    assert_eq!(
        file.warnings,
        [
            "etc/x.json: extra: unknown key ignored",
            r#"etc/x.json: deployments[0].rabbit_hots: unknown key ignored (did you mean "rabbit_host"?)"#,
            "etc/x.json: deployments[0].colour: unknown key ignored",
            "etc/x.json: deployments[0].topics.nova[0].x: unknown key ignored",
            "etc/x.json: workers.procs: unknown key ignored",
        ]
    );
    assert_eq!(file.deployments[0].rabbit_host, "localhost");
}

#[test]
fn deployment_without_topics_is_valid_but_warns() {
    let file = parse_ok(r#"{"deployments": [{"name": "a"}, {"name": "b", "topics": {}}]}"#);
    assert_eq!(file.deployments.len(), 2);
    assert!(file.deployments.iter().all(|d| d.topics.is_empty()));
    assert_eq!(
        file.warnings,
        [
            r#"etc/x.json: deployments[0].topics: deployment "a" has no topics; it will consume nothing"#,
            r#"etc/x.json: deployments[1].topics: deployment "b" has no topics; it will consume nothing"#,
        ]
    );
}

#[test]
fn empty_deployments_list_warns() {
    let file = parse_ok(r#"{"deployments": []}"#);
    assert_eq!(
        file.warnings,
        ["etc/x.json: deployments: the list is empty; no consumers will run"]
    );
}

#[test]
fn topics_keep_file_order() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "topics": {
            "zeta": [{"queue": "z2", "routing_key": "k"}, {"queue": "z1", "routing_key": "k"}],
            "alpha": [{"queue": "a", "routing_key": "k"}],
            "openstack.notifications": [{"queue": "o", "routing_key": ""}]}}]}"#,
    );
    let topics = &file.deployments[0].topics;
    let exchanges: Vec<_> = topics.iter().map(|t| t.exchange.as_str()).collect();
    assert_eq!(exchanges, ["zeta", "alpha", "openstack.notifications"]);
    let queues: Vec<_> = topics[0]
        .bindings
        .iter()
        .map(|b| b.queue.as_str())
        .collect();
    assert_eq!(queues, ["z2", "z1"]);
    assert_eq!(topics[2].bindings[0].routing_key, "");
}

#[test]
fn duplicate_json_keys_warn_and_the_last_value_wins() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "topics": {}, "rabbit_port": 1, "rabbit_port": 2}]}"#,
    );
    assert_eq!(file.deployments[0].rabbit_port, 2);
    assert!(file.warnings.contains(
        &"etc/x.json: deployments[0].rabbit_port: duplicate key; the last value is used".to_owned()
    ));
}

#[test]
fn queue_arguments_pass_through() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "topics": {},
            "queue_arguments": {"x-ha-policy": "all", "x-message-ttl": 60000}}]}"#,
    );
    let args = &file.deployments[0].queue_arguments;
    assert_eq!(args.get("x-ha-policy"), Some(&Value::from("all")));
    assert_eq!(args.get("x-message-ttl"), Some(&Value::from(60000)));
}

#[test]
fn new_optional_keys_are_read() {
    let file = parse_ok(
        r#"{"deployments": [{"name": "a", "topics": {}, "prefetch": 1,
            "rabbit_tls": true, "heartbeat_seconds": 0}, {"name": "b", "topics": {},
            "heartbeat_seconds": null, "prefetch": 65535}]}"#,
    );
    let [a, b] = file.deployments.as_slice() else {
        panic!("two deployments");
    };
    assert_eq!(
        (a.prefetch, a.rabbit_tls, a.heartbeat_seconds),
        (1, true, Some(0))
    );
    assert_eq!(
        (b.prefetch, b.rabbit_tls, b.heartbeat_seconds),
        (65535, false, None)
    );
}

#[test]
fn key_paths_quote_odd_keys() {
    assert_eq!(key_path("", "deployments"), "deployments");
    assert_eq!(key_path("a.topics", "nova"), "a.topics.nova");
    assert_eq!(key_path("t", "x.y"), r#"t["x.y"]"#);
}
