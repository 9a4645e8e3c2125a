//! PURE aggregation (v2 `views.py` `aggregate_*`): a batch of newly stored events, plus the
//! stored state they touch, in → the rows to write, out.
//!
//! The store loads the state named by [`keys`] ([`Stored`]), calls [`aggregate`], and applies the
//! [`Writes`] in the same transaction as the raw rows. Events are processed in id order against
//! an in-memory view of the tables, so a `.start` and its `.end` may share a batch.
//!
//! The rules are v2's (`views.py`), with these differences: one request tracker per
//! request id (the first API update starts it; v2 created one per update and used the first),
//! none for an empty request id. Where v2 raised while parsing a payload time (a required time
//! missing, or any time unparseable) it had already stored and acked the raw row and lost the
//! rest of that step; we skip that step's writes entirely and note it in [`Writes::skipped`].
//!
//! # Layout
//! - `apply`: the entry points [`keys`], [`lock_keys`] and [`aggregate`]; `batch`: what goes in and out
//!   ([`Input`], [`Keys`], [`Stored`], [`Writes`], [`Skip`]).
//! - `rows`: the row types and [`RowRef`]; `lifecycle`: lifecycles, timings, KPI trackers; `rollup`: the timings' hourly rollups; `scope_rollup`: the hosts' and tenants' hourly event counts; `minute_ids`: each minute's id range (the time windows' bounds); `stacky_names`: the event and host names per v2 service;
//!   `usage`: instance usage, deletes and exists (`instance_events`: the events they handle);
//!   `image`: glance usage, deletes and exists.

mod apply;
mod batch;
mod image;
mod instance_events;
mod lifecycle;
mod minute_ids;
mod rollup;
mod rows;
mod scope_rollup;
mod stacky_names;
mod usage;

#[cfg(test)]
mod tests;

pub use apply::{aggregate, keys, lock_keys};
pub use batch::{Input, Keys, Skip, Stored, Writes};
pub use instance_events::INSTANCE_EVENTS;
pub use minute_ids::minute_start;
pub use rows::{
    ImageDelete, ImageExists, ImageUsage, InstanceDelete, InstanceExists, LifecycleWrite,
    MinuteIds, NameKind, RowRef, ScopeRollup, StackyName, Timing, TimingEnd, TimingRollup, Tracker,
    TrackerUpdate, Usage,
};
pub use stacky_names::stacky_service;
