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
//! # The feed pages load without a `Resource`
//! A `Resource` copies its value into the page as JSON (`__RESOLVED_RESOURCES`) for the browser
//! to hydrate from, and in islands mode nothing reads it: on a live page of 10,000 rows that
//! copy was 4.6 MB beside 6.4 MB of rows. `home` and `live` therefore await their feed's server
//! function inside the `Suspend` itself (the server renders once, in `SsrMode::Async`); the
//! other pages keep `Resource`s, whose copies are small.

mod drill;
mod event;
mod home;
mod instance;
mod live;
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
