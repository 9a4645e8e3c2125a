//! Integration tests against the machine's real RabbitMQ, SQLite and PostgreSQL.
//!
//! Every test makes its own RabbitMQ vhost and database and removes them afterwards, so the
//! tests run in parallel.

mod aggregate;
mod api_v1;
mod dedupe;
mod demo;
mod faults;
mod helpers;
mod ingest;
mod metrics;
mod proxy;
mod secrets;
mod simulate;
mod stacky;
mod stacky_cli;
mod watchdog;
mod web;
mod web_queries;
mod worker;
mod worker_http;
mod workload;
