//! Glance image notifications on exchange `glance`: uploads (`image.create`, `image.upload`,
//! `image.activate`), deletes (`image.delete`), end-of-day `image.exists` per owner with the
//! owner's images and an audit period, and failed uploads (an `ERROR` with a string payload, as
//! Glance sends them). Routing keys are `monitor_glance.info` and `monitor_glance.error`.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::outgoing::Outgoing;
use super::pools::{uuid, xuuid, Instance, Pools, USERS_PER_TENANT};
use super::scripted::{Effect, Image, Scripted};
use app::model::{format_micros, Micros};

const EXCHANGE: &str = "glance";
const DAY_MICROS: i64 = 86_400_000_000;

/// Glance's payload time format, `%Y-%m-%dT%H:%M:%S`.
fn iso(micros: i64) -> String {
    format_micros(Micros(micros))[..19].replacen(' ', "T", 1)
}

/// One glance notification: oslo v1 body with glance's request context.
pub(crate) struct Note<'a> {
    pub event_type: &'a str,
    pub error: bool,
    pub time: i64,
    pub owner: usize,
    pub request_id: &'a str,
    pub payload: Value,
}

fn render(rng: &mut StdRng, pools: &Pools, note: Note<'_>) -> (i64, Outgoing) {
    let host = &pools.glance_hosts[rng.random_range(0..pools.glance_hosts.len())];
    let message_id = uuid(rng);
    let tenant = &pools.tenants[note.owner];
    let body = json!({
        "event_type": note.event_type,
        "priority": if note.error { "ERROR" } else { "INFO" },
        "publisher_id": format!("image.{host}"),
        "timestamp": format_micros(Micros(note.time)),
        "message_id": message_id,
        "_context_request_id": note.request_id,
        "_context_tenant": tenant,
        "_context_user": pools.users[note.owner * USERS_PER_TENANT],
        "_context_roles": ["member"],
        "_context_is_admin": false,
        "_context_read_only": false,
        "_context_show_deleted": false,
        "_context_owner_is_tenant": true,
        "payload": note.payload,
    });
    let routing_key = if note.error {
        "monitor_glance.error"
    } else {
        "monitor_glance.info"
    };
    let outgoing = Outgoing {
        exchange: EXCHANGE.to_owned(),
        routing_key: routing_key.to_owned(),
        message_id,
        event_type: note.event_type.to_owned(),
        body: body.to_string(),
    };
    (note.time, outgoing)
}

/// The image payload Glance sends (v1 image dict).
fn image_payload(image: &Image, pools: &Pools, status: &str, size: u64, at: i64) -> Value {
    let mut properties = json!({
        "image_type": if image.instance_uuid.is_some() { "snapshot" } else { "base" },
        "os_type": "linux",
        "auto_disk_config": "True",
        "org.openstack__1__architecture": "x64",
        "org.openstack__1__os_distro": "org.ubuntu",
        "org.openstack__1__os_version": "12.04",
        "com.rackspace__1__options": "0",
    });
    if let Some(instance) = &image.instance_uuid {
        properties["instance_uuid"] = json!(instance);
        properties["base_image_ref"] = json!(pools.images[0]);
        properties["user_id"] = json!(pools.users[image.owner * USERS_PER_TENANT]);
    }
    let deleted = status == "deleted";
    json!({
        "id": image.id,
        "name": image.name,
        "status": status,
        "size": size,
        "owner": pools.tenants[image.owner],
        "created_at": iso(image.created_at),
        "updated_at": iso(at),
        "deleted_at": if deleted { json!(iso(at)) } else { Value::Null },
        "deleted": deleted,
        "disk_format": "vhd",
        "container_format": "ovf",
        "checksum": if size > 0 { json!(image.checksum) } else { Value::Null },
        "min_disk": 40,
        "min_ram": 512,
        "is_public": false,
        "protected": false,
        "properties": properties,
    })
}

