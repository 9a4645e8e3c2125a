//! v2 `test_notification.py`: the factory by exchange and each flavour's complete column
//! mapping (nova with image meta and bandwidth, glance with its error payload, generic).

use serde_json::{json, Value};

use super::time::PayloadTime;
use super::*;

const INSTANCE_ID_1: &str = "2222bbbb-6352-4dbc-8271-96cc54bf14cd";
const REQUEST_ID_1: &str = "req-8888bbbb-9e47-4b27-a95e-27996cc40c06";
const TENANT_ID_1: &str = "testtenantid1";
const MESSAGE_ID_1: &str = "4444dddd-29a2-43f2-9ba1-ccb3e53ab6c8";
const TIMESTAMP_1: &str = "2013-06-20 17:31:57.939614";
const WHEN_1: i64 = 1_371_749_517_939_614;

fn exists_body(bandwidth: Option<Value>) -> Value {
    let mut body = json!({
        "event_type": "compute.instance.exists",
        "_context_request_id": REQUEST_ID_1,
        "_context_project_id": TENANT_ID_1,
        "timestamp": TIMESTAMP_1,
        "publisher_id": "compute.global.preprod-ord.ohthree.com",
        "payload": {
            "instance_id": INSTANCE_ID_1,
            "status": "saving",
            "container_format": "ovf",
            "properties": {"image_type": "snapshot"},
            "tenant": "5877054",
            "old_state": "old_state",
            "old_task_state": "old_task",
            "image_meta": {
                "org.openstack__1__architecture": "os_arch",
                "org.openstack__1__os_distro": "os_distro",
                "org.openstack__1__os_version": "os_version",
                "com.rackspace__1__options": "rax_opt",
            },
            "state": "state",
            "new_task_state": "task",
        }
    });
    if let Some(bandwidth) = bandwidth {
        body["payload"]["bandwidth"] = bandwidth;
    }
    body
}

fn parse_json(exchange: &str, body: &Value) -> Notification {
    parse(exchange, body.to_string().as_bytes()).expect("parses")
}

fn nova_detail(n: &Notification) -> &NovaDetail {
    match &n.detail {
        Detail::Nova(nova) => nova,
        other => panic!("not nova: {other:?}"),
    }
}

fn glance_detail(n: &Notification) -> &GlanceDetail {
    match &n.detail {
        Detail::Glance(glance) => glance,
        other => panic!("not glance: {other:?}"),
    }
}

