//! The SQL store: SQLite (embedded default), PostgreSQL or MySQL/MariaDB, chosen by the
//! database URL.
//!
//! All SQL of the product lives under this module, grouped by table. The three backends are
//! first class: a statement is written once, built by `sql`'s one builder and run on whichever
//! backend the [`Store`] holds through `backend`'s one mechanism; where a backend needs its own
//! form of a statement (PostgreSQL's `UNNEST` arrays, SQLite's insert without `RETURNING`,
//! MySQL's `ON DUPLICATE KEY UPDATE`, `UPDATE … JOIN` and id read-backs, since it has no
//! `RETURNING`) the forms sit side by side. DDL is per backend under `migrations/`.
//!
//! Ingest drives a batch through [`BatchTx`]: `insert_events` → rounds of `load` and `write`
//! (after `lock_keys`; aggregation itself is [`crate::aggregate`], pure) → `insert_quarantine`
//! → `commit`.
//!
//! # Layout
//! - `backend`: [`Db`] (one variant per database), [`Store`], the `on_db!` dispatch macro and
//!   the statement runners; `pool`: connecting, migrations, database-wide calls (`pool_mysql`:
//!   MySQL's server and schema checks and session settings); `sql`: the builder; `text`: how
//!   a text column decodes on every backend (MySQL's binary collations refuse `String`);
//!   `error`: [`StoreError`]; `batch`: [`BatchTx`]; `tx`: [`Tx`], a plain transaction for the
//!   billing writes; `horizon`: the feed horizon, the highest id every id-resuming reader may
//!   move to while PostgreSQL batches commit concurrently.
//! - `events/`: `raw_events` and `raw_image_meta` (writes, feed, search, detail, `/stacky`).
//! - `aggregates/`: lifecycles, timings, trackers, usages, deletes, exists (load, write, read),
//!   and the hourly rollups' upserts (timings; hosts' and tenants' events).
//! - `scope_rollups`: the host and tenant pages' counts per event type, read from the rollups.
//! - `exists_counts`: the exists rows per status and send status, kept by triggers.
//! - `quarantine`, `deployments`, `reports` (`json_reports`), `heartbeats`
//!   (`process_heartbeats`, the shared status board): one table each.
//! - `usage_pages/`: the web app's Usage section (usage tables by page, exists progress).
//! - [`report_inputs`]: the reads behind v2's reports (`crate::reports`).
//! - `verifier`: the usage verifier's batches, evidence, outcomes and counts.
//! - [`prune`]: retention's deletes, chunked, children before parents; [`partitions`]:
//!   PostgreSQL's day partitions of `raw_events` (created ahead, listed).
//! - [`stacky`]: v2's `/stacky` vocabulary (allow-lists and row types); `explain`: query plans
//!   for `bench-queries`.
//!
//! A new table gets a file (or folder) here; a new backend gets a variant in [`Db`], an arm in
//! `on_db!`, its placeholder style, pool options and migrator.

mod aggregates;
mod backend;
mod batch;
pub mod dbapi;
mod deployments;
mod error;
mod events;
mod exists_counts;
mod explain;
mod heartbeats;
mod horizon;
mod migrate_repair;
pub mod partitions;
mod pool;
mod pool_mysql;
pub mod prune;
mod quarantine;
pub mod report_inputs;
mod reports;
mod scope_rollups;
mod sql;
pub mod stacky;
pub mod stacky_usage;
mod table_sizes;
mod text;
mod tx;
mod usage_pages;
mod verifier;
mod versions;

pub use aggregates::{InstanceExistsRow, LifecycleRow, TimingRow, TrackerRow, UsageRow};
pub use backend::{Db, Store};
pub use batch::{BatchTx, Committed, MAX_KEY_LOCKS};
pub use error::StoreError;
pub use events::{EventColumns, NewEvent, TimeWindow, WindowIds};
pub use exists_counts::ExistsCount;
pub use explain::{EventsOf, Explained};
pub use heartbeats::HeartbeatRow;
pub use quarantine::{NewQuarantine, QuarantineRecord};
pub use table_sizes::{TableSizeNow, TableSizeSample, SAMPLES_KEPT, SAMPLE_HOUR};
pub use tx::Tx;
pub use usage_pages::{
    ExistsProgress, GlanceDeleteRow, GlanceExistsRow, GlanceUsageRow, NovaDeleteRow, NovaExistsRow,
    NovaLaunchRow, ProgressCount,
};
pub use verifier::{Claim, ExistsState, RawBody, StatusWrite};
