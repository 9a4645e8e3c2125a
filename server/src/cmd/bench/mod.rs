//! `stacktach bench`: ingest throughput on this machine, measured so that the broker's and the
//! database's costs are told apart.
//!
//! It fills a queue of its own with N realistic Nova notifications from the generator (persistent,
//! with publisher confirms) and only then measures, never publishing and consuming at once:
//! (a) a no-op consumer draining it (the broker's ceiling), then for each database (a fresh
//! SQLite file, a fresh PostgreSQL database and, when its server answers, a fresh MySQL/MariaDB
//! database): the queue refilled with the same notifications, (b) `stacktach`'s own consumer
//! ingesting it end to end (parsed, stored with aggregates, committed, acked), and (c) the
//! ingest pipeline alone without the broker. It prints
//! notifications/s, MB/s, the ratio b/a, peak RSS and CPU use per phase (this process, the
//! others, idle) and the reference ceilings.
//!
//! Publishing while consuming would measure the broker along with the consumer: it shares the
//! machine's cores, at about 25 µs of broker CPU per delivered message.
//!
//! # Layout
//! - `run`: [`BenchArgs`] and [`run`], the phases in order.
//! - `broker`: the queue, the fill, the no-op consumer; `database`: fresh databases;
//!   `fill`: a database filled through the real ingest path (the read-side benchmarks).
//! - `ingest`: phases (b) and (c); `usage`: peak memory and CPU per phase; `report`: the table
//!   and the ceilings.
//! - `queries`: `stacktach bench-queries`, the read side at a million stored events.
//! - `verify`: `stacktach bench-verify`, the usage verifier over N exists per database.
//! - `reports`: `stacktach bench-reports`, every report over a day of N events per database.
//! - `prune`: `stacktach bench-prune`, the ingest rate while retention prunes, per database.
//! - `tail`: `stacktach bench-tail`, commit → live push latency across processes, per database.
//! - `latency`: `stacktach bench-latency`, publish → committed at a trickle, per database.
//! - `workers`: `stacktach bench-workers`, one consumer's ingest rate against two on one database.

mod broker;
mod database;
mod fill;
mod ingest;
mod latency;
mod prune;
mod queries;
mod report;
mod reports;
mod run;
mod tail;
mod usage;
mod verify;
mod workers;

pub use latency::{run_latency, LatencyBenchArgs};
pub use prune::{run_prune, PruneBenchArgs};
pub use queries::{run as run_queries, QueryBenchArgs};
pub use reports::{run_reports, ReportBenchArgs};
pub use run::{run, BenchArgs};
pub use tail::{run_tail_bench, TailBenchArgs};
pub use verify::{run_verify, VerifyBenchArgs};
pub use workers::{run_workers, WorkersBenchArgs};
