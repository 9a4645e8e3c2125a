//! Files that are rejected, each with one exact message naming the file, the key path and
//! what was expected and found (never the password).

use super::support::parse_err;

#[test]
fn bad_json_reports_line_and_column() {
    let text = "{\"deployments\": [\n  {\"name\": \"a\"\n    \"topics\": {}}\n]}";
    assert_eq!(
        parse_err(text),
        "etc/x.json: line 3 column 5: invalid JSON: expected `,` or `}`"
    );
    assert_eq!(
        parse_err(""),
        "etc/x.json: line 1 column 0: invalid JSON: EOF while parsing a value"
    );
}

#[test]
fn missing_name_is_an_error() {
    let text = r#"{"deployments": [{"name": "a", "topics": {}}, {"rabbit_host": "h"}]}"#;
    assert_eq!(
        parse_err(text),
        r#"etc/x.json: deployments[1].name: missing required key "name""#
    );
    assert_eq!(
        parse_err(r#"{"deployments": [{"name": " "}]}"#),
        r#"etc/x.json: deployments[0].name: expected a non-empty string, found string " ""#
    );
}

#[test]
fn wrong_type_for_rabbit_port_is_an_error() {
    let with_port = |port: &str| {
        parse_err(&format!(
            r#"{{"deployments": [{{"name": "a", "rabbit_port": {port}}}]}}"#
        ))
    };
    assert_eq!(
        with_port(r#""abc""#),
        r#"etc/x.json: deployments[0].rabbit_port: expected an integer 0-65535, found string "abc""#
    );
    assert_eq!(
        with_port("70000"),
        "etc/x.json: deployments[0].rabbit_port: expected an integer 0-65535, found number 70000"
    );
    assert_eq!(
        with_port("-1"),
        "etc/x.json: deployments[0].rabbit_port: expected an integer 0-65535, found number -1"
    );
}

#[test]
fn wrong_type_for_durable_queue_is_an_error() {
    assert_eq!(
        parse_err(r#"{"deployments": [{"name": "a", "durable_queue": "yes"}]}"#),
        r#"etc/x.json: deployments[0].durable_queue: expected true or false, found string "yes""#
    );
}

#[test]
fn wrong_shape_of_topics_is_an_error() {
    let with_topics = |topics: &str| {
        parse_err(&format!(
            r#"{{"deployments": [{{"name": "a", "topics": {topics}}}]}}"#
        ))
    };
    assert_eq!(
        with_topics(r#"["nova"]"#),
        "etc/x.json: deployments[0].topics: expected an object mapping exchange names to \
         lists of queue bindings, found a list"
    );
    assert_eq!(
        with_topics(r#"{"nova": {"queue": "q"}}"#),
        r#"etc/x.json: deployments[0].topics.nova: expected a list of {"queue": …, "routing_key": …} objects, found an object"#
    );
    assert_eq!(
        with_topics(r#"{"nova": ["monitor.info"]}"#),
        r#"etc/x.json: deployments[0].topics.nova[0]: expected an object with "queue" and "routing_key", found string "monitor.info""#
    );
    assert_eq!(
        with_topics(r#"{"nova": [{"queue": "q"}]}"#),
        r#"etc/x.json: deployments[0].topics.nova[0].routing_key: missing required key "routing_key""#
    );
    assert_eq!(
        with_topics(r#"{"nova": [{"queue": 5, "routing_key": "k"}]}"#),
        "etc/x.json: deployments[0].topics.nova[0].queue: expected a string, found number 5"
    );
    assert_eq!(
        with_topics(r#"{"": []}"#),
        r#"etc/x.json: deployments[0].topics[""]: exchange name must not be empty"#
    );
}

#[test]
fn missing_deployments_is_an_error() {
    assert_eq!(
        parse_err(r#"{"workers": {}}"#),
        "etc/x.json: deployments: missing required key"
    );
    assert_eq!(
        parse_err(r#"{"deployments": {"name": "a"}}"#),
        "etc/x.json: deployments: expected a list of deployment objects, found an object"
    );
    assert_eq!(
        parse_err("[]"),
        "etc/x.json: top level: expected an object, found a list"
    );
}

#[test]
fn duplicate_deployment_names_are_an_error() {
    let text = r#"{"deployments": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}"#;
    assert_eq!(
        parse_err(text),
        r#"etc/x.json: deployments[2].name: duplicate deployment name "a" (also used by deployments[0])"#
    );
}

#[test]
fn other_bad_values_are_errors() {
    assert_eq!(
        parse_err(r#"{"deployments": [{"name": "a", "prefetch": 0}]}"#),
        "etc/x.json: deployments[0].prefetch: expected an integer 1-65535, found number 0"
    );
    assert_eq!(
        parse_err(r#"{"deployments": [], "workers": {"process_timeout": "10"}}"#),
        r#"etc/x.json: workers.process_timeout: expected a positive number of seconds, found string "10""#
    );
    assert_eq!(
        parse_err(r#"{"deployments": [], "workers": {"process_timeout": -5}}"#),
        "etc/x.json: workers.process_timeout: expected a positive number of seconds, found number -5"
    );
    assert_eq!(
        parse_err(r#"{"deployments": [{"name": "a", "queue_arguments": []}]}"#),
        "etc/x.json: deployments[0].queue_arguments: expected an object, found a list"
    );
}

#[test]
fn wrong_type_for_password_does_not_echo_it() {
    let message = parse_err(r#"{"deployments": [{"name": "a", "rabbit_password": 918273645}]}"#);
    assert_eq!(
        message,
        "etc/x.json: deployments[0].rabbit_password: expected a string, found a number"
    );
}
