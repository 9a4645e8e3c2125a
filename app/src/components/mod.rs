//! Components shared by pages. [`LiveFeed`] and [`Copyable`] are islands: the only parts of
//! the app that run in the browser.
//!
//! # Layout
//! - times and values: `when` (timestamps, durations), `facts` (label/value tables),
//!   `notification_json` (a body pretty-printed), `histogram`, `page_title`, `banners`;
//! - tables: `event_row` (the event table), `deployments_table`, `processes` (every process's
//!   consumers and heartbeats), `kpi_table`, `usage_table`;
//!   `usage_filters` (the usage tables' form and the section's links);
//! - reports: `report_tree` (a report's JSON as tables), `percentile_chart` (the KPI summary);
//! - forms: `feed_form`, `search_form`;
//! - islands: `live_feed` (with its state in `feed_signals`, shared with the browser's
//!   websocket client), `copyable`; `island_scripts` loads them.

mod banners;
mod copyable;
mod deployments_table;
pub(crate) mod event_row;
mod facts;
mod feed_form;
pub(crate) mod feed_signals;
mod histogram;
mod island_scripts;
mod kpi_table;
mod live_feed;
mod notification_json;
mod page_title;
mod percentile_chart;
mod processes;
mod report_tree;
mod search_form;
mod usage_filters;
mod usage_table;
mod when;

pub use banners::{DemoBanner, ErrorBox, NotFound};
pub use copyable::Copyable;
pub use deployments_table::DeploymentsTable;
pub use event_row::EventTable;
pub use facts::Facts;
pub use feed_form::FeedForm;
pub use feed_signals::{ConnState, FeedSignals};
pub use histogram::Histogram;
pub use island_scripts::IslandScripts;
pub use kpi_table::KpiTable;
pub use live_feed::{FeedTable, LiveFeed};
pub use notification_json::{pretty_json, NotificationJson};
pub use page_title::{escape_html, PageTitle};
pub use percentile_chart::PercentileChart;
pub use processes::{liveness_text, ConsumersTable, ProcessesTable};
pub use report_tree::ReportTree;
pub use search_form::SearchForm;
pub use usage_filters::{UsageFilters, UsageNav, UsageSection};
pub use usage_table::UsageRecords;
pub use when::{Dur, MaybeWhen, When};
