//! StackTach v2's `stacky` REST API (`/stacky/*`), the one the `stacky` command-line client
//! speaks: the same endpoints, parameters, defaults, limits, JSON shapes, status codes and
//! messages as v2's `stacky` views, with three fixes: `watch` never fails and its `since` is
//! our own cursor (the last event id it covered), so events that commit late are not missed;
//! `search` fields come from an allow-list; `summary` covers every timing.
//!
//! Answers are v2's tables, `[[header...], [row...]...]`, and errors are
//! `[["Error", "Message"], ["Bad Request" | "Not Found", message]]`.
//!
//! # Layout
//! - `router`: the routes; `params`: query parameters (service, limit/offset, decimals) and
//!   path ids; `answer`: JSON answers and the error type; `rows`: v2's raw-event tables.
//! - `events`: deployments, event and host names, uuid, request, search, show;
//! - `watch`: the live tail and its cursor;
//! - `timings`: timings of an instance or an operation, summary, KPIs;
//! - `reports`: the stored JSON reports (list, one, search);
//! - `usage`: launches, deletes and exists as `stacky usage` lists them;
//! - `format`: v2's text formats (times, `sec_to_time`, Django date parsing).

mod answer;
mod events;
mod format;
mod params;
mod reports;
mod router;
mod rows;
mod timings;
mod usage;
mod watch;

pub use router::router;
