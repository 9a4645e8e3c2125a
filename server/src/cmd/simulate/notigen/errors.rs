//! Failed Nova operations: `compute.instance.<op>.start` from the instance's compute host,
//! then `compute.instance.<op>.error` (priority `ERROR`, routing key `monitor.error`) with the
//! exception in the payload, as Nova reports a fault. The instance stays as it was.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::glance::scaled;
use super::outgoing::Outgoing;
use super::pools::{uuid, Instance, Pools};
use super::scripted::{Effect, Scripted};
use app::model::{format_micros, Micros};

/// Operations that fail, with the exception each raises and its message.
const FAILURES: [(&str, &str, &str); 6] = [
    (
        "resize",
        "ResizeError",
        "Resize error: not able to execute ssh command: Unexpected error while running command.",
    ),
    (
        "rebuild",
        "InstanceNotRunning",
        "Instance is not running: the hypervisor reported a different power state.",
    ),
    (
        "reboot",
        "InstanceRebootFailure",
        "Failed to reboot instance: VM did not respond to the shutdown request in time.",
    ),
    (
        "power_off",
        "InstanceFaultRollback",
        "Instance rollback performed due to: The hypervisor refused the power-off request.",
    ),
    (
        "snapshot",
        "ImageNotFound",
        "Image could not be found while uploading the snapshot to glance.",
    ),
    (
        "rescue",
        "InstanceNotRescuable",
        "Instance cannot be rescued: rescue image could not be prepared.",
    ),
];

/// A failed operation on `instance`, starting at `now`.
pub(crate) fn failed_operation(
    rng: &mut StdRng,
    pools: &Pools,
    (now, scale): (i64, f64),
    instance: Instance,
) -> Scripted {
    let (op, exception, message) = FAILURES[rng.random_range(0..FAILURES.len())];
    let request_id = format!("req-{}", uuid(rng));
    let failed_at = now + scaled(rng.random_range(2.0..90.0), scale);
    let start = render(rng, pools, &instance, &request_id, (op, "start"), now, None);
    let fault = Some((exception, message));
    let error = render(
        rng,
        pools,
        &instance,
        &request_id,
        (op, "error"),
        failed_at,
        fault,
    );
    Scripted {
        notifications: [(now, start), (failed_at, error)].into(),
        effect: Effect::ReleaseInstance(instance),
    }
}

fn render(
    rng: &mut StdRng,
    pools: &Pools,
    instance: &Instance,
    request_id: &str,
    (op, phase): (&str, &str),
    time: i64,
    fault: Option<(&str, &str)>,
) -> Outgoing {
    let host = &pools.compute_hosts[instance.host];
    let tenant = &pools.tenants[instance.tenant];
    let user = &pools.users[instance.user];
    let event_type = format!("compute.instance.{op}.{phase}");
    let message_id = uuid(rng);
    let mut payload = instance_payload(instance, pools);
    if let Some((exception, message)) = fault {
        payload["message"] = json!(message);
        payload["code"] = json!(500);
        payload["exception"] = json!({"kwargs": {"code": 500}, "class": exception});
        payload["state_description"] = json!("");
    }
    let body = json!({
        "event_type": event_type,
        "priority": if fault.is_some() { "ERROR" } else { "INFO" },
        "publisher_id": format!("compute.{host}"),
        "timestamp": format_micros(Micros(time)),
        "message_id": message_id,
        "_context_request_id": request_id,
        "_context_project_id": tenant,
        "_context_tenant": tenant,
        "_context_project_name": tenant,
        "_context_user_id": user,
        "_context_user": user,
        "_context_user_name": user,
        "_context_is_admin": false,
        "_context_roles": ["compute:default", "object-store:default"],
        "_context_timestamp": format_micros(Micros(time)),
        "_context_read_deleted": "no",
        "_context_remote_address": instance.v4,
        "payload": payload,
    });
    let routing_key = if fault.is_some() {
        "monitor.error"
    } else {
        "monitor.info"
    };
    Outgoing {
        exchange: "nova".to_owned(),
        routing_key: routing_key.to_owned(),
        message_id,
        event_type,
        body: body.to_string(),
    }
}

/// The instance part of a Nova payload.
fn instance_payload(instance: &Instance, pools: &Pools) -> Value {
    let host = &pools.compute_hosts[instance.host];
    json!({
        "instance_id": instance.uuid,
        "tenant_id": pools.tenants[instance.tenant],
        "user_id": pools.users[instance.user],
        "display_name": instance.display_name,
        "hostname": instance.display_name,
        "reservation_id": instance.reservation_id,
        "host": host,
        "node": host,
        "state": "active",
        "state_description": "",
        "instance_type": "4 GB Performance",
        "instance_type_id": 11,
        "instance_flavor_id": "performance1-4",
        "memory_mb": 4096,
        "vcpus": 4,
        "root_gb": 40,
        "disk_gb": 80,
        "ephemeral_gb": 40,
        "architecture": "x64",
        "os_type": "linux",
        "image_ref_url": format!("http://{}:9292/images/{}", instance.v4, instance.image),
        "image_meta": {"image_type": "base", "base_image_ref": instance.image, "os_type": "linux"},
        "access_ip_v4": instance.v4,
        "access_ip_v6": instance.v6,
        "created_at": format_micros(Micros(instance.created_at)),
        "launched_at": format_micros(Micros(instance.launched_at)),
        "deleted_at": "",
        "terminated_at": "",
        "metadata": {},
    })
}
