//! [`BillingSettings`]: what `serve` and `worker` run of the billing half besides ingest and
//! the web — the usage verifier, the `/db` write endpoints' token, the daily reports. Each is
//! off unless configured, so a plain monitor needs none of it.

use std::path::PathBuf;

use crate::config::Secret;

/// The billing half's settings; `Default` is "all off".
#[derive(Debug, Clone, Default)]
pub struct BillingSettings {
    /// v2's verifier config file (`--verifier-config`, `STACKTACH_VERIFIER_CONFIG`): when set,
    /// the verifier runs inside this process.
    pub verifier_config: Option<PathBuf>,
    /// The bearer token the `/db` write endpoints (confirm, repair, tenant info) require; they
    /// are refused when it is `None`. `Debug` prints `***`.
    pub db_api_token: Option<Secret>,
    /// Generate and store the daily reports (the previous UTC day) inside `serve`.
    pub daily_reports: bool,
}
