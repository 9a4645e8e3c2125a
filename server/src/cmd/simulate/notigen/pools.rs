//! Where generated values come from: the pools shared by every operation of a generator
//! (tenants, users, compute/scheduler/api hosts, images), the instances operations act on, and
//! fresh identifiers and addresses, all drawn from the generator's seeded rng.

use rand::rngs::StdRng;
use rand::Rng;
use uuid::Uuid;

const TENANTS: usize = 20;
pub(crate) const USERS_PER_TENANT: usize = 3;
const COMPUTE_HOSTS: usize = 30;
pub(crate) const SCHEDULER_HOSTS: usize = 3;
pub(crate) const API_HOSTS: usize = 4;
const GLANCE_HOSTS: usize = 2;
const IMAGES: usize = 8;
const NAME_PREFIXES: [&str; 10] = [
    "web", "db", "api", "cache", "worker", "build", "ci", "batch", "proxy", "search",
];

/// A fresh random (version 4) uuid with dashes, from the generator's seeded rng.
pub(crate) fn uuid(rng: &mut StdRng) -> String {
    let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
    id.hyphenated()
        .encode_lower(&mut Uuid::encode_buffer())
        .to_owned()
}

/// A fresh random uuid as 32 hex digits (notigen's XUUID).
pub(crate) fn xuuid(rng: &mut StdRng) -> String {
    let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
    id.simple()
        .encode_lower(&mut Uuid::encode_buffer())
        .to_owned()
}

pub(crate) fn ipv4(rng: &mut StdRng) -> String {
    let [a, b]: [u8; 2] = rng.random();
    format!("10.{a}.{b}.{}", rng.random_range(2..255_u8))
}

pub(crate) fn ipv6(rng: &mut StdRng) -> String {
    let [a, b, c]: [u16; 3] = rng.random();
    format!("2001:db8:{a:x}:{b:x}::{c:x}")
}

/// Tenants, users, hosts and images shared by every operation of one generator.
pub(crate) struct Pools {
    pub(crate) tenants: Vec<String>,
    /// `USERS_PER_TENANT` consecutive users per tenant.
    pub(crate) users: Vec<String>,
    pub(crate) compute_hosts: Vec<String>,
    pub(crate) scheduler_hosts: Vec<String>,
    pub(crate) api_hosts: Vec<String>,
    pub(crate) glance_hosts: Vec<String>,
    pub(crate) images: Vec<String>,
}

impl Pools {
    pub(crate) fn new(rng: &mut StdRng) -> Self {
        let compute = |i: usize| format!("compute-{:04}.cell{}.example.net", i + 1, i / 15 + 1);
        Self {
            tenants: (0..TENANTS).map(|_| xuuid(rng)).collect(),
            users: (0..TENANTS * USERS_PER_TENANT)
                .map(|_| xuuid(rng))
                .collect(),
            compute_hosts: (0..COMPUTE_HOSTS).map(compute).collect(),
            scheduler_hosts: (1..=SCHEDULER_HOSTS)
                .map(|i| format!("scheduler-{i:02}.example.net"))
                .collect(),
            api_hosts: (1..=API_HOSTS)
                .map(|i| format!("api-{i:02}.example.net"))
                .collect(),
            glance_hosts: (1..=GLANCE_HOSTS)
                .map(|i| format!("glance-api-{i:02}.example.net"))
                .collect(),
            images: (0..IMAGES).map(|_| uuid(rng)).collect(),
        }
    }
}

/// An instance: created by a create operation, then acted on by later operations.
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    pub(crate) uuid: String,
    /// Index into `Pools::tenants`.
    pub(crate) tenant: usize,
    /// Index into `Pools::users` (one of the tenant's users).
    pub(crate) user: usize,
    /// Index into `Pools::compute_hosts`.
    pub(crate) host: usize,
    pub(crate) display_name: String,
    pub(crate) reservation_id: String,
    pub(crate) image: String,
    pub(crate) v4: String,
    pub(crate) v6: String,
    /// UTC microseconds, like every time here.
    pub(crate) created_at: i64,
    pub(crate) launched_at: i64,
}

impl Instance {
    /// A new instance (times are set by the create operation).
    pub(crate) fn new(rng: &mut StdRng, pools: &Pools) -> Self {
        let tenant = rng.random_range(0..TENANTS);
        let prefix = NAME_PREFIXES[rng.random_range(0..NAME_PREFIXES.len())];
        Self {
            uuid: uuid(rng),
            tenant,
            user: tenant * USERS_PER_TENANT + rng.random_range(0..USERS_PER_TENANT),
            host: rng.random_range(0..COMPUTE_HOSTS),
            display_name: format!("{prefix}-{:03}", rng.random_range(0..1000)),
            reservation_id: format!("r-{}", &xuuid(rng)[..8]),
            image: pools.images[rng.random_range(0..IMAGES)].clone(),
            v4: ipv4(rng),
            v6: ipv6(rng),
            created_at: 0,
            launched_at: 0,
        }
    }
}
