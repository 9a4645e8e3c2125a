//! PURE aggregation (v2 `views.py` `aggregate_*`): a batch of newly stored events, plus the
//! stored state they touch, in → the rows to write, out.
//!
//! The store loads the state named by [`keys`] ([`Stored`]), calls [`aggregate`], and applies the
//! [`Writes`] in the same transaction as the raw rows. Events are processed in id order against
//! an in-memory view of the tables, so a `.start` and its `.end` may share a batch.
//!
//! The rules are v2's (inventory §1.c) with the SPEC's differences: one request tracker per
//! request id (the first API update starts it; v2 created one per update and used the first),
//! none for an empty request id. Where v2 raised while parsing a payload time (a required time
//! missing, or any time unparseable) it had already stored and acked the raw row and lost the
//! rest of that step; we skip that step's writes entirely and note it in [`Writes::skipped`].
//!
//! # Layout
//! - `rows`: the row types and [`RowRef`]; `lifecycle`: lifecycles, timings, KPI trackers;
//!   `usage`: instance usage, deletes and exists (`instance_events`: the events they handle);
//!   `image`: glance usage, deletes and exists.

mod image;
mod instance_events;
mod lifecycle;
mod rows;
mod usage;

#[cfg(test)]
mod tests;

pub use instance_events::INSTANCE_EVENTS;
pub use rows::{
    ImageDelete, ImageExists, ImageUsage, InstanceDelete, InstanceExists, LifecycleWrite, RowRef,
    Timing, TimingEnd, Tracker, TrackerUpdate, Usage,
};

use crate::notification::Detail;

/// One newly stored event, borrowed from the batch.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The id the raw row was given.
    pub raw_id: i64,
    pub event: &'a str,
    pub service: &'a str,
    pub when: i64,
    pub request_id: &'a str,
    pub instance: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub detail: &'a Detail,
}

impl<'a> Input<'a> {
    /// The instance, when v2 would aggregate it (`if not raw.instance: return`).
    fn instance(&self) -> Option<&'a str> {
        self.instance.filter(|i| !i.is_empty())
    }
}

/// What a batch needs loaded (sorted, without duplicates).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Keys<'a> {
    /// Instances whose open timings (start without end) a `.end` may close.
    pub timing_instances: Vec<&'a str>,
    /// Request ids whose tracker may be started or updated.
    pub request_ids: Vec<&'a str>,
    /// Instances whose usages and deletes the usage rules read or write.
    pub usage_instances: Vec<&'a str>,
    /// Image uuids that `image.exists` entries look up.
    pub image_uuids: Vec<&'a str>,
}

impl Keys<'_> {
    /// True when nothing needs loading.
    pub fn is_empty(&self) -> bool {
        self.timing_instances.is_empty()
            && self.request_ids.is_empty()
            && self.usage_instances.is_empty()
            && self.image_uuids.is_empty()
    }
}

/// The stored state of the keys, each list ordered by id.
#[derive(Debug, Default)]
pub struct Stored {
    /// Timings with a start and no end: (id, timing).
    pub open_timings: Vec<(i64, Timing)>,
    /// (id, request id, start).
    pub trackers: Vec<(i64, String, i64)>,
    pub usages: Vec<(i64, Usage)>,
    pub deletes: Vec<(i64, InstanceDelete)>,
    /// (id, uuid) of image usages and of image deletes.
    pub image_usages: Vec<(i64, String)>,
    pub image_deletes: Vec<(i64, String)>,
}

/// Everything a batch writes. `RowRef::New(i)` points into the `new` list of its table.
#[derive(Debug, Default)]
pub struct Writes {
    /// Upserted by instance (one per instance, its last event).
    pub lifecycles: Vec<LifecycleWrite>,
    pub timings: Vec<Timing>,
    pub timing_ends: Vec<TimingEnd>,
    pub trackers: Vec<Tracker>,
    pub tracker_updates: Vec<TrackerUpdate>,
    /// Created usages first, in `RowRef::New` order; then changed stored ones with their ids.
    pub usages: Vec<Usage>,
    pub changed_usages: Vec<(i64, Usage)>,
    pub deletes: Vec<InstanceDelete>,
    /// (id, raw id) of stored deletes seen again.
    pub delete_updates: Vec<(i64, i64)>,
    pub exists: Vec<InstanceExists>,
    pub image_usages: Vec<ImageUsage>,
    pub image_deletes: Vec<ImageDelete>,
    pub image_exists: Vec<ImageExists>,
    /// Events whose aggregation v2 would have abandoned or warned about.
    pub skipped: Vec<(i64, Skip)>,
}

/// Why (part of) an event was not aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A payload time the rule needed was missing or unparseable (v2 raised).
    BadPayloadTime(&'static str),
    /// `compute.instance.exists` without `launched_at` (v2 warned).
    ExistsWithoutLaunchedAt,
    /// `image.exists` whose payload is not an object (v2 warned).
    InvalidImageExistsPayload,
    /// `image.exists` whose `images` are not well formed (v2 raised).
    MalformedImages,
    /// An `image.exists` entry without `created_at` (v2 warned and skipped that image).
    ImageWithoutCreatedAt,
}

/// The rows to load for `inputs`.
pub fn keys<'a>(inputs: &[Input<'a>]) -> Keys<'a> {
    let mut keys = Keys::default();
    for input in inputs {
        match input.detail {
            Detail::Nova(_) => {
                let Some(instance) = input.instance() else {
                    continue;
                };
                let kpi_start = lifecycle::starts_tracker(input);
                if input.event.ends_with(".end") {
                    keys.timing_instances.push(instance);
                }
                if (kpi_start || input.event.ends_with(".end")) && !input.request_id.is_empty() {
                    keys.request_ids.push(input.request_id);
                }
                if instance_events::handles(input.event) {
                    keys.usage_instances.push(instance);
                }
            }
            Detail::Glance(glance) if input.event == image::EXISTS => {
                keys.image_uuids.extend(image::entry_uuids(glance));
            }
            Detail::Glance(_) | Detail::Generic => {}
        }
    }
    for list in [
        &mut keys.timing_instances,
        &mut keys.request_ids,
        &mut keys.usage_instances,
        &mut keys.image_uuids,
    ] {
        list.sort_unstable();
        list.dedup();
    }
    keys
}

/// Applies v2's aggregation rules to `inputs` (in id order) over `stored`.
pub fn aggregate(inputs: &[Input<'_>], stored: Stored) -> Writes {
    let mut writes = Writes::default();
    let mut lifecycles = lifecycle::Lifecycles::new(stored.open_timings, stored.trackers);
    let mut usages = usage::Usages::new(stored.usages, stored.deletes);
    let mut images = image::Images::new(stored.image_usages, stored.image_deletes);
    for input in inputs {
        let outcome = match input.detail {
            Detail::Nova(nova) => match input.instance() {
                Some(instance) => {
                    lifecycles.apply(input, instance, nova);
                    usages.apply(input, instance, nova)
                }
                None => Ok(()),
            },
            Detail::Glance(glance) => images.apply(input, glance, &mut writes.skipped),
            Detail::Generic => Ok(()),
        };
        if let Err(skip) = outcome {
            writes.skipped.push((input.raw_id, skip));
        }
    }
    lifecycles.finish(&mut writes);
    usages.finish(&mut writes);
    images.finish(&mut writes);
    writes
}
