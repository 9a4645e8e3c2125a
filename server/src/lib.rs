//! The StackTach server: consumers, store, aggregation, HTTP and the live hub.
//!
//! # Layout
//! - [`cli`]: the `stacktach` subcommands; [`startup`]: building and running the application.
//! - [`config`]: the v2 deployments file and the database URL.
//! - [`amqp`]: connections, topology, and one consumer per (deployment, exchange).
//! - [`notification`]: PURE parsing, bytes → typed notification or typed error.
//! - [`aggregate`]: PURE aggregation rules, new events + stored state → rows to write.
//! - [`ingest`]: parse → one transaction → commit → (caller acks) → live hub.
//! - [`store`]: every SQL statement, for SQLite and PostgreSQL.
//! - [`live`]: the hub fanning committed rows out to websocket subscribers.
//! - [`metrics`]: the Prometheus counters and histograms behind `/metrics`.
//! - [`http`]: the router (Leptos SSR, server functions, live websocket, health).
//! - [`backend`]: the web app's port implemented over the store; [`status`]: consumer status.
//! - [`simulate`]: the notification generator; [`demo`]: `serve --demo`.

pub mod aggregate;
pub mod amqp;
pub mod backend;
pub mod bench;
pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod import;
pub mod ingest;
pub mod live;
pub mod metrics;
pub mod notification;
pub mod publish;
pub mod simulate;
pub mod simulator;
pub mod site;
pub mod startup;
pub mod status;
pub mod store;
pub mod telemetry;
pub mod watchdog;
