//! Integration tests against the machine's real RabbitMQ, SQLite, PostgreSQL and MariaDB.
//!
//! Every test makes its own RabbitMQ vhost and database and removes them afterwards, so the
//! tests run in parallel.

mod aggregate;
mod api_v1;
mod auth;
mod billing_day;
mod concurrent_batches;
mod db_rejects;
mod dbapi;
mod dbapi_writes;
mod dedupe;
mod demo;
mod exact_keys;
mod exit_on_exception;
mod faults;
mod helpers;
mod ingest;
mod limits;
mod live_tail;
mod metrics;
mod mysql_plans;
mod no_panic;
mod outages;
mod partitions;
mod proxy;
mod prune;
mod redaction;
mod reports;
mod secrets;
mod shared_status;
mod simulate;
mod stacky;
mod stacky_cli;
mod stacky_search;
mod stacky_usage;
mod table_sizes;
mod units;
mod usage_pages;
mod verifier;
mod versions;
mod watchdog;
mod web;
mod web_queries;
mod worker;
mod worker_http;
mod workload;
