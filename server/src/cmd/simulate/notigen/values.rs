//! The values one operation fills its template with (fresh identifiers, the instance's identity,
//! resolved times, publishers), and the rendering of a notification by concatenating the
//! template's literals and these values.

use rand::rngs::StdRng;
use rand::Rng;

use super::body::Body;
use super::pools::{ipv4, ipv6, uuid, xuuid, Instance, Pools, API_HOSTS, SCHEDULER_HOSTS};
use super::slots::{Named, Slot};
use super::templates::Template;
use app::model::{format_micros, Micros};

/// Everything one operation substitutes into its template.
pub(crate) struct OpValues {
    uuids: Vec<String>,
    xuuids: Vec<String>,
    v4: Vec<String>,
    v6: Vec<String>,
    dts: Vec<String>,
    /// Resolved `DT_n` times in microseconds.
    pub dt_micros: Vec<i64>,
    named: [String; Named::PER_OPERATION],
    /// Indexed by `Publisher`.
    publishers: [String; 3],
}

impl OpValues {
    /// Draws fresh values for `template` started at `start` on `instance`.
    ///
    /// A `new_instance` gets its creation time from the template; an existing one keeps its own
    /// creation and launch times wherever the template shows times from before the operation.
    pub(crate) fn new(
        template: &Template,
        instance: &mut Instance,
        new_instance: bool,
        pools: &Pools,
        rng: &mut StdRng,
        (start, scale): (i64, f64),
    ) -> Self {
        let counts = template.counts;
        let binding = &template.binding;
        let mut uuids: Vec<String> = (0..counts.uuid).map(|_| uuid(rng)).collect();
        let mut xuuids: Vec<String> = (0..counts.xuuid).map(|_| xuuid(rng)).collect();
        let mut v4: Vec<String> = (0..counts.v4).map(|_| ipv4(rng)).collect();
        let mut v6: Vec<String> = (0..counts.v6).map(|_| ipv6(rng)).collect();
        let set = |values: &mut Vec<String>, indexes: &[u16], value: &str| {
            for &i in indexes {
                values[usize::from(i)] = value.to_owned();
            }
        };
        set(&mut uuids, &binding.instance_uuids, &instance.uuid);
        set(&mut uuids, &binding.image_uuids, &instance.image);
        set(
            &mut xuuids,
            &binding.user_xuuids,
            &pools.users[instance.user],
        );
        set(&mut v4, &binding.access_v4, &instance.v4);
        set(&mut v6, &binding.access_v6, &instance.v6);

        let dt_micros = resolve_times(template, instance, new_instance, (start, scale));
        let host = &pools.compute_hosts[instance.host];
        let named = named_values(instance, pools, rng);
        let api = &pools.api_hosts[rng.random_range(0..API_HOSTS)];
        let scheduler = &pools.scheduler_hosts[rng.random_range(0..SCHEDULER_HOSTS)];
        Self {
            uuids,
            xuuids,
            v4,
            v6,
            dts: dt_micros
                .iter()
                .map(|&t| format_micros(Micros(t)))
                .collect(),
            dt_micros,
            named,
            publishers: [
                format!("api.{api}"),
                format!("scheduler.{scheduler}"),
                format!("compute.{host}"),
            ],
        }
    }

    /// The body of one notification of the operation, as JSON text.
    pub(crate) fn render(&self, body: &Body) -> String {
        let mut out = String::with_capacity(body.size_hint);
        for (literal, slot) in &body.parts {
            out.push_str(literal);
            out.push_str(self.value(*slot, body));
        }
        out.push_str(&body.tail);
        out
    }

    /// The emission time of `body` (its resolved `timestamp`).
    pub(crate) fn time_of(&self, body: &Body) -> i64 {
        self.dt_micros[usize::from(body.timestamp_dt)]
    }

    /// The resolved `UUID_n`.
    pub(crate) fn uuid(&self, index: u16) -> &str {
        &self.uuids[usize::from(index)]
    }

    fn value(&self, slot: Slot, body: &Body) -> &str {
        match slot {
            Slot::Uuid(i) => &self.uuids[usize::from(i)],
            Slot::Xuuid(i) => &self.xuuids[usize::from(i)],
            Slot::V4(i) => &self.v4[usize::from(i)],
            Slot::V6(i) => &self.v6[usize::from(i)],
            Slot::Dt(i) => &self.dts[usize::from(i)],
            Slot::Named(Named::PublisherId) => &self.publishers[body.publisher as usize],
            Slot::Named(name) => &self.named[name as usize],
        }
    }
}

/// The time of every `DT_n`: the start plus the scaled offset, except that an existing instance
/// keeps its own creation and launch times where the template shows times from before the
/// operation. A new instance takes its creation time from the template.
fn resolve_times(
    template: &Template,
    instance: &mut Instance,
    new_instance: bool,
    (start, scale): (i64, f64),
) -> Vec<i64> {
    let binding = &template.binding;
    let mut dt_micros: Vec<i64> = template
        .offsets
        .iter()
        .map(|&offset| start.saturating_add((offset as f64 * scale).round() as i64))
        .collect();
    let before_start = |i: &&u16| template.offsets[usize::from(**i)] < 0;
    if new_instance {
        let created = binding.created_dts.iter().find(before_start);
        instance.created_at = created.map_or(start, |&i| dt_micros[usize::from(i)]);
    } else {
        for &i in binding.created_dts.iter().filter(before_start) {
            dt_micros[usize::from(i)] = instance.created_at;
        }
        for &i in binding.launched_dts.iter().filter(before_start) {
            dt_micros[usize::from(i)] = instance.launched_at;
        }
    }
    dt_micros
}

/// The named values, in `Named` order (without the publisher).
fn named_values(
    instance: &Instance,
    pools: &Pools,
    rng: &mut StdRng,
) -> [String; Named::PER_OPERATION] {
    let host = &pools.compute_hosts[instance.host];
    [
        pools.tenants[instance.tenant].clone(),
        pools.users[instance.user].clone(),
        host.clone(),
        host.clone(),
        instance.display_name.clone(),
        instance.display_name.clone(),
        instance.reservation_id.clone(),
        format!("{}-snapshot", instance.display_name),
        format!("tap{}", &uuid(rng)[..11]),
    ]
}
