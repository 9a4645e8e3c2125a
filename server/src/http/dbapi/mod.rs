//! StackTach v2's DB API (`/db/*`, inventory §1.f), the one billing systems speak: the usage
//! tables as v2's models (lists with v2's filters and pages, one row by id), the exists and
//! event stats, and the writes — delivery receipts, the repair after an outage and the tenant
//! cache — which, unlike v2's, require a bearer token and are off when none is configured.
//! Errors are v2's `{"message": "...", "status": N}`, a 404 included.
//!
//! # Layout
//! - `router`: the routes; `params`: the query string, filters and page; `dates`: v2's date,
//!   uuid and time texts; `error`: the envelope and answers.
//! - `lists`: the usage lists and rows by id; `stats`: exists and event counts.
//! - `auth`: the bearer token; `body`: a write's method, token and JSON body checks;
//!   `confirm`, `repair`, `tenant`: the writes.

mod auth;
mod body;
mod confirm;
mod dates;
mod error;
mod lists;
mod params;
mod repair;
mod router;
mod stats;
mod tenant;

pub use router::router;
