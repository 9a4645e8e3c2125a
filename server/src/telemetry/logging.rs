//! Logging with `tracing`: `RUST_LOG` filters, defaulting to our info and libraries' warnings.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (stderr, human-readable).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,lapin=warn,amq_protocol=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
