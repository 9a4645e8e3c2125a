//! The reads that feed v2's reports (`crate::reports`): the exists of a period counted by
//! status, the launches, deletes and reconciles an audit compares with them, the raw events of
//! the requests touched in a window, event counts, bandwidth sums, tenant info and types.
//!
//! Every query selects only the columns its report needs and is bounded by the report's period
//! (or by the requests touched in it), and lookups per item are batched, so a day of a million
//! events builds in seconds (`stacktach bench-reports`). What each report does with the rows is
//! pure code in `crate::reports`.
//!
//! # Layout
//! - `exists`: exists counted by status and send status; failed exists with cell and host.
//! - `launches`: new and old launches, reconciles, the exists of an audit period, the failed
//!   launches' cells and compute hosts.
//! - `images`: the glance side (new and old images, exists, the image events audit's counts).
//! - `requests`: one time-ordered walk of a window's nova events, the events of chosen requests
//!   outside it, whole rows of failed requests; raw bodies by id.
//! - `hours`: verified exists of a period, tenant info and types, the bandwidth sum.

mod exists;
mod hours;
mod images;
mod launches;
mod requests;

pub use exists::{ExistsFail, ExistsSpan, ExistsTable, StatusCount};
pub use hours::{HoursExists, TenantTypeRow};
pub use images::{ImageEventCounts, NewImage};
pub use launches::{AuditExists, CellAndHost, LaunchRow};
pub use requests::{ReportRaw, WalkRow, WindowRow, REQUESTS_PER_QUERY, WALK_OPERATIONS};