/// A new image uploaded by `owner`: a snapshot of `instance` when given, else a base image.
pub(crate) fn upload(
    rng: &mut StdRng,
    pools: &Pools,
    (now, scale): (i64, f64),
    instance: Option<&Instance>,
) -> Scripted {
    let owner = instance.map_or_else(|| rng.random_range(0..pools.tenants.len()), |i| i.tenant);
    let image = Image {
        id: uuid(rng),
        owner,
        name: match instance {
            Some(i) => format!("{}-snapshot-{}", i.display_name, rng.random_range(1..100)),
            None => format!("ubuntu-12.04-custom-{}", rng.random_range(1..1000)),
        },
        size: rng.random_range(200..40_000) * 1_048_576,
        created_at: now,
        instance_uuid: instance.map(|i| i.uuid.clone()),
        checksum: xuuid(rng),
    };
    let request_id = format!("req-{}", uuid(rng));
    let uploaded = now + scaled(rng.random_range(5.0..180.0), scale);
    let activated = uploaded + scaled(0.05, scale);
    let steps = [
        ("image.create", now, "queued", 0),
        ("image.upload", uploaded, "active", image.size),
        ("image.activate", activated, "active", image.size),
    ];
    let notifications = steps
        .into_iter()
        .map(|(event_type, time, status, size)| {
            let payload = image_payload(&image, pools, status, size, time);
            let note = Note {
                event_type,
                error: false,
                time,
                owner,
                request_id: &request_id,
                payload,
            };
            render(rng, pools, note)
        })
        .collect();
    Scripted {
        notifications,
        effect: Effect::AddImage(image),
    }
}

/// `image.delete` of an active image.
pub(crate) fn delete(rng: &mut StdRng, pools: &Pools, now: i64, image: Image) -> Scripted {
    let request_id = format!("req-{}", uuid(rng));
    let payload = image_payload(&image, pools, "deleted", image.size, now);
    let note = Note {
        event_type: "image.delete",
        error: false,
        time: now,
        owner: image.owner,
        request_id: &request_id,
        payload,
    };
    Scripted {
        notifications: [render(rng, pools, note)].into(),
        effect: Effect::DeleteImage(image, now),
    }
}

/// End-of-day `image.exists` for `owner`: every image it had during the previous UTC day.
pub(crate) fn exists(
    rng: &mut StdRng,
    pools: &Pools,
    now: i64,
    owner: usize,
    images: &[(&Image, Option<i64>)],
) -> Scripted {
    let ending = now.div_euclid(DAY_MICROS) * DAY_MICROS;
    let beginning = ending - DAY_MICROS;
    let day = |t: i64| format_micros(Micros(t))[..19].to_owned();
    let listed: Vec<Value> = images
        .iter()
        .map(|(image, deleted_at)| {
            json!({
                "id": image.id,
                "created_at": iso(image.created_at),
                "deleted_at": deleted_at.map(iso),
                "size": image.size,
                "status": if deleted_at.is_some() { "deleted" } else { "active" },
                "properties": {"image_type": if image.instance_uuid.is_some() { "snapshot" } else { "base" }},
            })
        })
        .collect();
    let payload = json!({
        "owner": pools.tenants[owner],
        "audit_period_beginning": day(beginning),
        "audit_period_ending": day(ending),
        "images": listed,
    });
    let request_id = format!("req-{}", uuid(rng));
    let note = Note {
        event_type: "image.exists",
        error: false,
        time: now,
        owner,
        request_id: &request_id,
        payload,
    };
    Scripted {
        notifications: [render(rng, pools, note)].into(),
        effect: Effect::None,
    }
}

/// A failed upload: Glance sends the error text as the whole payload.
pub(crate) fn upload_error(rng: &mut StdRng, pools: &Pools, now: i64) -> Scripted {
    let owner = rng.random_range(0..pools.tenants.len());
    let request_id = format!("req-{}", uuid(rng));
    let text = match rng.random_range(0..3) {
        0 => "Image storage media is full: There is not enough disk space on the image storage media.",
        1 => "Error in store configuration. Adding images to store is disabled.",
        _ => "Connection to the object store was lost while uploading image data.",
    };
    let note = Note {
        event_type: "image.upload",
        error: true,
        time: now,
        owner,
        request_id: &request_id,
        payload: json!(text),
    };
    Scripted {
        notifications: [render(rng, pools, note)].into(),
        effect: Effect::None,
    }
}

/// `seconds` of template time scaled to simulated microseconds (at least 1).
pub(crate) fn scaled(seconds: f64, scale: f64) -> i64 {
    ((seconds * 1e6 * scale).round() as i64).max(1)
}
