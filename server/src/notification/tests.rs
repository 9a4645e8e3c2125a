//! Parsing rules pinned by v2's `test_notification.py`, plus our totality guarantees.

use serde_json::json;

use super::*;

fn nova_body() -> serde_json::Value {
    json!({
        "event_type": "compute.instance.create.start",
        "publisher_id": "compute.cpu1-n01.example.com",
        "timestamp": "2013-01-25 13:38:23.123456",
        "_context_request_id": "req-1",
        "_context_project_id": "ctx-tenant",
        "message_id": "m-1",
        "payload": {"instance_id": "i-1", "tenant_id": "t-1", "state": "building"}
    })
}

fn parse_json(exchange: &str, v: &serde_json::Value) -> Result<Notification, ParseError> {
    parse(exchange, v.to_string().as_bytes())
}

#[test]
fn nova_common_columns() {
    let n = parse_json("nova", &nova_body()).unwrap();
    assert_eq!(n.flavour, Flavour::Nova);
    assert_eq!(n.event, "compute.instance.create.start");
    assert_eq!(n.service, "compute");
    assert_eq!(n.host.as_deref(), Some("cpu1-n01.example.com"));
    assert_eq!(n.when, 1_359_121_103_123_456);
    assert_eq!(n.request_id, "req-1");
    assert_eq!(n.instance.as_deref(), Some("i-1"));
    assert_eq!(n.tenant.as_deref(), Some("t-1"));
    assert_eq!(n.message_id.as_deref(), Some("m-1"));
}

#[test]
fn glance_publisher_split_and_owner() {
    let body = json!({
        "event_type": "image.upload",
        "publisher_id": "glance-api01-r2961.global.preprod-ord.ohthree.com",
        "timestamp": "2013-01-25 13:38:23",
        "payload": {"owner": "own-1", "properties": {"instance_uuid": "i-9"}}
    });
    let n = parse_json("glance", &body).unwrap();
    assert_eq!(n.service, "glance-api01-r2961");
    assert_eq!(n.host.as_deref(), Some("global.preprod-ord.ohthree.com"));
    assert_eq!(n.request_id, "");
    assert_eq!(n.instance.as_deref(), Some("i-9"));
    assert_eq!(n.tenant.as_deref(), Some("own-1"));
}

#[test]
fn glance_string_payload_gives_nulls() {
    let body = json!({
        "event_type": "image.upload.error",
        "publisher_id": "glance",
        "timestamp": "2013-01-25 13:38:23",
        "payload": "Image storage failed"
    });
    let n = parse_json("glance", &body).unwrap();
    assert_eq!(n.host, None);
    assert_eq!(n.instance, None);
    assert_eq!(n.tenant, None);
}

#[test]
fn instance_lookup_order() {
    let with = |payload: serde_json::Value| {
        let mut b = nova_body();
        b["payload"] = payload;
        parse_json("nova", &b).unwrap().instance
    };
    assert_eq!(with(json!({"instance_id": "a"})), Some("a".into()));
    // instance_uuid overrides even when null, then falls through to the later keys.
    assert_eq!(
        with(json!({"instance_id": "a", "instance_uuid": "b"})),
        Some("b".into())
    );
    assert_eq!(
        with(json!({"instance_id": "a", "instance_uuid": null})),
        None
    );
    assert_eq!(
        with(json!({"instance_uuid": null, "exception": {"kwargs": {"uuid": "c"}}})),
        Some("c".into())
    );
    assert_eq!(with(json!({"instance": {"uuid": "d"}})), Some("d".into()));
    assert_eq!(with(json!({})), None);
}

#[test]
fn tenant_falls_back_to_context_project() {
    let mut b = nova_body();
    b["payload"] = json!({"instance_id": "a"});
    assert_eq!(
        parse_json("nova", &b).unwrap().tenant.as_deref(),
        Some("ctx-tenant")
    );
    b["payload"] = json!({"tenant_id": null});
    assert_eq!(parse_json("nova", &b).unwrap().tenant, None);
}

#[test]
fn context_timestamp_when_timestamp_is_empty() {
    let mut b = nova_body();
    b["timestamp"] = json!("");
    b["_context_timestamp"] = json!("2013-01-25T13:38:23Z");
    assert_eq!(parse_json("nova", &b).unwrap().when, 1_359_121_103_000_000);
}

#[test]
fn oslo_v2_envelope_is_unwrapped() {
    let inner = nova_body().to_string();
    let env = json!({"oslo.version": "2.0", "oslo.message": inner});
    let n = parse_json("nova", &env).unwrap();
    assert_eq!(n.event, "compute.instance.create.start");
    assert_eq!(n.body, inner);
}

#[test]
fn poison_gives_typed_errors() {
    assert!(matches!(
        parse("nova", b"\xff\xfe"),
        Err(ParseError::NotUtf8(0))
    ));
    assert!(matches!(
        parse("nova", b"not json"),
        Err(ParseError::NotJson(_))
    ));
    assert_eq!(parse("nova", b"[1,2]"), Err(ParseError::NotAnObject));
    let mut b = nova_body();
    b.as_object_mut().unwrap().remove("publisher_id");
    assert_eq!(
        parse_json("nova", &b),
        Err(ParseError::MissingField("publisher_id"))
    );
    let mut b = nova_body();
    b["timestamp"] = json!("yesterday");
    assert_eq!(
        parse_json("nova", &b),
        Err(ParseError::BadTimestamp("yesterday".into()))
    );
    let env = json!({"oslo.version": "2.0", "oslo.message": "{broken"});
    assert!(matches!(
        parse_json("nova", &env),
        Err(ParseError::BadEnvelope(_))
    ));
    let mut b = nova_body();
    b["event_type"] = json!(7);
    assert!(matches!(
        parse_json("nova", &b),
        Err(ParseError::WrongType { .. })
    ));
}
