//! The aggregate tables (lifecycles, timings, request trackers, instance and image usage,
//! deletes and exists): loading the state a batch touches and writing what
//! [`crate::aggregate`] decided, in bulk, inside the batch's transaction; and their reads.
//!
//! Per aggregation round: at most six SELECTs (one per table the round touches) and one
//! multi-row statement per table written; never one round trip per event.
//!
//! # Layout
//! - `load`: `BatchTx::load`, the SELECTs of a round's keys.
//! - `write`: `BatchTx::write`; `values`: the multi-row form the groups share; `write_lifecycle`,
//!   `write_usage`, `write_image`: one group each; `write_rollups`: the timings' hourly and daily rollups and the scopes' hourly ones; `write_minute_ids`: each minute's id range; `write_stacky_names`: the event and host names per v2 service; `unnest`: their PostgreSQL fixed-text forms; `mysql`: MySQL's `UPDATE … JOIN` and
//!   read-back forms.
//! - `read`: one instance's or request's rows; `timings`: KPIs, the slowest requests, the rollups' buckets, `/stacky` timings.

mod load;
mod mysql;
mod read;
mod timings;
mod unnest;
mod values;
mod write;
mod write_image;
mod write_lifecycle;
mod write_minute_ids;
mod write_rollups;
mod write_stacky_names;
mod write_usage;

pub use read::{InstanceExistsRow, LifecycleRow, TimingRow, TrackerRow, UsageRow};
pub(crate) use timings::{slowest_requests_sql, stacky_kpis_sql, timing_buckets_sql};
