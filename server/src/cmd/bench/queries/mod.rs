//! `stacktach bench-queries`: the read side at scale. It fills a fresh database (a SQLite file,
//! a PostgreSQL or MySQL/MariaDB database) with N realistic notifications from the generator
//! through the real ingest path (parse, raw rows, aggregates; a week of notification time
//! ending now), prints the plans of the instance, request, host, event, feed and time-window
//! queries, then calls each
//! `/api/v1` endpoint's query path and each page and `/stacky` path `--calls` times with keys
//! drawn from the stored rows and prints p50/p95/p99/max in milliseconds.
//!
//! # Layout
//! - `run`: [`QueryBenchArgs`] and [`run`]: fresh or existing databases, the fill, the
//!   measurement.
//! - `samples`: the keys drawn from stored rows; `plans`: the printed query plans;
//!   `latency`: each endpoint's query path timed; `routes`: every web page and `/stacky` path
//!   timed through the whole router (handler, queries, rendering).

mod latency;
mod plans;
mod routes;
mod run;
mod samples;

pub use run::{run, QueryBenchArgs};
