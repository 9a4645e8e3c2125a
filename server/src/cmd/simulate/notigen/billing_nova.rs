//! The Nova side of a billing day (`billing`): one instance's launch, resize, delete and reboot
//! notifications and its `compute.instance.exists`, written so that what StackTach aggregates
//! from them verifies: every notification of an instance carries the same tenant, image meta
//! and (until a resize) flavor, and `launched_at`/`deleted_at` are the exact times the launch
//! and delete carried.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::outgoing::Outgoing;
use super::pools::{ipv4, uuid, Pools, USERS_PER_TENANT};
use app::model::{format_micros, Micros};

const SEC: i64 = 1_000_000;

/// A flavor: `instance_type_id`, `instance_flavor_id`, name, memory (MB), vCPUs, disk (GB).
pub(crate) type Flavor = (u32, &'static str, &'static str, u32, u32, u32);

/// The flavors of the billing day's instances.
pub(crate) const FLAVORS: [Flavor; 6] = [
    (2, "2", "512MB Standard Instance", 512, 1, 20),
    (3, "3", "1GB Standard Instance", 1024, 1, 40),
    (4, "4", "2GB Standard Instance", 2048, 2, 80),
    (5, "5", "4GB Standard Instance", 4096, 2, 160),
    (6, "6", "8GB Standard Instance", 8192, 4, 320),
    (7, "7", "15GB Standard Instance", 15360, 6, 620),
];

/// A billing-day instance and what StackTach will know of it.
#[derive(Debug, Clone)]
pub(crate) struct Billed {
    pub uuid: String,
    /// Indexes into `Pools::tenants`, `users` and `compute_hosts`.
    pub tenant: usize,
    pub user: usize,
    pub host: usize,
    pub name: String,
    pub image: String,
    /// Index into [`FLAVORS`]: the flavor of the current launch.
    pub flavor: usize,
    pub created_at: i64,
    /// The current launch (µs), once launched.
    pub launched_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

impl Billed {
    pub(crate) fn new(rng: &mut StdRng, pools: &Pools) -> Self {
        let tenant = rng.random_range(0..pools.tenants.len());
        Self {
            uuid: uuid(rng),
            tenant,
            user: tenant * USERS_PER_TENANT + rng.random_range(0..USERS_PER_TENANT),
            host: rng.random_range(0..pools.compute_hosts.len()),
            name: format!("billing-{:04}", rng.random_range(0..10_000)),
            image: pools.images[rng.random_range(0..pools.images.len())].clone(),
            flavor: rng.random_range(0..FLAVORS.len()),
            created_at: 0,
            launched_at: None,
            deleted_at: None,
        }
    }
}

/// A payload time, `YYYY-MM-DD HH:MM:SS.ffffff` (as the templates write them).
fn time(us: Option<i64>) -> Value {
    us.map_or(json!(""), |us| json!(format_micros(Micros(us))))
}

/// The payload every notification of `b` carries, with flavor `flavor` and state `state`.
fn payload(b: &Billed, pools: &Pools, flavor: usize, state: &str) -> Value {
    let (type_id, flavor_id, name, memory, vcpus, disk) = FLAVORS[flavor];
    let host = &pools.compute_hosts[b.host];
    json!({
        "instance_id": b.uuid,
        "tenant_id": pools.tenants[b.tenant],
        "user_id": pools.users[b.user],
        "display_name": b.name,
        "hostname": b.name,
        "host": host,
        "node": host,
        "state": state,
        "state_description": "",
        "instance_type_id": type_id,
        "instance_flavor_id": flavor_id,
        "instance_type": name,
        "memory_mb": memory,
        "vcpus": vcpus,
        "root_gb": disk,
        "disk_gb": disk,
        "ephemeral_gb": 0,
        "created_at": time(Some(b.created_at)),
        "launched_at": time(b.launched_at),
        "deleted_at": "",
        "terminated_at": "",
        "image_ref_url": format!("http://glance-api-01.example.net:9292/images/{}", b.image),
        "image_meta": {
            "base_image_ref": b.image,
            "image_type": "base",
            "os_type": "linux",
            "org.openstack__1__architecture": "x64",
            "org.openstack__1__os_distro": "org.ubuntu",
            "org.openstack__1__os_version": "12.04",
            "com.rackspace__1__options": "0",
        },
        "architecture": "x64",
        "os_type": "linux",
        "metadata": {},
    })
}

/// One nova notification about `b`, published by its compute host.
pub(crate) struct NovaNote<'a> {
    pub event_type: &'a str,
    pub time: i64,
    pub request_id: &'a str,
    pub payload: Value,
}

