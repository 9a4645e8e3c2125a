//! The verifier config's named defaults: v2's (`verifier/config.py`) for every key it may
//! leave out, and where the file is found.

/// Environment variable naming the verifier config (v2's). Unset: no verifier runs.
pub const VERIFIER_CONFIG_ENV: &str = "STACKTACH_VERIFIER_CONFIG";
/// v2's `batchsize` default: exists claimed per pass and status.
pub const DEFAULT_BATCHSIZE: usize = 1000;
/// v2's `exponential_backoff_limit` default: publish attempts per verified notification.
pub const DEFAULT_EXPONENTIAL_BACKOFF_LIMIT: u32 = 10;
/// v2's verifier `process_timeout` default, in seconds (0 in the file turns the watchdog off).
pub const DEFAULT_VERIFIER_PROCESS_TIMEOUT_SECS: u64 = 3600;
/// v2's `reconciler_config` default.
pub const DEFAULT_RECONCILER_CONFIG: &str = "/etc/stacktach/reconciler_config.json";
/// v2's `nova_event_type` default (its docs wrongly say `….verified.old`).
pub const DEFAULT_NOVA_EVENT_TYPE: &str = "compute.instance.exists.verified";
/// v2's `glance_event_type` default.
pub const DEFAULT_GLANCE_EVENT_TYPE: &str = "image.exists.verified";
