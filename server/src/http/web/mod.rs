//! The web app's port ([`app::ssr::Backend`]) implemented over the store, the status board and
//! the live hub's counters. [`ServerBackend`] returns complete answers (activity counters,
//! live subscribers and feed titles included), and both the pages and `/api/v1` ask it, so
//! the two cannot disagree.
//!
//! # Layout
//! - `backend`: [`ServerBackend`], what it holds, the trait's answers, deployments and status;
//! - `processes`: every process's consumers, from the heartbeats and this process's board;
//! - `demo`: [`DemoStatus`], what `serve --demo` is doing;
//! - `lists`: the live feed's first page and the drill-down;
//! - `cursor`: the id-cursor lists of `/api/v1` (events, quarantine) and deployment lookup;
//! - `detail`: one event's stored columns, a quarantined message's bytes;
//! - `pages`: host/tenant, request, instance and timings pages;
//! - `usage`: an instance's usage, delete and exists rows;
//! - `usage_pages`: the Usage section (verifier progress, usage tables);
//! - `reports_pages`: the Reports pages (stored reports).

mod backend;
mod cursor;
mod demo;
mod detail;
mod lists;
mod pages;
mod processes;
mod reports_pages;
mod usage;
mod usage_pages;
mod verifier;

pub use backend::ServerBackend;
pub use demo::DemoStatus;
