//! StackTach v2's reports (inventory §1.h): the nova and glance usage audits, the image events
//! audit, the KPI summary per region (`pretty.py`), the error details, instance hours and
//! public outbound bandwidth. Each is built for a period (the previous UTC day or hour by
//! default), printed or stored in `json_reports` with v2's name, version and JSON layout, so
//! `/stacky/reports/`, `/stacky/report/<id>/` and the stacky client serve them as v2 did.
//!
//! The builders are PURE (typed rows → the report's JSON); the rows come from
//! `crate::store::report_inputs`, gathered by `build`. What needs v2's reconciler (the Nova
//! database) or UMS is left out as v2 does with `--reconcile` and `--ums` off.
//!
//! # Layout
//! - `kind`: [`ReportKind`], the registry of names (CLI names, v2's stored names, versions),
//!   and [`Report`], a built report; `period`: [`Period`], [`PeriodLength`] and the `--date`
//!   parsing; `error`: [`ReportError`]; `format`: v2's time and duration texts.
//! - `status`: the exists-by-status figures both usage audits share.
//! - `nova_usage_audit`, `glance_usage_audit`, `image_events_audit`, `summary`,
//!   `error_details` (with `mask`: exception message masking), `instance_hours`, `bandwidth`:
//!   one pure builder per report; `requests`: the walk over a request's events that the
//!   summary and the error details share; `window_walks`: those walks assembled from a
//!   window read in time order and the requests' events on either side of it.
//! - `options`: [`BuildOptions`] and the period each report gets from them.
//! - `build`, `build_requests`: the reads for each report, then its builder.
//! - `schedule`: the daily run inside `serve --daily-reports`.

mod bandwidth;
mod build;
mod build_requests;
mod error;
mod error_details;
mod format;
mod glance_usage_audit;
mod image_events_audit;
mod instance_hours;
mod kind;
mod mask;
mod nova_usage_audit;
mod options;
mod period;
mod requests;
mod schedule;
mod status;
mod summary;
mod window_walks;

pub use build::{build, store_report};
pub use error::ReportError;
pub use kind::{Report, ReportKind};
pub use options::BuildOptions;
pub use period::{parse_date, Period, PeriodLength};
pub use requests::walk_row;
pub use schedule::{run_daily, run_once, DAILY_RUN_AT_US};
