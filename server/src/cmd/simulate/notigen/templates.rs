//! The embedded notigen templates (`server/fixtures/notigen`), parsed once into literal chunks and
//! placeholder slots so that instantiating a notification is plain string concatenation.
//!
//! Each template also records which slots carry the identity of the instance (see `binding`) so
//! an operation on an existing instance can reuse it.

use std::sync::OnceLock;

use serde_json::Value;

use super::binding::{collect_binding, Binding};
use super::body::{parse_body, Body, Counts, Publisher};
use super::slots::{whole, Slot};

/// The kind of operation a template records, from its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Create,
    Delete,
    PowerOff,
    Reboot,
    Rebuild,
    Rescue,
    Unrescue,
    ResizePrep,
    ResizeConfirm,
    Snapshot,
    Exists,
}

impl Kind {
    fn from_file_name(name: &str) -> Option<Self> {
        const KINDS: [(&str, Kind); 11] = [
            ("compute.instance.create.", Kind::Create),
            ("compute.instance.delete.", Kind::Delete),
            ("compute.instance.power_off.", Kind::PowerOff),
            ("compute.instance.reboot.", Kind::Reboot),
            ("compute.instance.rebuild.", Kind::Rebuild),
            ("compute.instance.rescue.", Kind::Rescue),
            ("compute.instance.unrescue.", Kind::Unrescue),
            ("compute.instance.resize.prep.", Kind::ResizePrep),
            ("compute.instance.resize.confirm.", Kind::ResizeConfirm),
            ("compute.instance.snapshot.", Kind::Snapshot),
            ("eod_exists", Kind::Exists),
        ];
        KINDS
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .map(|(_, kind)| *kind)
    }

    /// Only ever started as the follow-up of another operation (unrescue after rescue, confirm
    /// after resize), never picked at random.
    pub(crate) fn follow_up_only(self) -> bool {
        matches!(self, Kind::Unrescue | Kind::ResizeConfirm)
    }
}

/// One parsed template.
pub(crate) struct Template {
    pub kind: Kind,
    /// Relative frequency when operations are picked at random (or among follow-ups).
    pub weight: u32,
    pub counts: Counts,
    /// Offset of each `DT_n` from the first notification, in microseconds.
    pub offsets: Vec<i64>,
    /// In emission order (by timestamp, template order for equal times).
    pub bodies: Vec<Body>,
    pub binding: Binding,
    /// Emits `compute.instance.create.end`: the instance exists afterwards.
    pub creates_instance: bool,
    /// Emits `compute.instance.delete.end`: the instance is gone afterwards.
    pub deletes_instance: bool,
    /// The operation that must follow this one on the same instance.
    pub follow_up: Option<Kind>,
}

macro_rules! sources {
    ($(($file:literal, $weight:literal)),* $(,)?) => {
        [$(($file, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/notigen/", $file)), $weight)),*]
    };
}

/// File name, text and weight of every embedded template.
const SOURCES: [(&str, &str, u32); 21] = sources![
    ("compute.instance.create.start_23.json", 8),
    ("compute.instance.create.start_24.json", 10),
    ("compute.instance.create.start_25.json", 10),
    ("compute.instance.create.start_65.json", 2),
    ("compute.instance.delete.start_7.json", 3),
    ("compute.instance.delete.start_8.json", 17),
    ("compute.instance.power_off.start_4.json", 2),
    ("compute.instance.power_off.start_5.json", 2),
    ("compute.instance.reboot.start_6.json", 4),
    ("compute.instance.rebuild.start_14.json", 1),
    ("compute.instance.rebuild.start_24.json", 4),
    ("compute.instance.rescue.start_19.json", 3),
    ("compute.instance.rescue.start_6.json", 1),
    ("compute.instance.resize.confirm.start_12.json", 1),
    ("compute.instance.resize.confirm.start_4.json", 3),
    ("compute.instance.resize.prep.start_24.json", 5),
    ("compute.instance.snapshot.start_7.json", 2),
    ("compute.instance.snapshot.start_8.json", 1),
    ("compute.instance.snapshot.start_9.json", 3),
    ("compute.instance.unrescue.start_6.json", 1),
    ("eod_exists.json", 14),
];

/// Every embedded template, parsed on first use.
pub(crate) fn all() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|&(name, text, weight)| {
                parse(name, text, weight)
                    .unwrap_or_else(|e| panic!("embedded template {name} is invalid: {e}"))
            })
            .collect()
    })
}

