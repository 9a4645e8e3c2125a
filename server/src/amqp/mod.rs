//! RabbitMQ: connections, the configured topology, the consumers and publishing.
//!
//! # Layout
//! - `connection`: [`connect`] and [`AmqpError`]; `topology`: exchange/queue declares.
//! - `context`: [`ConsumerContext`], what a deployment's consumers share, and the reconnect
//!   [`backoff_delay`].
//! - `consumer`: a deployment's connection, reconnected with backoff ([`run_deployment`]).
//! - `supervisor`: one task per exchange on that connection, restarted when stuck.
//! - [`watchdog`]: the heartbeats the supervisor judges a task by.
//! - `pipeline`: one task's receiver stage and the pipeline; `committer`: its store → ack
//!   stage; `batch`: batches and safe acks; `rates`: messages per second over the last minute.
//! - [`publish`]: publishing with confirms (the simulator, the benchmark and the tests).

mod batch;
mod committer;
mod connection;
mod consumer;
mod context;
mod pipeline;
pub mod publish;
mod rates;
mod supervisor;
mod topology;
pub mod watchdog;

pub use connection::{connect, AmqpError, CONNECT_TIMEOUT};
pub use consumer::run_deployment;
pub use context::{backoff_delay, ConsumerContext};
pub use pipeline::{batch_limit, BATCH_WINDOW, MAX_BATCH};
pub use topology::{declare, field_table};
