//! The `raw_events` table (with `raw_image_meta`): the batch's deduplicated inserts and every
//! list of events the pages, `/api/v1` and `/stacky` read.
//!
//! # Layout
//! - `row`: the one `EVENT` projection (columns, record, `EventRow`) and the shared filters.
//! - `write`: [`NewEvent`] and `BatchTx::insert_events`, per backend's fastest form;
//!   `write_mysql`: MySQL's insert with its ids read back (no `RETURNING`) and byte-sized chunks.
//! - `limits`: the identifier and text sizes every backend accepts (over them: quarantined).
//! - `feed`: lists by id cursor (live feed, `/api/v1` pages), the newest id, last events.
//! - `search`: search, drill-down, an instance's or request's events, host and tenant lists.
//! - `detail`: one event with every stored column.
//! - `stacky`: raw events as v2's `/stacky` lists them (names, search, watch).

mod detail;
mod feed;
pub(crate) mod limits;
mod row;
mod search;
mod stacky;
mod write;
pub(crate) mod write_mysql;

pub use detail::EventColumns;
pub(crate) use feed::{events_page_sql, page_sql};
pub(crate) use feed::{recent_events_sql, recent_matching_sql};
pub use feed::{TimeWindow, WindowIds};
pub(crate) use row::EVENT_SELECT;
pub(crate) use search::{scope_column, scope_error_counts_sql, scope_events_sql};
pub use write::NewEvent;
