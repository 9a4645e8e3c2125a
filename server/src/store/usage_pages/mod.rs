//! Reads of the usage tables for the web app's Usage section: one page of a table, filtered
//! and newest first (by id), and the exists counted by audit period, status and send status.
//! Filters are binds; the columns they match come from fixed SQL per table.
//!
//! # Layout
//! - `rows`: the row types, one per table;
//! - `list`: the pages of the six tables;
//! - `progress`: the exists counts behind the verifier's progress.

mod list;
mod progress;
mod rows;

pub use progress::{ExistsProgress, ProgressCount};
pub use rows::{
    GlanceDeleteRow, GlanceExistsRow, GlanceUsageRow, NovaDeleteRow, NovaExistsRow, NovaLaunchRow,
};
