//! What the process tells operators about itself: logs, the Prometheus registry behind
//! `/metrics`, and the consumers' status board the web app reads (shared between processes by
//! the heartbeat).
//!
//! # Layout
//! - [`logging`]: the `tracing` subscriber.
//! - [`metrics`]: counters and histograms, rendered in the Prometheus text format.
//! - [`status`]: each consumer's state, rates and last message, and the process's identity.
//! - [`heartbeat`]: the board written to `process_heartbeats` every 5 s, and when a process
//!   counts as silent.
//! - [`verifier`]: the usage verifier's metric families.
//! - [`table_sizes`]: the database's size per table (sampler, metric families, growth).

pub mod heartbeat;
pub mod logging;
pub mod metrics;
pub mod status;
pub mod table_sizes;
pub mod verifier;

pub use logging::init;