fn text(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn factory_chooses_the_flavour_by_exchange() {
    let body = exists_body(None);
    assert!(matches!(parse_json("nova", &body).detail, Detail::Nova(_)));
    assert!(matches!(
        parse_json("glance", &body).detail,
        Detail::Glance(_)
    ));
    assert_eq!(
        parse_json("unknown_exchange", &body).detail,
        Detail::Generic
    );
}

#[test]
fn save_should_persist_nova_rawdata_to_database() {
    let body = exists_body(Some(
        json!({"public": {"bw_in": 0, "bw_out": 1_697_240_969}}),
    ));
    let n = parse_json("nova", &body);
    assert_eq!(
        (n.tenant.as_deref(), n.when, n.event.as_str()),
        (Some(TENANT_ID_1), WHEN_1, "compute.instance.exists")
    );
    assert_eq!(n.service, "compute");
    assert_eq!(n.host.as_deref(), Some("global.preprod-ord.ohthree.com"));
    assert_eq!(n.instance.as_deref(), Some(INSTANCE_ID_1));
    assert_eq!(n.request_id, REQUEST_ID_1);
    let nova = nova_detail(&n);
    // get_numeric_code(payload): no image_type/os_type/os_distro in image_meta.
    assert_eq!(nova.image_type, 0);
    assert_eq!(
        (nova.old_state.clone(), nova.old_task.clone()),
        (text("old_state"), text("old_task"))
    );
    assert_eq!(
        (nova.state.clone(), nova.task.clone()),
        (text("state"), text("task"))
    );
    assert_eq!(
        nova.image_meta,
        ImageMeta {
            os_architecture: text("os_arch"),
            os_distro: text("os_distro"),
            os_version: text("os_version"),
            rax_options: text("rax_opt"),
        }
    );
}

#[test]
fn bandwidth_public_out() {
    let read =
        |bandwidth| nova_detail(&parse_json("nova", &exists_body(bandwidth))).bandwidth_public_out;
    let present = json!({"private": {"bw_in": 0, "bw_out": 264_902}, "public": {"bw_in": 0, "bw_out": 1_697_240_969}});
    assert_eq!(read(Some(present)), 1_697_240_969);
    assert_eq!(read(None), 0, "missing");
    assert_eq!(read(Some(Value::Null)), 0, "null");
}

#[test]
fn nova_defaults_and_aggregation_attributes() {
    let body = json!({
        "event_type": "compute.instance.delete.end", "publisher_id": "compute.h", "timestamp": TIMESTAMP_1,
        "payload": {"instance_id": "i", "instance_type_id": 12345, "launched_at": "2013-06-20T17:31:57Z",
                    "deleted_at": "", "terminated_at": "garbage", "message": "Success", "state": null}
    });
    let n = parse_json("nova", &body);
    let nova = nova_detail(&n);
    assert_eq!(nova.state, None, "null stays null");
    assert_eq!(
        (nova.old_state.clone(), nova.task.clone()),
        (text(""), text("")),
        "absent is ''"
    );
    assert_eq!(nova.image_meta.os_distro, text(""));
    assert_eq!(nova.instance_type_id, text("12345"));
    assert_eq!(nova.launched_at, PayloadTime::Valid(1_371_749_517_000_000));
    assert_eq!(nova.deleted_at, PayloadTime::Missing);
    assert_eq!(
        nova.terminated_at,
        PayloadTime::Invalid,
        "a bad payload time does not poison"
    );
    assert_eq!(nova.message, text("Success"));
}

#[test]
fn nova_payload_must_be_an_object() {
    let body = json!({"event_type": "compute.instance.update", "publisher_id": "compute.h",
                      "timestamp": TIMESTAMP_1, "payload": "boom"});
    assert!(matches!(
        parse("nova", body.to_string().as_bytes()),
        Err(ParseError::WrongType {
            field: "payload",
            ..
        })
    ));
    let absent = json!({"event_type": "e", "publisher_id": "compute.h", "timestamp": TIMESTAMP_1});
    assert_eq!(nova_detail(&parse_json("nova", &absent)).state, text(""));
}

#[test]
fn save_should_persist_glance_rawdata_to_database() {
    let body = json!({
        "event_type": "image.upload",
        "timestamp": TIMESTAMP_1,
        "publisher_id": "glance-api01-r2961.global.preprod-ord.ohthree.com",
        "payload": {
            "status": "saving",
            "properties": {"image_type": "snapshot", "instance_uuid": INSTANCE_ID_1},
            "owner": TENANT_ID_1,
            "id": "2df2ccf6-bc1b-4853-aab0-25fda346b3bb",
        }
    });
    let n = parse_json("glance", &body);
    assert_eq!(
        (n.tenant.as_deref(), n.instance.as_deref()),
        (Some(TENANT_ID_1), Some(INSTANCE_ID_1))
    );
    assert_eq!(
        (n.service.as_str(), n.request_id.as_str()),
        ("glance-api01-r2961", "")
    );
    let glance = glance_detail(&n);
    assert_eq!(
        glance.image_type,
        Some(0),
        "properties.image_type is not image_meta"
    );
    assert_eq!(glance.status, text("saving"));
    assert_eq!(glance.uuid, text("2df2ccf6-bc1b-4853-aab0-25fda346b3bb"));
}

#[test]
fn save_should_persist_glance_rawdata_error_payload_to_database() {
    let body = json!({"event_type": "image.upload", "timestamp": TIMESTAMP_1,
                      "publisher_id": "glance-api01-r2961.global.preprod-ord.ohthree.com",
                      "payload": "error_message"});
    let n = parse_json("glance", &body);
    assert_eq!((n.tenant.clone(), n.instance.clone()), (None, None));
    let glance = glance_detail(&n);
    assert_eq!(
        (
            glance.image_type,
            glance.status.clone(),
            glance.uuid.clone()
        ),
        (None, None, None)
    );
    assert_eq!((glance.size, glance.created_at), (None, None));
    assert_eq!(glance.images, Images::InvalidPayload);
}

#[test]
fn glance_created_at_and_deleted_at() {
    let body = json!({"event_type": "image.delete", "timestamp": TIMESTAMP_1, "publisher_id": "glance",
                      "deleted_at": "", "payload": {"created_at": TIMESTAMP_1, "deleted_at": TIMESTAMP_1, "size": 5}});
    let glance = glance_detail(&parse_json("glance", &body)).clone();
    assert_eq!((glance.created_at, glance.size), (Some(WHEN_1), Some(5)));
    assert_eq!(
        glance.deleted_at,
        PayloadTime::Valid(WHEN_1),
        "payload's when the body's is empty"
    );
    let bad = json!({"event_type": "image.upload", "timestamp": TIMESTAMP_1, "publisher_id": "glance",
                     "payload": {"created_at": "yesterday"}});
    assert!(matches!(
        parse("glance", bad.to_string().as_bytes()),
        Err(ParseError::BadPayloadTime {
            field: "payload.created_at",
            ..
        })
    ));
}

#[test]
fn save_should_persist_generic_rawdata_to_database() {
    let body = json!({
        "event_type": "image.upload",
        "_context_request_id": REQUEST_ID_1,
        "_context_project_id": TENANT_ID_1,
        "timestamp": TIMESTAMP_1,
        "publisher_id": "glance-api01-r2961.global.preprod-ord.ohthree.com",
        "message_id": MESSAGE_ID_1,
        "payload": {"instance_id": INSTANCE_ID_1, "status": "saving", "container_format": "ovf", "tenant": "5877054"}
    });
    let n = parse_json("generic", &body);
    assert_eq!(
        (n.tenant.as_deref(), n.instance.as_deref()),
        (Some(TENANT_ID_1), Some(INSTANCE_ID_1))
    );
    assert_eq!(
        (n.request_id.as_str(), n.message_id.as_deref()),
        (REQUEST_ID_1, Some(MESSAGE_ID_1))
    );
    assert_eq!((n.service.as_str(), n.when), ("glance-api01-r2961", WHEN_1));
    assert_eq!(n.detail, Detail::Generic);
}
