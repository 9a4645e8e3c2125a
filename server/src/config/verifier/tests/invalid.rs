//! Files that are rejected, each with one exact message naming the file, the key path and
//! what was expected and found (never the password).

use super::support::{minimal, parse_err, without};

#[test]
fn bad_json_reports_line_and_column() {
    assert_eq!(
        parse_err("{\n  \"tick_time\": 30\n  \"x\": 1}"),
        "etc/v.json: line 3 column 3: invalid JSON: expected `,` or `}`"
    );
    assert_eq!(
        parse_err("[]"),
        "etc/v.json: top level: expected an object, found a list"
    );
}

#[test]
fn required_keys_are_required() {
    for key in [
        "tick_time",
        "settle_time",
        "settle_units",
        "pool_size",
        "enable_notifications",
        "validation_level",
        "flavor_field_name",
        "rabbit",
    ] {
        assert_eq!(
            parse_err(&without(key)),
            format!(r#"etc/v.json: {key}: missing required key "{key}""#)
        );
    }
    assert_eq!(
        parse_err(&minimal(r#""rabbit": {}"#)),
        r#"etc/v.json: rabbit.topics: missing required key "topics""#
    );
}

#[test]
fn broker_keys_are_required_when_notifications_are_on() {
    let text = minimal(r#""enable_notifications": true"#);
    assert_eq!(
        parse_err(&text),
        r#"etc/v.json: rabbit.durable_queue: missing required key "durable_queue" (needed when enable_notifications is true)"#
    );
}

#[test]
fn names_must_be_one_of_v2s() {
    assert_eq!(
        parse_err(&minimal(r#""validation_level": "most""#)),
        r#"etc/v.json: validation_level: expected one of "none", "basic", "all", found string "most""#
    );
    assert_eq!(
        parse_err(&minimal(r#""flavor_field_name": "flavor""#)),
        r#"etc/v.json: flavor_field_name: expected one of "instance_type_id", "instance_flavor_id", found string "flavor""#
    );
    assert_eq!(
        parse_err(&minimal(r#""settle_units": "fortnights""#)),
        r#"etc/v.json: settle_units: expected one of "microseconds", "milliseconds", "seconds", "minutes", "hours", "days", "weeks", found string "fortnights""#
    );
}

#[test]
fn numbers_must_be_in_range() {
    assert_eq!(
        parse_err(&minimal(r#""pool_size": 0"#)),
        "etc/v.json: pool_size: expected an integer of at least 1, found number 0"
    );
    assert_eq!(
        parse_err(&minimal(r#""batchsize": -1"#)),
        "etc/v.json: batchsize: expected an integer of at least 1, found number -1"
    );
    assert_eq!(
        parse_err(&minimal(r#""exponential_backoff_limit": 0"#)),
        "etc/v.json: exponential_backoff_limit: expected an integer of at least 1, found number 0"
    );
    assert_eq!(
        parse_err(&minimal(r#""tick_time": "30""#)),
        r#"etc/v.json: tick_time: expected a number of seconds, 0 or more, found string "30""#
    );
    assert_eq!(
        parse_err(&minimal(r#""settle_time": -5"#)),
        "etc/v.json: settle_time: expected a number of settle_units, 0 or more, found number -5"
    );
    assert_eq!(
        parse_err(&minimal(r#""enable_notifications": "yes""#)),
        r#"etc/v.json: enable_notifications: expected true or false, found string "yes""#
    );
}

#[test]
fn rabbit_values_are_checked_and_the_password_never_echoed() {
    let rabbit = |body: &str| {
        parse_err(&minimal(&format!(
            r#""rabbit": {{{body}, "topics": {{}}}}"#
        )))
    };
    assert_eq!(
        rabbit(r#""port": 70000"#),
        "etc/v.json: rabbit.port: expected a port number 1-65535, found number 70000"
    );
    assert_eq!(
        rabbit(r#""password": 12345"#),
        "etc/v.json: rabbit.password: expected a string, found a number"
    );
    assert_eq!(
        parse_err(&minimal(
            r#""rabbit": {"topics": {"nova": "notifications.info"}}"#
        )),
        r#"etc/v.json: rabbit.topics.nova: expected a list of routing keys, found string "notifications.info""#
    );
    assert_eq!(
        parse_err(&minimal(r#""rabbit": {"topics": {"nova": ["a", 1]}}"#)),
        "etc/v.json: rabbit.topics.nova[1]: expected a routing key (a string), found number 1"
    );
}
