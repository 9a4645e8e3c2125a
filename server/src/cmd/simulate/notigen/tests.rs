//! Behaviour tests of the generator: valid bodies, unique ids, time order, instance lifecycles,
//! publishers, routing keys and determinism. Glance and error operations: `extras_tests`.

use std::collections::{HashMap, HashSet};

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::Value;

use super::pools::{Instance, Pools};
use super::templates::{self, Kind};
use super::values::OpValues;
use super::{Generator, GeneratorOptions, Outgoing};
use app::model::{format_micros, Micros};

const START: i64 = 1_700_000_000_000_000;

fn json(message: &Outgoing) -> Value {
    serde_json::from_str(&message.body).expect("body is JSON")
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn generate(seed: u64, n: usize) -> Vec<Outgoing> {
    Generator::new(seed, GeneratorOptions::default(), START).take(n)
}

#[test]
fn every_template_instantiates_to_valid_json() {
    let mut rng = StdRng::seed_from_u64(7);
    let pools = Pools::new(&mut rng);
    for (index, template) in templates::all().iter().enumerate() {
        let name = templates::file_name(index);
        let mut instance = Instance::new(&mut rng, &pools);
        let uuid = instance.uuid.clone();
        let new = template.kind == Kind::Create;
        let values = OpValues::new(template, &mut instance, new, &pools, &mut rng, (START, 0.5));
        for body in &template.bodies {
            let rendered = values.render(body);
            assert!(!rendered.contains("[[[["), "{name}: placeholder left");
            let value: Value = serde_json::from_str(&rendered)
                .unwrap_or_else(|e| panic!("{name}: invalid JSON: {e}"));
            assert_eq!(text(&value, "/event_type"), body.event_type);
            assert_eq!(
                text(&value, "/message_id"),
                values.uuid(body.message_id_uuid)
            );
            assert_eq!(
                text(&value, "/timestamp"),
                format_micros(Micros(values.time_of(body)))
            );
            let instance_id = text(&value, "/payload/instance_id");
            assert!(instance_id.is_empty() || instance_id == uuid, "{name}");
        }
    }
}

#[test]
fn message_ids_are_unique_over_ten_thousand_notifications() {
    let messages = generate(1, 10_000);
    assert_eq!(messages.len(), 10_000);
    let ids: HashSet<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), messages.len());
}

#[test]
fn due_returns_time_ordered_notifications_up_to_now() {
    let mut generator = Generator::new(2, GeneratorOptions::default(), START);
    let mut last = String::new();
    let mut total = 0;
    for tick in 0..2_400 {
        let now = START + tick * 250_000;
        let limit = format_micros(Micros(now));
        for message in generator.due(now) {
            let value = json(&message);
            let timestamp = text(&value, "/timestamp").to_owned();
            assert!(timestamp <= limit, "{timestamp} emitted before {limit}");
            assert!(timestamp >= last, "{timestamp} after {last}");
            last = timestamp;
            total += 1;
        }
    }
    assert!(total > 1_000, "only {total} notifications in 10 minutes");
}

/// Instance id and request id of every notification about an instance.
fn instance_requests(messages: &[Outgoing]) -> Vec<(String, String, Value)> {
    messages
        .iter()
        .map(json)
        .filter_map(|value| {
            let instance = text(&value, "/payload/instance_id").to_owned();
            let request = text(&value, "/_context_request_id").to_owned();
            (!instance.is_empty()).then_some((instance, request, value))
        })
        .collect()
}

#[test]
fn instances_are_created_before_any_other_operation_and_ops_never_overlap() {
    let messages = generate(3, 15_000);
    let mut created: HashSet<String> = HashSet::new();
    let mut first_request: HashMap<String, String> = HashMap::new();
    let mut current: HashMap<String, String> = HashMap::new();
    let mut finished: HashSet<String> = HashSet::new();
    for (instance, request, value) in instance_requests(&messages) {
        let first = first_request.entry(instance.clone()).or_insert_with(|| {
            let state = text(&value, "/payload/state");
            assert!(
                state.is_empty() || state == "building",
                "{instance} first {state}"
            );
            request.clone()
        });
        if *first != request {
            assert!(
                created.contains(&instance),
                "{instance} used before its create ended"
            );
        }
        if text(&value, "/event_type") == "compute.instance.create.end" {
            created.insert(instance.clone());
        }
        assert!(
            !finished.contains(&request),
            "request {request} resumed after another op"
        );
        if let Some(previous) = current.insert(instance, request.clone()) {
            if previous != request {
                finished.insert(previous);
            }
        }
    }
    assert!(created.len() > 50);
}

