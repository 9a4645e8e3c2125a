//! `stacktach verify`: the usage verifier on its own (v2's `start_verifier.py`): every
//! configured service verified every `tick_time` until Ctrl-C, or, with `--once`, one pass
//! per service and exit (for cron), printing what it did.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use tokio_util::sync::CancellationToken;

use super::args::{open_migrated, DatabaseArgs, DEFAULT_VERIFIER_CONFIG};
use crate::config::verifier::{verifier_config_path_from_env, VerifierConfig};
use crate::telemetry::metrics::Metrics;
use crate::verifier::run::{RunSettings, Verifier};

/// `stacktach verify` options.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// v2's verifier config [env: STACKTACH_VERIFIER_CONFIG] [default: etc/stacktach_verifier_config.json]
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// One pass per service, print what it did, and exit (for cron).
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The config file `verify` reads: the option, else `STACKTACH_VERIFIER_CONFIG`, else
/// [`DEFAULT_VERIFIER_CONFIG`].
pub fn config_path(option: Option<PathBuf>) -> PathBuf {
    option
        .or_else(verifier_config_path_from_env)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_VERIFIER_CONFIG))
}

/// Loads the verifier config at `path` and logs its warnings.
///
/// # Errors
/// A missing or invalid file (one line naming file, key and reason).
pub fn load_config(path: &std::path::Path) -> anyhow::Result<VerifierConfig> {
    let config = VerifierConfig::load(path)?;
    config.log_warnings();
    Ok(config)
}

/// Runs `stacktach verify` until it is done (`--once`) or Ctrl-C / SIGTERM.
///
/// # Errors
/// Bad configuration, an unreachable database, or (with `--once`) a failed pass.
pub async fn run(args: VerifyArgs) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    let config = load_config(&config_path(args.config.clone()))?;
    let url = args.database.url()?;
    let store = open_migrated(&url).await?;
    let verifier = Verifier::new(
        store.clone(),
        RunSettings::from_config(&config),
        Metrics::default(),
    );
    let outcome = if args.once {
        once(&verifier).await
    } else {
        println!(
            "StackTach verifier: {} every {} s, publishing to {} (Ctrl-C to stop)",
            services_text(&verifier),
            config.tick_time.as_secs(),
            config.redacted_uri()
        );
        verifier.run(shutdown).await.map_err(anyhow::Error::from)
    };
    store.close().await;
    outcome
}

/// One pass per service, printed.
async fn once(verifier: &Verifier) -> anyhow::Result<()> {
    let started = Instant::now();
    let reset = verifier.reset_stuck().await?;
    if reset > 0 {
        println!("Reset {reset} exists left in progress by an earlier run to pending.");
    }
    let reports = verifier.once().await?;
    for (service, r) in reports {
        println!(
            "{}: {} verified ({} reconciled), {} failed, {} notifications published, in {} batches.",
            service.as_str(),
            r.verified,
            r.reconciled,
            r.failed,
            r.published,
            r.batches
        );
    }
    println!("Done in {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// Cancels `shutdown` on Ctrl-C or SIGTERM; the current batch finishes first.
async fn stop_on_signal(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            shutdown.cancel();
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    shutdown.cancel();
}

fn services_text(verifier: &Verifier) -> String {
    let names: Vec<&str> = verifier
        .settings()
        .services
        .iter()
        .map(|s| s.as_str())
        .collect();
    if names.is_empty() {
        "no service (rabbit.topics names none)".to_owned()
    } else {
        names.join(" and ")
    }
}
