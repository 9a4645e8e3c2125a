//! The live feed's server side: the hub that fans committed rows out to websocket subscribers
//! (`http::live_ws` applies each one's filter), and the database tail that feeds it.
//!
//! # Why a tail
//! A region runs several processes on one database: workers commit, web nodes serve the feed,
//! and `stacktach import` writes into a running server's database. A web node therefore learns
//! about new rows from the database, not from its own ingestor: the tail reads the events past
//! its cursor (`id > cursor`, oldest first) whenever a local commit wakes it and, for the other
//! processes' commits, by polling with back-off (20 ms after rows came, doubling to 500 ms
//! while idle). Reading by id misses nothing because the tail reads only up to the feed
//! horizon (`store::horizon`): on PostgreSQL batches commit concurrently, so ids commit out of
//! order, and the horizon stops below the ids of every batch still open; elsewhere ids commit
//! in order and the horizon is the largest id.
//!
//! # Layout
//! - `hub`: the broadcast channel, per-subscriber bounds, activity counters.
//! - `tail`: the task that reads committed rows from the database into the hub.

mod hub;
mod tail;

pub use hub::{Hub, SUBSCRIBER_BUFFER};
pub use tail::{Tail, TAIL_PAGE};
