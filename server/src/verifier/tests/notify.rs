//! v2's `test_send_verified_notification_*`: the verified notification keeps the exists'
//! notification, replaces `event_type`, moves `message_id` to `original_message_id` and gets a
//! new `message_id`, which here is the same every time for the same exists.

use serde_json::Value;

use crate::verifier::model::Service;
use crate::verifier::{verified_body, verified_message_id, VerifyError};

const STORED: &str = r#"{"event_type": "compute.instance.exists", "message_id": "some_uuid",
    "payload": {"b": 1, "a": [1.50, "x"]}, "priority": "INFO"}"#;

fn publish(service: Service, id: i64, body: &str) -> Result<Vec<u8>, VerifyError> {
    verified_body(service, id, body, "compute.instance.exists.verified")
}

#[test]
fn the_verified_body_replaces_event_type_and_message_ids() {
    let body = publish(Service::Nova, 7, STORED).unwrap_or_default();
    let value: Value = serde_json::from_slice(&body).unwrap_or_default();
    assert_eq!(value["event_type"], "compute.instance.exists.verified");
    assert_eq!(value["original_message_id"], "some_uuid");
    let new_id = verified_message_id(Service::Nova, 7, "\"some_uuid\"").to_string();
    assert_eq!(value["message_id"], new_id.as_str());
    assert_ne!(new_id, "some_uuid");
    assert_eq!(value["priority"], "INFO");
}

#[test]
fn members_keep_their_order_and_text() {
    let body = publish(Service::Nova, 7, STORED).unwrap_or_default();
    let text = String::from_utf8(body).unwrap_or_default();
    let new_id = verified_message_id(Service::Nova, 7, "\"some_uuid\"");
    assert_eq!(
        text,
        format!(
            r#"{{"event_type":"compute.instance.exists.verified","message_id":"{new_id}","payload":{{"b": 1, "a": [1.50, "x"]}},"priority":"INFO","original_message_id":"some_uuid"}}"#
        )
    );
}

#[test]
fn the_new_message_id_is_deterministic_per_service_and_exists() {
    let first = publish(Service::Nova, 7, STORED);
    assert_eq!(first, publish(Service::Nova, 7, STORED));
    assert_ne!(first, publish(Service::Nova, 8, STORED));
    assert_ne!(first, publish(Service::Glance, 7, STORED));
    let id = verified_message_id(Service::Glance, 1, "\"m\"");
    assert_eq!(id.get_version_num(), 8);
    assert_ne!(id, verified_message_id(Service::Glance, 1, "\"n\""));
}

#[test]
fn an_event_type_is_added_when_missing_and_a_null_message_id_is_kept() {
    let body = verified_body(
        Service::Glance,
        1,
        r#"{"message_id": null}"#,
        "image.exists.verified",
    )
    .unwrap_or_default();
    let value: Value = serde_json::from_slice(&body).unwrap_or_default();
    assert_eq!(value["event_type"], "image.exists.verified");
    assert_eq!(value["original_message_id"], Value::Null);
    assert!(value["message_id"].is_string());
}

#[test]
fn a_repeated_key_keeps_its_last_value_as_python_does() {
    let body = publish(
        Service::Nova,
        1,
        r#"{"message_id": "a", "message_id": "b"}"#,
    )
    .unwrap_or_default();
    let value: Value = serde_json::from_slice(&body).unwrap_or_default();
    assert_eq!(value["original_message_id"], "b");
}

#[test]
fn unusable_stored_notifications_are_errors() {
    assert_eq!(
        publish(Service::Nova, 1, r#"{"a": 1}"#),
        Err(VerifyError::NoMessageId)
    );
    assert_eq!(
        publish(Service::Nova, 1, r#"["r", {}]"#),
        Err(VerifyError::NotAnObject)
    );
    assert!(matches!(
        publish(Service::Nova, 1, r#"{"message_id": "#),
        Err(VerifyError::InvalidJson(_))
    ));
    assert!(matches!(
        publish(Service::Nova, 1, r#"{"message_id": "a"} x"#),
        Err(VerifyError::InvalidJson(_))
    ));
}
