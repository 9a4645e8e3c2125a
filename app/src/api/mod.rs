//! Server functions that load page data, one resource per file. They run on the server while
//! it renders a page (the pages are not hydrated; only islands are). Leptos also answers them
//! at `POST /internal/<name>` (read-only, the same data the pages show); that is not an API to
//! build on: scripts use `/api/v1` and `/stacky`.
//!
//! # Layout
//! One file per resource (`home`, `feed`, `search`, `drill`, `event`, `scope`, `request`,
//! `instance`, `timings`, `status`, `usage`, `reports`), each a thin call to the server's backend
//! ([`crate::ssr::Backend`] when built with `ssr`) that returns its answer as it is; `limits`:
//! the row counts the loaders and pages share.

mod drill;
mod event;
mod feed;
mod home;
mod instance;
mod limits;
mod reports;
mod request;
mod scope;
mod search;
mod status;
mod timings;
mod usage;

pub use drill::get_drill;
pub use event::get_event;
pub use feed::get_feed;
pub use home::get_home;
pub use instance::get_instance;
pub use limits::{DRILL_SIDE, FEED_PAGE, MAX_FEED_ROWS};
pub use reports::{get_report, get_reports};
pub use request::get_request;
pub use scope::get_scope;
pub use search::run_search;
pub use status::{get_quarantined, get_status};
pub use timings::get_timings;
pub use usage::{get_usage_list, get_usage_overview};