#[test]
fn end_of_day_exists_reports_the_launch_time_of_the_create() {
    let messages = generate(4, 15_000);
    let mut launched: HashMap<String, String> = HashMap::new();
    let mut changed: HashSet<String> = HashSet::new();
    let mut checked = 0;
    let mut requests_seen: HashSet<String> = HashSet::new();
    for (instance, request, value) in instance_requests(&messages) {
        let event = text(&value, "/event_type");
        let launched_at = text(&value, "/payload/launched_at").to_owned();
        let new_request = requests_seen.insert(request);
        if event == "compute.instance.create.end" && !launched_at.is_empty() {
            launched.insert(instance, launched_at);
        } else if event == "compute.instance.exists" && new_request {
            if let (Some(expected), false) = (launched.get(&instance), changed.contains(&instance))
            {
                assert_eq!(&launched_at, expected);
                checked += 1;
            }
        } else if launched.contains_key(&instance) {
            changed.insert(instance);
        }
    }
    assert!(checked > 10, "only {checked} end-of-day exists checked");
}

#[test]
fn publishers_follow_the_service_rules() {
    let messages = generate(5, 10_000);
    let mut requests: HashSet<String> = HashSet::new();
    let (mut api, mut scheduler) = (0, 0);
    for message in &messages {
        let value = json(message);
        let publisher = text(&value, "/publisher_id");
        let first = requests.insert(text(&value, "/_context_request_id").to_owned());
        if message.exchange == "glance" {
            assert!(publisher.starts_with("image.glance-api-"), "{publisher}");
        } else if message.event_type.starts_with("scheduler.") {
            assert!(publisher.starts_with("scheduler.scheduler-"), "{publisher}");
            scheduler += 1;
        } else if first && message.event_type == "compute.instance.update" {
            assert!(publisher.starts_with("api.api-"), "{publisher}");
            api += 1;
        } else {
            assert!(publisher.starts_with("compute.compute-"), "{publisher}");
            if let Some(host) = value.pointer("/payload/host").and_then(Value::as_str) {
                assert_eq!(publisher, format!("compute.{host}"));
            }
        }
    }
    assert!(
        api > 100 && scheduler > 100,
        "api {api}, scheduler {scheduler}"
    );
}

#[test]
fn errors_are_routed_to_monitor_error() {
    let messages = generate(6, 10_000);
    let mut errors = 0;
    for message in &messages {
        let value = json(message);
        let error = message.event_type.ends_with(".error") || text(&value, "/priority") == "ERROR";
        let prefix = match message.exchange.as_str() {
            "nova" => "monitor",
            "glance" => "monitor_glance",
            other => panic!("unexpected exchange {other}"),
        };
        let expected = format!("{prefix}.{}", if error { "error" } else { "info" });
        assert_eq!(message.routing_key, expected, "{}", message.event_type);
        assert_eq!(message.message_id, text(&value, "/message_id"));
        assert_eq!(message.event_type, text(&value, "/event_type"));
        errors += usize::from(error);
    }
    assert!(errors > 0);
}

#[test]
fn every_kind_of_operation_appears() {
    let events: HashSet<String> = generate(8, 20_000)
        .into_iter()
        .map(|m| m.event_type)
        .collect();
    for expected in [
        "compute.instance.create.end",
        "compute.instance.delete.end",
        "compute.instance.exists",
        "compute.instance.resize.prep.start",
        "compute.instance.resize.confirm.end",
        "compute.instance.rebuild.start",
        "compute.instance.rescue.end",
        "compute.instance.unrescue.end",
        "compute.instance.snapshot.start",
        "compute.instance.reboot.end",
        "compute.instance.power_off.end",
        "compute.instance.create.error",
    ] {
        assert!(events.contains(expected), "{expected} never generated");
    }
}

#[test]
fn one_operation_in_flight_means_no_interleaving() {
    let options = GeneratorOptions {
        max_in_flight: 1,
        ..GeneratorOptions::default()
    };
    let messages = Generator::new(9, options, START).take(3_000);
    let mut done: HashSet<String> = HashSet::new();
    let mut current = String::new();
    for message in &messages {
        let request = text(&json(message), "/_context_request_id").to_owned();
        if request != current {
            assert!(!done.contains(&request), "{request} interleaved");
            done.insert(std::mem::replace(&mut current, request));
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_notifications() {
    let bodies =
        |seed| -> Vec<String> { generate(seed, 2_000).into_iter().map(|m| m.body).collect() };
    assert_eq!(bodies(11), bodies(11));
    assert_ne!(bodies(11), bodies(12));
}
