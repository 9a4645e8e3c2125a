//! What crosses this module's boundary for one batch: the [`Input`] events, the [`Keys`] of the
//! state to load, the [`Stored`] state loaded, and the [`Writes`] to apply, with the [`Skip`]
//! reasons. Its own file because every rule file (`lifecycle`, `usage`, `image`) reads and
//! fills these, and the entry points in `apply` call those files.

use super::rows::{
    ImageDelete, ImageExists, ImageUsage, InstanceDelete, InstanceExists, LifecycleWrite,
    MinuteIds, ScopeRollup, StackyName, Timing, TimingEnd, TimingRollup, Tracker, TrackerUpdate,
    Usage,
};
use crate::notification::Detail;

/// One newly stored event, borrowed from the batch.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The id the raw row was given.
    pub raw_id: i64,
    /// The deployment it was consumed from.
    pub deployment_id: i64,
    /// The exchange it was consumed from (v2 kept nova, glance and the rest in three tables).
    pub exchange: &'a str,
    pub event: &'a str,
    pub service: &'a str,
    /// The routing key it was delivered with (an error when it ends with `error`).
    pub routing_key: &'a str,
    pub when: i64,
    pub request_id: &'a str,
    pub instance: Option<&'a str>,
    pub host: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub detail: &'a Detail,
}

impl<'a> Input<'a> {
    /// The instance, when v2 would aggregate it (`if not raw.instance: return`).
    pub(super) fn instance(&self) -> Option<&'a str> {
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
    /// What the timings completed in this batch add to the rollups, sorted by key.
    pub timing_rollups: Vec<TimingRollup>,
    /// The same per UTC day (`timing_day_rollups`), sorted by key.
    pub timing_day_rollups: Vec<TimingRollup>,
    /// What the events add to their host's and tenant's hourly counts, sorted by key.
    pub scope_rollups: Vec<ScopeRollup>,
    /// The events' id range per minute of notification time, sorted by minute.
    pub minute_ids: Vec<MinuteIds>,
    /// The events' event and host names per v2 service, with their newest time, sorted.
    pub stacky_names: Vec<StackyName>,
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
