//! The observable assertions of v2's `test_stacktach.py` and the glance parts of
//! `test_notification.py`, against the pure aggregation (behaviour, not ORM call order), and
//! `totality`: random and mutated notification bodies through parse and aggregate, never a panic.

mod exists;
mod image;
mod lifecycle;
mod totality;
mod usage;

use super::*;
use crate::notification::time::PayloadTime;
use crate::notification::{self, Detail, NovaDetail};

const INSTANCE_ID_1: &str = "2222bbbb-6352-4dbc-8271-96cc54bf14cd";
const REQUEST_ID_1: &str = "req-8888bbbb-9e47-4b27-a95e-27996cc40c06";
const TENANT_ID_1: &str = "testtenantid1";
const MESSAGE_ID_1: &str = "4444dddd-29a2-43f2-9ba1-ccb3e53ab6c8";
const INSTANCE_TYPE_ID_1: &str = "12345";
const INSTANCE_TYPE_ID_2: &str = "54321";
const INSTANCE_FLAVOR_ID_1: &str = "1";
const INSTANCE_FLAVOR_ID_2: &str = "performance2-120";
const RAX_OPTIONS_1: &str = "1";
const OS_ARCH_1: &str = "x86";
const OS_VERSION_1: &str = "1";
const OS_DISTRO_1: &str = "linux";
const BANDWIDTH_PUBLIC_OUTBOUND: i64 = 1_697_240_969;
/// 2013-06-20 17:31:57.939614 UTC.
const DUMMY_TIME: i64 = 1_371_749_517_939_614;
const HOUR: i64 = 3_600_000_000;

/// An owned event to aggregate.
struct Event {
    raw_id: i64,
    event: String,
    service: String,
    when: i64,
    request_id: String,
    instance: Option<String>,
    tenant: Option<String>,
    message_id: Option<String>,
    detail: Detail,
}

impl Event {
    fn input(&self) -> Input<'_> {
        Input {
            raw_id: self.raw_id,
            deployment_id: 1,
            exchange: match self.detail {
                Detail::Glance(_) => "glance",
                _ => "nova",
            },
            event: &self.event,
            service: &self.service,
            routing_key: "monitor.info",
            when: self.when,
            request_id: &self.request_id,
            instance: self.instance.as_deref(),
            host: None,
            tenant: self.tenant.as_deref(),
            message_id: self.message_id.as_deref(),
            detail: &self.detail,
        }
    }

    fn service(mut self, service: &str) -> Self {
        self.service = service.to_string();
        self
    }

    fn request(mut self, request_id: &str) -> Self {
        self.request_id = request_id.to_string();
        self
    }

    fn nova(mut self, change: impl FnOnce(&mut NovaDetail)) -> Self {
        if let Detail::Nova(nova) = &mut self.detail {
            change(nova);
        }
        self
    }
}

/// The v2 tests' mock notification: every usage attribute set, launched at `DUMMY_TIME`.
fn full_nova() -> NovaDetail {
    let text = |s: &str| Some(s.to_string());
    NovaDetail {
        state: text("active"),
        old_task: text(""),
        launched_at: PayloadTime::Valid(DUMMY_TIME),
        instance_type_id: text(INSTANCE_TYPE_ID_1),
        instance_flavor_id: text(INSTANCE_FLAVOR_ID_1),
        image_meta: notification::ImageMeta {
            os_architecture: text(OS_ARCH_1),
            os_distro: text(OS_DISTRO_1),
            os_version: text(OS_VERSION_1),
            rax_options: text(RAX_OPTIONS_1),
        },
        bandwidth_public_out: BANDWIDTH_PUBLIC_OUTBOUND,
        ..NovaDetail::default()
    }
}

/// A nova event on `INSTANCE_ID_1` with request `REQUEST_ID_1` from a compute node.
fn nova(raw_id: i64, event: &str, when: i64) -> Event {
    Event {
        raw_id,
        event: event.to_string(),
        service: "compute".into(),
        when,
        request_id: REQUEST_ID_1.into(),
        instance: Some(INSTANCE_ID_1.into()),
        tenant: Some(TENANT_ID_1.into()),
        message_id: Some(MESSAGE_ID_1.into()),
        detail: Detail::Nova(Box::new(full_nova())),
    }
}

/// A glance event parsed from a JSON body, as the consumer would.
fn glance(raw_id: i64, body: serde_json::Value) -> Event {
    let n = notification::parse("glance", body.to_string().as_bytes()).expect("glance parses");
    Event {
        raw_id,
        event: n.event,
        service: n.service,
        when: n.when,
        request_id: n.request_id,
        instance: n.instance,
        tenant: n.tenant,
        message_id: n.message_id,
        detail: n.detail,
    }
}

fn run(events: &[Event], stored: Stored) -> Writes {
    let inputs: Vec<Input<'_>> = events.iter().map(Event::input).collect();
    aggregate(&inputs, stored)
}

fn text(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn keys_name_only_what_the_rules_read() {
    let events = [
        nova(1, "compute.instance.update", 0).service("api"),
        nova(2, "compute.instance.create.start", 1),
        nova(3, "compute.instance.create.end", 2),
        nova(4, "compute.instance.update", 3).request(""),
    ];
    let inputs: Vec<Input<'_>> = events.iter().map(Event::input).collect();
    let keys = keys(&inputs);
    assert_eq!(keys.timing_instances, [INSTANCE_ID_1]);
    assert_eq!(keys.request_ids, [REQUEST_ID_1]);
    assert_eq!(keys.usage_instances, [INSTANCE_ID_1]);
    assert!(keys.image_uuids.is_empty());
    assert!(!keys.is_empty());
}

#[test]
fn lock_keys_cover_every_instance_and_request_once_in_order() {
    let mut other = nova(3, "compute.instance.update", 2).request("req-other");
    other.instance = Some("other-instance".into());
    let events = [
        nova(1, "compute.instance.update", 0),
        nova(2, "compute.instance.create.start", 1),
        other,
    ];
    let inputs: Vec<Input<'_>> = events.iter().map(Event::input).collect();
    let locks = lock_keys(&inputs);
    assert_eq!(locks.len(), 4, "two instances and two requests: {locks:?}");
    assert!(locks.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
    // Stable across runs and processes (two workers must agree), tagged by kind.
    assert_eq!(lock_keys(&inputs[..1]), lock_keys(&inputs[1..2]));
    assert_ne!(lock_keys(&inputs[..1]), lock_keys(&inputs[2..]));
    let mut generic = nova(4, "compute.instance.update", 3);
    generic.detail = Detail::Generic;
    assert!(lock_keys(&[generic.input()]).is_empty());
}

#[test]
fn generic_events_aggregate_nothing() {
    let mut event = nova(1, "compute.instance.create.start", 0);
    event.detail = Detail::Generic;
    let writes = run(&[event], Stored::default());
    assert!(writes.lifecycles.is_empty() && writes.timings.is_empty() && writes.usages.is_empty());
}
