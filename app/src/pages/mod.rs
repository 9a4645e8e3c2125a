//! One component per route. Pages render on the server only (the app runs in islands mode):
//! what they show is HTML; the islands inside them are what runs in the browser.
//!
//! # Layout
//! One file per route, each a `*Page` component that loads its data through [`crate::api`]:
//! `home`, `live`, `search`, `drill`, `event`, `scope` (host and tenant), `request`,
//! `instance`, `timings`, `status`, `quarantine`, `not_found`; `query` decodes the query string
//! the list pages read. The Usage section: `usage` (overview), `usage_list` (a table, the failed
//! exists), `usage_image` (an image); the Reports: `reports` (list), `reports_detail` (one).
//!
//! Every page loads its data through [`load::Load`], never a `Resource` (see why there).

mod drill;
mod event;
mod home;
mod instance;
mod live;
mod load;
mod not_found;
mod quarantine;
mod query;
mod reports;
mod reports_detail;
mod request;
mod scope;
mod search;
mod status;
mod timings;
mod usage;
mod usage_image;
mod usage_list;

pub use drill::DrillPage;
pub use event::EventPage;
pub use home::HomePage;
pub use instance::InstancePage;
pub use live::LivePage;
pub use not_found::NotFoundPage;
pub use quarantine::QuarantinePage;
pub use reports::ReportsPage;
pub use reports_detail::ReportPage;
pub use request::RequestPage;
pub use scope::{HostPage, TenantPage};
pub use search::SearchPage;
pub use status::StatusPage;
pub use timings::TimingsPage;
pub use usage::UsageOverviewPage;
pub use usage_image::ImagePage;
pub use usage_list::{UsageFailedPage, UsageListPage};