pub(crate) fn render(
    rng: &mut StdRng,
    b: &Billed,
    pools: &Pools,
    n: NovaNote<'_>,
) -> (i64, Outgoing) {
    let message_id = uuid(rng);
    let tenant = &pools.tenants[b.tenant];
    let body = json!({
        "event_type": n.event_type,
        "priority": "INFO",
        "publisher_id": format!("compute.{}", pools.compute_hosts[b.host]),
        "timestamp": format_micros(Micros(n.time)),
        "message_id": message_id,
        "_context_request_id": n.request_id,
        "_context_user_id": pools.users[b.user],
        "_context_project_id": tenant,
        "_context_tenant": tenant,
        "_context_remote_address": ipv4(rng),
        "_context_roles": ["member"],
        "_context_is_admin": false,
        "payload": n.payload,
    });
    let outgoing = Outgoing {
        exchange: "nova".to_owned(),
        routing_key: "monitor.info".to_owned(),
        message_id,
        event_type: n.event_type.to_owned(),
        body: body.to_string(),
    };
    (n.time, outgoing)
}

/// Renders `(event, offset from start, state, flavor)` steps of one request of `b`.
fn steps(
    rng: &mut StdRng,
    b: &Billed,
    pools: &Pools,
    (request_id, start): (&str, i64),
    list: &[(&str, i64, &str, usize)],
) -> Vec<(i64, Outgoing)> {
    list.iter()
        .map(|&(event_type, offset, state, flavor)| {
            let payload = payload(b, pools, flavor, state);
            let note = NovaNote {
                event_type,
                time: start + offset,
                request_id,
                payload,
            };
            render(rng, b, pools, note)
        })
        .collect()
}

/// `create.start` at `start`, `create.end` 20–80 s later; `b` is launched just before the end.
pub(crate) fn create(
    rng: &mut StdRng,
    b: &mut Billed,
    pools: &Pools,
    start: i64,
) -> Vec<(i64, Outgoing)> {
    let end = rng.random_range(20 * SEC..80 * SEC);
    b.created_at = start;
    let request_id = format!("req-{}", uuid(rng));
    let mut out = steps(
        rng,
        b,
        pools,
        (&request_id, start),
        &[("compute.instance.create.start", 0, "building", b.flavor)],
    );
    b.launched_at = Some(start + end - rng.random_range(100_000..900_000));
    out.extend(steps(
        rng,
        b,
        pools,
        (&request_id, start),
        &[("compute.instance.create.end", end, "active", b.flavor)],
    ));
    out
}

/// A resize to flavor `to`: Nova's `exists` for the old launch (period so far), `resize.prep.start`
/// with the old flavor, `finish_resize.start`/`.end` with the new one and a new launch.
pub(crate) fn resize(
    rng: &mut StdRng,
    b: &mut Billed,
    pools: &Pools,
    (start, period_begin): (i64, i64),
    to: usize,
) -> Vec<(i64, Outgoing)> {
    let request_id = format!("req-{}", uuid(rng));
    let mut exists = payload(b, pools, b.flavor, "active");
    exists["audit_period_beginning"] = time(Some(period_begin));
    exists["audit_period_ending"] = time(Some(start));
    exists["bandwidth"] = bandwidth(rng);
    let note = NovaNote {
        event_type: "compute.instance.exists",
        time: start,
        request_id: &request_id,
        payload: exists,
    };
    let mut out = vec![render(rng, b, pools, note)];
    let mut prep = payload(b, pools, b.flavor, "active");
    prep["new_instance_type_id"] = json!(FLAVORS[to].0);
    let note = NovaNote {
        event_type: "compute.instance.resize.prep.start",
        time: start + SEC,
        request_id: &request_id,
        payload: prep,
    };
    out.push(render(rng, b, pools, note));
    let finish = start + rng.random_range(30 * SEC..60 * SEC);
    let note = NovaNote {
        event_type: "compute.instance.finish_resize.start",
        time: finish,
        request_id: &request_id,
        payload: payload(b, pools, to, "resized"),
    };
    out.push(render(rng, b, pools, note));
    b.flavor = to;
    b.launched_at = Some(finish + rng.random_range(5 * SEC..20 * SEC));
    let end = b.launched_at.unwrap_or(finish) + 500_000;
    let note = NovaNote {
        event_type: "compute.instance.finish_resize.end",
        time: end,
        request_id: &request_id,
        payload: payload(b, pools, to, "resized"),
    };
    out.push(render(rng, b, pools, note));
    out
}

