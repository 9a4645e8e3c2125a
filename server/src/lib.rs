//! The StackTach server: consumers, store, aggregation, HTTP and the live hub.
//!
//! # Layout
//! - [`cmd`]: the `stacktach` subcommands (serve and worker, migrate, import, simulate, bench).
//! - [`config`]: the v2 deployments file and the database URL.
//! - [`amqp`]: connections, topology, one consumer per (deployment, exchange), publishing.
//! - [`notification`]: PURE parsing, bytes → typed notification or typed error.
//! - [`aggregate`]: PURE aggregation rules, new events + stored state → rows to write.
//! - [`ingest`]: parse → one transaction (insert, aggregate, write) → commit → live hub.
//! - [`store`]: every SQL statement, for SQLite, PostgreSQL and MySQL/MariaDB, grouped by table.
//! - [`live`]: the hub fanning committed rows out to websocket subscribers, and the database
//!   tail that feeds it with every process's commits.
//! - [`http`]: the router (Leptos SSR and the web app's backend, `/stacky`, `/api/v1`, the
//!   live websocket, health and metrics).
//! - [`reports`]: v2's reports (usage audits, KPI summary, …), built, stored, scheduled.
//! - [`retention`]: PURE retention policy: table classes and their horizons (`stacktach prune`).
//! - [`telemetry`]: logging, the Prometheus registry and the consumers' status board.

pub mod aggregate;
pub mod amqp;
pub mod cmd;
pub mod config;
pub mod http;
pub mod ingest;
pub mod live;
pub mod notification;
pub mod reports;
pub mod retention;
pub mod store;
pub mod telemetry;
pub mod verifier;
