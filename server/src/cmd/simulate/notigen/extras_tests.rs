//! Behaviour tests of the operations besides the templates: glance image uploads, deletes,
//! end-of-day exists and failed uploads, and failed Nova operations.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{Generator, GeneratorOptions, Outgoing};

const START: i64 = 1_700_000_000_000_000;

fn generate(seed: u64, n: usize) -> Vec<(Outgoing, Value)> {
    Generator::new(seed, GeneratorOptions::default(), START)
        .take(n)
        .into_iter()
        .map(|m| {
            let value = serde_json::from_str(&m.body).expect("body is JSON");
            (m, value)
        })
        .collect()
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

#[test]
fn glance_images_are_uploaded_before_they_are_deleted_or_reported() {
    let messages = generate(31, 40_000);
    let instances: HashSet<&str> = messages
        .iter()
        .map(|(_, v)| text(v, "/payload/instance_id"))
        .filter(|id| !id.is_empty())
        .collect();
    let mut active: HashMap<String, Value> = HashMap::new();
    let (mut deletes, mut exists, mut snapshots) = (0, 0, 0);
    for (message, value) in messages.iter().filter(|(m, _)| m.exchange == "glance") {
        let payload = &value["payload"];
        match message.event_type.as_str() {
            "image.activate" => {
                assert_eq!(payload["status"], "active");
                assert!(payload["size"].as_u64().is_some_and(|s| s > 0));
                assert!(!text(payload, "/owner").is_empty());
                assert!(text(payload, "/created_at").contains('T'));
                if let Some(instance) = payload.pointer("/properties/instance_uuid") {
                    let instance = instance.as_str().expect("instance_uuid is text");
                    assert!(
                        instances.contains(instance),
                        "snapshot of unknown {instance}"
                    );
                    snapshots += 1;
                }
                active.insert(text(payload, "/id").to_owned(), payload.clone());
            }
            "image.delete" => {
                let id = text(payload, "/id");
                assert!(active.remove(id).is_some(), "{id} deleted but never active");
                assert_eq!(payload["status"], "deleted");
                assert!(!text(payload, "/deleted_at").is_empty());
                deletes += 1;
            }
            "image.exists" => {
                assert!(!text(payload, "/owner").is_empty());
                assert!(
                    text(payload, "/audit_period_beginning")
                        < text(payload, "/audit_period_ending")
                );
                let images = payload["images"].as_array().expect("images[]");
                assert!(!images.is_empty());
                for image in images {
                    for key in ["created_at", "id", "deleted_at", "size"] {
                        assert!(image.get(key).is_some(), "exists image without {key}");
                    }
                }
                exists += 1;
            }
            _ => {}
        }
    }
    assert!(
        snapshots > 5 && deletes > 5 && exists > 5,
        "{snapshots} {deletes} {exists}"
    );
}

#[test]
fn failed_nova_operations_carry_their_exception() {
    let messages = generate(32, 30_000);
    let mut started: HashMap<String, String> = HashMap::new();
    let mut errors = 0;
    for (message, value) in messages.iter().filter(|(m, _)| m.exchange == "nova") {
        let request = text(value, "/_context_request_id").to_owned();
        let event = message.event_type.as_str();
        if event.starts_with("compute.instance.") && event.ends_with(".start") {
            started.insert(request.clone(), event.replace(".start", ""));
        }
        let Some(op) = event.strip_suffix(".error") else {
            continue;
        };
        if value["payload"].get("exception").is_none() || event.contains("create") {
            continue; // the templates' own create errors
        }
        assert_eq!(started.get(&request).map(String::as_str), Some(op));
        assert_eq!(message.routing_key, "monitor.error");
        assert_eq!(value["priority"], "ERROR");
        assert!(!text(value, "/payload/message").is_empty());
        let host = text(value, "/payload/host");
        assert_eq!(text(value, "/publisher_id"), format!("compute.{host}"));
        errors += 1;
    }
    assert!(errors > 20, "only {errors} failed operations");
}

#[test]
fn failed_uploads_have_a_text_payload_on_the_error_queue() {
    let messages = generate(33, 30_000);
    let failed: Vec<_> = messages
        .iter()
        .filter(|(m, _)| m.routing_key == "monitor_glance.error")
        .collect();
    assert!(!failed.is_empty());
    for (message, value) in failed {
        assert_eq!(message.event_type, "image.upload");
        assert!(value["payload"].is_string());
        assert_eq!(value["priority"], "ERROR");
    }
}

#[test]
fn for_rate_gives_about_that_many_notifications_a_second() {
    let options = GeneratorOptions::for_rate(50.0, 0.01);
    let mut generator = Generator::new(34, options, START);
    let minutes = 20;
    let total: usize = (1..=minutes * 60)
        .map(|second| generator.due(START + second * 1_000_000).len())
        .sum();
    let rate = total as f64 / (minutes * 60) as f64;
    assert!((40.0..60.0).contains(&rate), "{rate:.1}/s instead of 50/s");
}
