//! Files that load: v2's defaults for what they leave out, every `settle_units`, the watchdog
//! switched off, `null` and empty routing key lists, and the warnings for what is ignored.

use std::time::Duration;

use super::support::{minimal, parse_ok};
use crate::config::verifier::VerifierConfig;
use crate::verifier::model::Service;
use crate::verifier::{FlavorField, ValidationLevel};

#[test]
fn left_out_keys_take_v2s_defaults() {
    let c = parse_ok(&minimal(""));
    assert_eq!(c.batchsize, 1000);
    assert_eq!(c.exponential_backoff_limit, 10);
    assert_eq!(c.process_timeout, Some(Duration::from_secs(3600)));
    assert!(!c.reconcile);
    assert_eq!(c.nova_event_type, "compute.instance.exists.verified");
    assert_eq!(c.glance_event_type, "image.exists.verified");
    assert_eq!(c.validation_level, ValidationLevel::Basic);
    assert_eq!(c.flavor_field, FlavorField::InstanceFlavorId);
    // Without notifications the broker keys are not needed: the deployments file's defaults.
    assert_eq!(c.amqp_uri(), "amqp://rabbit:rabbit@localhost:5672/%2f");
    assert!(c.rabbit.durable_queue);
    assert_eq!(c.services(), vec![Service::Nova]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn settle_units_are_timedelta_keywords_and_times_may_be_fractional() {
    let settle = |units: &str, time: &str| {
        parse_ok(&minimal(&format!(
            r#""settle_units": "{units}", "settle_time": {time}"#
        )))
        .settle
    };
    assert_eq!(settle("seconds", "90"), Duration::from_secs(90));
    assert_eq!(settle("hours", "1.5"), Duration::from_secs(5400));
    assert_eq!(settle("days", "1"), Duration::from_secs(86_400));
    assert_eq!(settle("weeks", "1"), Duration::from_secs(604_800));
    assert_eq!(settle("milliseconds", "250"), Duration::from_millis(250));
    assert_eq!(settle("microseconds", "0"), Duration::ZERO);
    let c = parse_ok(&minimal(r#""tick_time": 0.5"#));
    assert_eq!(c.tick_time, Duration::from_millis(500));
}

#[test]
fn a_process_timeout_of_zero_turns_the_watchdog_off() {
    assert_eq!(
        parse_ok(&minimal(r#""process_timeout": 0"#)).process_timeout,
        None
    );
    assert_eq!(
        parse_ok(&minimal(r#""process_timeout": 60"#)).process_timeout,
        Some(Duration::from_secs(60))
    );
}

#[test]
fn every_key_can_be_set() {
    let c = parse_ok(&minimal(
        r#""batchsize": 50, "exponential_backoff_limit": 3, "nova_event_type": "n.v",
           "glance_event_type": "g.v", "validation_level": "none",
           "flavor_field_name": "instance_type_id", "reconciler_config": "/r.json""#,
    ));
    assert_eq!(c.batchsize, 50);
    assert_eq!(c.exponential_backoff_limit, 3);
    assert_eq!(c.event_type(Service::Nova), "n.v");
    assert_eq!(c.event_type(Service::Glance), "g.v");
    assert_eq!(c.validation_level, ValidationLevel::None);
    assert_eq!(c.flavor_field, FlavorField::InstanceTypeId);
    assert_eq!(c.reconciler_config, std::path::PathBuf::from("/r.json"));
}

fn with_rabbit(rabbit: &str) -> VerifierConfig {
    parse_ok(&minimal(&format!(r#""rabbit": {rabbit}"#)))
}

#[test]
fn the_broker_uri_is_encoded_and_its_password_never_prints() {
    let c = with_rabbit(
        r#"{"durable_queue": true, "host": "::1", "port": "5673", "userid": "u@x",
            "password": "p@ss/word", "virtual_host": "billing",
            "topics": {"glance": ["a", "b"]}}"#,
    );
    assert_eq!(
        c.amqp_uri(),
        "amqp://u%40x:p%40ss%2fword@[::1]:5673/billing"
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("p@ss/word"), "{debug}");
    assert!(debug.contains("***"));
    assert_eq!(c.services(), vec![Service::Glance]);
    assert_eq!(c.routing_keys(Service::Glance), ["a", "b"]);
    assert_eq!(c.routing_keys(Service::Nova), [] as [String; 0]);
    assert_eq!(
        c.publish_routing_keys(Service::Glance, "monitor.info"),
        ["a", "b"]
    );
    assert!(c
        .publish_routing_keys(Service::Nova, "monitor.info")
        .is_empty());
}

#[test]
fn null_routing_keys_publish_with_the_original_key_and_empty_lists_warn() {
    let c = with_rabbit(r#"{"topics": {"nova": null, "glance": []}}"#);
    assert_eq!(
        c.publish_routing_keys(Service::Nova, "monitor.info"),
        ["monitor.info"]
    );
    assert!(c
        .publish_routing_keys(Service::Glance, "monitor.info")
        .is_empty());
    assert_eq!(c.services(), vec![Service::Nova, Service::Glance]);
    assert_eq!(
        c.warnings,
        vec![
            "etc/v.json: rabbit.topics.glance: no routing keys: glance exists are verified but \
             no verified notification is published"
                .to_owned()
        ]
    );
}

#[test]
fn unknown_keys_and_services_warn_and_are_ignored() {
    let c = parse_ok(&minimal(r#""tick_tme": 3, "reconcile": true"#));
    assert_eq!(
        c.warnings,
        vec![
            r#"etc/v.json: tick_tme: unknown key ignored (did you mean "tick_time"?)"#.to_owned(),
            "etc/v.json: reconcile: v2's reconciler (its Nova database bridge) is not part of \
             this StackTach; failed nova exists are still checked against instance_reconcile rows"
                .to_owned(),
        ]
    );
    let c = with_rabbit(r#"{"topics": {"cinder": ["x"]}}"#);
    assert!(c.services().is_empty());
    assert_eq!(
        c.warnings,
        vec![
            r#"etc/v.json: rabbit.topics.cinder: not a verified service (only "nova" and "glance" are); ignored"#
                .to_owned(),
            "etc/v.json: rabbit.topics: no nova or glance key: nothing will be verified".to_owned(),
        ]
    );
}