/// `delete.start`, then `delete.end` with `terminated_at`/`deleted_at` a few seconds later.
pub(crate) fn delete(
    rng: &mut StdRng,
    b: &mut Billed,
    pools: &Pools,
    start: i64,
) -> Vec<(i64, Outgoing)> {
    let request_id = format!("req-{}", uuid(rng));
    let mut out = steps(
        rng,
        b,
        pools,
        (&request_id, start),
        &[("compute.instance.delete.start", 0, "active", b.flavor)],
    );
    let deleted = start + rng.random_range(2 * SEC..8 * SEC);
    b.deleted_at = Some(deleted);
    let mut end = payload(b, pools, b.flavor, "deleted");
    end["terminated_at"] = time(Some(deleted));
    end["deleted_at"] = time(Some(deleted));
    let note = NovaNote {
        event_type: "compute.instance.delete.end",
        time: deleted + 500_000,
        request_id: &request_id,
        payload: end,
    };
    out.push(render(rng, b, pools, note));
    out
}

/// A reboot whose notifications carry `launched_at` = `relaunched` (a launch StackTach never
/// heard of: the planted "missing launch").
pub(crate) fn reboot(
    rng: &mut StdRng,
    b: &mut Billed,
    pools: &Pools,
    start: i64,
    relaunched: i64,
) -> Vec<(i64, Outgoing)> {
    b.launched_at = Some(relaunched);
    let end = rng.random_range(10 * SEC..40 * SEC);
    let request_id = format!("req-{}", uuid(rng));
    steps(
        rng,
        b,
        pools,
        (&request_id, start),
        &[
            ("compute.instance.reboot.start", 0, "active", b.flavor),
            ("compute.instance.reboot.end", end, "active", b.flavor),
        ],
    )
}

/// The end-of-period `compute.instance.exists` of `b` for `[begin, end]`, reporting flavor
/// `flavor` and `deleted_at` when `with_deleted_at`.
pub(crate) fn exists(
    rng: &mut StdRng,
    b: &Billed,
    pools: &Pools,
    (at, begin, end): (i64, i64, i64),
    (flavor, with_deleted_at): (usize, bool),
) -> (i64, Outgoing) {
    let deleted = b.deleted_at.filter(|_| with_deleted_at);
    let mut p = payload(
        b,
        pools,
        flavor,
        if deleted.is_some() {
            "deleted"
        } else {
            "active"
        },
    );
    p["audit_period_beginning"] = time(Some(begin));
    p["audit_period_ending"] = time(Some(end));
    p["deleted_at"] = time(deleted);
    p["terminated_at"] = time(deleted);
    p["bandwidth"] = bandwidth(rng);
    let request_id = format!("req-{}", uuid(rng));
    render(
        rng,
        b,
        pools,
        NovaNote {
            event_type: "compute.instance.exists",
            time: at,
            request_id: &request_id,
            payload: p,
        },
    )
}

fn bandwidth(rng: &mut StdRng) -> Value {
    let mut bytes = || rng.random_range(0..5_000_000_000_u64);
    json!({"public": {"bw_in": bytes(), "bw_out": bytes()}, "private": {"bw_in": bytes(), "bw_out": bytes()}})
}
