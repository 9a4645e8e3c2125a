//! Components shared by pages. [`LiveFeed`] and [`Copyable`] are islands: the only parts of
//! the app that run in the browser.

mod banners;
mod copyable;
mod deployments_table;
mod event_row;
mod facts;
mod feed_form;
mod histogram;
mod island_scripts;
mod kpi_table;
mod live_feed;
mod page_title;
mod search_form;
mod when;

pub use banners::{DemoBanner, ErrorBox, NotFound};
pub use copyable::Copyable;
pub use deployments_table::DeploymentsTable;
pub use event_row::{EventHeader, EventRowView, EventTable};
pub use facts::Facts;
pub use feed_form::FeedForm;
pub use histogram::Histogram;
pub use island_scripts::IslandScripts;
pub use kpi_table::KpiTable;
pub use live_feed::{ConnState, FeedSignals, FeedTable, LiveFeed};
pub use page_title::{escape_html, PageTitle};
pub use search_form::SearchForm;
pub use when::{Dur, MaybeWhen, When};
