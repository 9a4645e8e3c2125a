//! The live feed's server side: the hub that fans committed rows out to websocket subscribers
//! (`http::live_ws` applies each one's filter), and the database tail that feeds it.
//!
//! # Why a tail
//! A region runs several processes on one database: workers commit, web nodes serve the feed,
//! and `stacktach import` writes into a running server's database. A web node therefore learns
//! about new rows from the database, not from its own ingestor: the tail reads the events past
//! its cursor (`id > cursor`, oldest first) whenever a local commit wakes it and, for the other
//! processes' commits, by polling with back-off (20 ms after rows came, doubling to 500 ms
//! while idle). Reading by id misses nothing because ids commit in order (the ingest lock of
//! each backend, ARCHITECTURE.md "Invariants"): once id n is visible, no smaller id can commit
//! later.
//!
//! # Layout
//! - `hub`: the broadcast channel, per-subscriber bounds, activity counters.
//! - `tail`: the task that reads committed rows from the database into the hub.

mod hub;
mod tail;

pub use hub::{Hub, SUBSCRIBER_BUFFER};
pub use tail::{run_tail, TAIL_PAGE};
