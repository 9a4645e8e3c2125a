//! v2 `GlanceNotificationTestCase.save_usage/save_delete` and `GlanceExistsNotificationTestCase`.

use serde_json::{json, Value};

use super::*;

const UUID: &str = "2df2ccf6-bc1b-4853-aab0-25fda346b3bb";
const PUBLISHER: &str = "glance-api01-r2961.global.preprod-ord.ohthree.com";

fn exists_body(images: Value) -> Value {
    json!({
        "event_type": "image.exists",
        "timestamp": "2013-06-20 18:31:57.939614",
        "publisher_id": PUBLISHER,
        "message_id": "d14cfa51-6a0e-4cf8-9130-804738be96d2",
        "payload": {
            "audit_period_beginning": "2013-05-20 17:31:57.939614",
            "audit_period_ending": "2013-06-20 17:31:57.939614",
            "owner": TENANT_ID_1,
            "images": images,
        }
    })
}

fn image(created_at: Value, deleted_at: Value) -> Value {
    json!({
        "created_at": created_at, "id": UUID, "size": 123, "status": "saving",
        "properties": {"instance_uuid": INSTANCE_ID_1}, "deleted_at": deleted_at,
    })
}

fn at(text: &str) -> i64 {
    crate::notification::parse_timestamp(text).unwrap()
}

#[test]
fn save_usage_should_persist_image_usage() {
    let body = json!({
        "event_type": "image.activate",
        "timestamp": "2013-06-20 18:31:57.939614",
        "publisher_id": PUBLISHER,
        "payload": {"created_at": "2013-06-20 17:31:57.939614", "size": 123, "owner": TENANT_ID_1, "id": UUID}
    });
    let writes = run(&[glance(4, body)], Stored::default());
    assert_eq!(
        writes.image_usages,
        [ImageUsage {
            uuid: text(UUID),
            created_at: Some(DUMMY_TIME),
            owner: text(TENANT_ID_1),
            size: Some(123),
            last_raw_id: 4,
        }]
    );
}

#[test]
fn save_delete_should_persist_image_delete() {
    let body = json!({
        "event_type": "image.delete",
        "timestamp": "2013-06-20 18:31:57.939614",
        "publisher_id": PUBLISHER,
        "payload": {"id": UUID, "deleted_at": "2013-06-20 14:31:57.939614"}
    });
    let writes = run(&[glance(4, body)], Stored::default());
    assert_eq!(
        writes.image_deletes,
        [ImageDelete {
            uuid: text(UUID),
            deleted_at: Some(at("2013-06-20 14:31:57.939614")),
            raw_id: 4,
        }]
    );
}

#[test]
fn save_image_exists_with_created_at_but_deleted_at_none() {
    let created = "2013-05-20 19:31:57.939614";
    let body = exists_body(json!([
        image(json!(created), Value::Null),
        image(json!(created), Value::Null)
    ]));
    let writes = run(&[glance(6, body)], Stored::default());
    assert_eq!(
        writes.image_exists.len(),
        2,
        "one row per image, sharing the message id"
    );
    for row in &writes.image_exists {
        assert_eq!(row.created_at, at(created));
        assert_eq!(row.owner, text(TENANT_ID_1));
        assert_eq!(
            row.audit_period_beginning,
            Some(at("2013-05-20 17:31:57.939614"))
        );
        assert_eq!(
            row.audit_period_ending,
            Some(at("2013-06-20 17:31:57.939614"))
        );
        assert_eq!(
            (row.size, row.uuid.as_deref(), row.raw_id),
            (Some(123), Some(UUID), 6)
        );
        assert_eq!(
            row.message_id.as_deref(),
            Some("d14cfa51-6a0e-4cf8-9130-804738be96d2")
        );
        assert_eq!((row.usage, row.delete, row.deleted_at), (None, None, None));
    }
}

#[test]
fn save_image_exists_with_created_at_and_deleted_at() {
    let deleted = "2013-05-20 21:31:57.939614";
    let created = json!("2013-05-20 19:31:57.939614");
    let body = exists_body(json!([
        image(created.clone(), json!(deleted)),
        image(created, json!(deleted))
    ]));
    let stored = Stored {
        image_usages: vec![(2, UUID.into())],
        image_deletes: vec![(3, UUID.into())],
        ..Stored::default()
    };
    let writes = run(&[glance(6, body)], stored);
    assert_eq!(writes.image_exists.len(), 2);
    for row in &writes.image_exists {
        assert_eq!(row.deleted_at, Some(at(deleted)));
        assert_eq!(row.usage, Some(RowRef::Stored(2)));
        assert_eq!(row.delete, Some(RowRef::Stored(3)));
    }
}

#[test]
fn save_image_exists_without_created_at() {
    let body = exists_body(json!([
        image(Value::Null, Value::Null),
        image(Value::Null, Value::Null)
    ]));
    let writes = run(&[glance(6, body)], Stored::default());
    assert!(writes.image_exists.is_empty());
    assert_eq!(
        writes.skipped,
        [
            (6, Skip::ImageWithoutCreatedAt),
            (6, Skip::ImageWithoutCreatedAt)
        ]
    );
}

#[test]
fn save_exists_should_warn_when_payload_is_invalid() {
    let body = json!({"event_type": "image.exists", "publisher_id": PUBLISHER,
                      "timestamp": "2013-06-20 18:31:57", "payload": []});
    let writes = run(&[glance(6, body)], Stored::default());
    assert!(writes.image_exists.is_empty());
    assert_eq!(writes.skipped, [(6, Skip::InvalidImageExistsPayload)]);
}

#[test]
fn exists_after_activate_in_the_same_batch_links_the_new_usage() {
    let activate = json!({
        "event_type": "image.activate", "timestamp": "2013-06-20 18:00:00", "publisher_id": PUBLISHER,
        "payload": {"created_at": "2013-05-20 19:31:57", "size": 123, "owner": TENANT_ID_1, "id": UUID}
    });
    let exists = exists_body(json!([image(json!("2013-05-20 19:31:57"), Value::Null)]));
    let writes = run(&[glance(1, activate), glance(2, exists)], Stored::default());
    assert_eq!(writes.image_exists[0].usage, Some(RowRef::New(0)));
}

#[test]
fn malformed_images_skip_the_whole_exists() {
    let body = exists_body(json!([{"id": UUID}]));
    let writes = run(&[glance(6, body)], Stored::default());
    assert!(writes.image_exists.is_empty());
    assert_eq!(writes.skipped, [(6, Skip::MalformedImages)]);
}