fn parse(name: &str, text: &str, weight: u32) -> Result<Template, String> {
    let kind = Kind::from_file_name(name).ok_or("unknown operation kind")?;
    let mut items: Vec<Value> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if items.len() < 2 {
        return Err("no notifications".into());
    }
    let mut offsets = parse_time_map(&items.remove(0))?;
    let mut counts = Counts::default();
    let mut binding = Binding::default();
    let mut bodies = Vec::with_capacity(items.len());
    for item in &items {
        bodies.push(parse_body(item, &mut counts)?);
        collect_binding(item, &mut binding);
    }
    let offset_of = |dt: u16| offsets.get(usize::from(dt)).copied().flatten();
    for body in &bodies {
        for (_, slot) in &body.parts {
            if let Slot::Dt(i) = slot {
                offset_of(*i).ok_or_else(|| format!("DT_{i} missing from time_map"))?;
            }
        }
    }
    bodies.sort_by_key(|b| offset_of(b.timestamp_dt));
    let base = bodies
        .iter()
        .filter_map(|b| offset_of(b.timestamp_dt))
        .min();
    let base = base.unwrap_or(0);
    assign_publishers(&mut bodies);
    let emitted: Vec<u16> = bodies.iter().map(|b| b.timestamp_dt).collect();
    binding.launched_dts.retain(|dt| !emitted.contains(dt));
    binding.created_dts.retain(|dt| !emitted.contains(dt));
    let has = |event: &str| bodies.iter().any(|b| b.event_type == event);
    let follow_up = match kind {
        Kind::ResizePrep if has("compute.instance.finish_resize.end") => Some(Kind::ResizeConfirm),
        Kind::Rescue if has("compute.instance.rescue.end") => Some(Kind::Unrescue),
        _ => None,
    };
    let creates_instance = has("compute.instance.create.end");
    let deletes_instance = has("compute.instance.delete.end");
    for offset in offsets.iter_mut().flatten() {
        *offset -= base;
    }
    Ok(Template {
        kind,
        weight,
        counts,
        offsets: offsets.into_iter().map(Option::unwrap_or_default).collect(),
        bodies,
        binding,
        creates_instance,
        deletes_instance,
        follow_up,
    })
}

/// Who publishes each body (in emission order): the scheduler its `scheduler.*` events, the
/// API a leading `compute.instance.update`, the compute host the rest.
fn assign_publishers(bodies: &mut [Body]) {
    for (index, body) in bodies.iter_mut().enumerate() {
        body.publisher = if body.event_type.starts_with("scheduler.") {
            Publisher::Scheduler
        } else if index == 0 && body.event_type == "compute.instance.update" {
            Publisher::Api
        } else {
            Publisher::Compute
        };
    }
}

/// The mean number of notifications of a template operation started at random, follow-ups
/// (resize confirm, unrescue) included.
pub(crate) fn mean_notifications() -> f64 {
    let templates = all();
    let mean_of = |wanted: &dyn Fn(Kind) -> bool| {
        let (sum, weights) =
            templates
                .iter()
                .filter(|t| wanted(t.kind))
                .fold((0.0, 0.0), |(sum, weights), t| {
                    let w = f64::from(t.weight);
                    (sum + w * t.bodies.len() as f64, weights + w)
                });
        if weights > 0.0 {
            sum / weights
        } else {
            0.0
        }
    };
    let (sum, weights) = templates.iter().filter(|t| !t.kind.follow_up_only()).fold(
        (0.0, 0.0),
        |(sum, weights), t| {
            let follow_up = t.follow_up.map_or(0.0, |kind| mean_of(&|k| k == kind));
            let w = f64::from(t.weight);
            (sum + w * (t.bodies.len() as f64 + follow_up), weights + w)
        },
    );
    sum / weights.max(1.0)
}

/// `{"[[[[DT_n]]]]": [days, seconds, micros]}` to offsets in microseconds, indexed by n.
fn parse_time_map(meta: &Value) -> Result<Vec<Option<i64>>, String> {
    let map = meta["time_map"].as_object().ok_or("no time_map")?;
    let mut offsets = vec![None; map.len()];
    for (key, parts) in map {
        let Some(Slot::Dt(index)) = whole(key) else {
            return Err(format!("bad time_map key {key}"));
        };
        let number = |i: usize| parts[i].as_i64().ok_or(format!("bad offset for {key}"));
        let micros = (number(0)? * 86_400 + number(1)?) * 1_000_000 + number(2)?;
        let index = usize::from(index);
        if offsets.len() <= index {
            offsets.resize(index + 1, None);
        }
        offsets[index] = Some(micros);
    }
    Ok(offsets)
}

/// The file name of the `index`th template of [`all`] (for test messages).
#[cfg(test)]
pub(crate) fn file_name(index: usize) -> &'static str {
    SOURCES[index].0
}
