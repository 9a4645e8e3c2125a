//! [`run`]: `stacktach simulate` checks its options, then writes JSON lines or starts one
//! publisher per enabled deployment and waits for them all.

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use super::args::SimulateArgs;
use super::output::{publish_deployment, write_jsonl};
use super::source::Source;
use crate::config::DeploymentConfig;

/// Runs `stacktach simulate` until `--count` or `shutdown`.
///
/// # Errors
/// Bad options or configuration, an unreachable broker, a refused or unroutable message, or
/// an unwritable output file.
pub async fn run(args: SimulateArgs, shutdown: CancellationToken) -> anyhow::Result<()> {
    if args.jsonl.is_some() && args.count.is_none() && args.rate.is_none() {
        anyhow::bail!("--jsonl needs --count or --rate (else it would write forever)");
    }
    if !(args.time_scale >= 0.0 && args.time_scale.is_finite()) {
        anyhow::bail!("--time-scale must be a number >= 0");
    }
    if let Some(path) = args.jsonl.clone() {
        return write_jsonl(&args, &path, shutdown).await;
    }
    let file = args.deployments.load()?;
    let enabled: Vec<DeploymentConfig> = file.enabled().cloned().collect();
    if enabled.is_empty() {
        anyhow::bail!(
            "{}: no enabled deployment to publish to",
            file.path.display()
        );
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (index, cfg) in enabled.into_iter().enumerate() {
        let source = Source::new(&args, index as u64);
        tasks.spawn(publish_deployment(cfg, source, shutdown.clone()));
    }
    while let Some(joined) = tasks.join_next().await {
        joined.context("a publisher task failed")??;
    }
    Ok(())
}
