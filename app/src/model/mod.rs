//! Wire types shared by the server and the browser: typed values (times as [`Micros`], columns
//! as fields), formatted only by the components that show them.
//!
//! # Layout
//! - `time`: [`Micros`], the calendar both crates use, and the time and duration formats;
//! - `event`: [`EventRow`], a stored notification's indexed columns;
//! - `detail`: one event in full, a quarantined message;
//! - `filter`: the live feed's [`EventFilter`]; `live`: the feed's first page and websocket
//!   messages;
//! - `search`: search and drill-down; `scope`: host and tenant pages;
//! - `lifecycle`: an instance's lifecycle, timings, KPIs and usage rows; `timings`: the
//!   timings page's statistics;
//! - `deployment`: deployments and their consumers; `status`: the status page and activity
//!   counters; `verifier`: the usage verifier's section of the status page.
//! - `usage`: the Usage section's tables and filters; `usage_progress`: the verifier's progress;
//!   `report`: stored reports; `report_view`: a report's JSON as tables and the KPI chart's data.

mod deployment;
mod detail;
mod event;
mod filter;
mod lifecycle;
mod live;
mod report;
mod report_view;
mod scope;
mod search;
mod status;
mod time;
mod timings;
mod usage;
mod usage_progress;
mod verifier;

pub use deployment::{
    ConsumerState, ConsumerStatus, DemoMode, DemoUnroutable, DeploymentSummary, HomeData, Liveness,
    ProcessKind, ProcessStatus,
};
pub use detail::{EventColumns, EventDetail, QuarantineDetail, QuarantineRow};
pub use event::{is_error_event, EventRow};
pub use filter::{EventFilter, TEXT_CRITERIA};
pub use lifecycle::{
    InstanceData, Kpi, LifecycleView, RequestData, TimingView, UsageKind, UsageLine,
};
pub use live::{FeedData, LiveMessage, LiveRow};
pub use report::{ReportDetail, ReportSummary, ReportsPage, ReportsQuery};
pub use report_view::{
    duration_seconds, kpi_chart, report_tree, KpiChart, OpPercentiles, ReportNode,
    MAX_ITEMS as MAX_REPORT_ITEMS,
};
pub use scope::{EventCount, ScopeData, ScopeKind};
pub use search::{Count, DrillData, EventPage, Field, SearchQuery};
pub use status::{
    format_bytes, format_count, format_signed_bytes, format_signed_count, Activity, DbInfo, Growth,
    RowsBasis, StatusData, TableSize, TableSizes,
};
#[cfg(feature = "ssr")]
pub use time::now_micros;
pub use time::{
    civil_from_days, days_from_civil, days_in_month, format_duration, format_micros, is_leap_year,
    Civil, Micros,
};
pub use timings::{
    buckets_of, rollup_bucket, rollup_day, rollup_hour, BucketCount, OpStats, TimingsData, Window,
    BUCKET_BOUNDS_US, BUCKET_LABELS, ROLLUP_FLOORS_US,
};
pub use usage::{
    UsagePage, UsageQuery, UsageRecord, UsageService, UsageTable, EXISTS_STATUSES, FAILED_STATUSES,
};
pub use usage_progress::{ProgressRow, SendClass, ServiceProgress, UsageOverview};
pub use verifier::{VerifierService, VerifierStatus};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An event row for tests: host `h`, deployment 1, everything else plain.
    pub fn row(routing_key: &str, event: &str) -> EventRow {
        EventRow {
            id: 1,
            deployment_id: 1,
            deployment: "d".into(),
            exchange: "nova".into(),
            routing_key: routing_key.into(),
            event: event.into(),
            publisher: "compute.h".into(),
            service: "compute".into(),
            host: "h".into(),
            when: Micros(0),
            request_id: String::new(),
            instance: String::new(),
            tenant: String::new(),
        }
    }
}
