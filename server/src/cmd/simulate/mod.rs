//! `stacktach simulate`: runs the notification generator ([`crate::cmd::simulate::notigen`]) and publishes
//! what it produces to every enabled deployment's broker with publisher confirms (the real
//! path), or writes it as JSON lines for `stacktach import`.
//!
//! With `--rate` the generator runs on the wall clock (timestamps are "now"); without it,
//! notifications come as fast as the broker confirms them, on a simulated clock that starts now.
//!
//! # Layout
//! - here: the options and [`Source`], the generator paced or not, up to `--count`;
//! - `output`: publishing with confirms per deployment, and the JSON lines writer.

pub mod notigen;
mod output;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use tokio_util::sync::CancellationToken;

use self::output::{publish_deployment, write_jsonl};
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions, Outgoing};
use crate::cmd::DeploymentsArg;
use crate::config::DeploymentConfig;
use app::model::now_micros;

pub use self::output::jsonl_line;

/// How often the real-time generator is asked for due notifications.
const TICK: Duration = Duration::from_millis(50);
/// Notifications taken at once from the generator when there is no rate.
const CHUNK: usize = 500;

/// `stacktach simulate` options.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub deployments: DeploymentsArg,
    /// Notifications per second, on average ("200" or "200/s"); default: as fast as possible.
    #[arg(long, value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// Stop after this many notifications (per deployment); default: until Ctrl-C.
    #[arg(long)]
    pub count: Option<u64>,
    /// Seed of the generator (the same seed gives the same notifications); default: random.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write JSON lines to FILE ("-" for stdout) instead of publishing.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Multiplies the real durations of operations: 1 = as in a real cloud, 0.01 = 100x faster.
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let number = text.trim().trim_end_matches("/s");
    match number.parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate.is_finite() => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a positive rate such as 200 or 200/s"
        )),
    }
}

/// Where generated notifications come from: the wall clock (`--rate`) or as fast as possible.
pub(crate) struct Source {
    generator: Generator,
    pub(crate) paced: bool,
    remaining: Option<u64>,
}

impl Source {
    pub(crate) fn new(args: &SimulateArgs, index: u64) -> Self {
        let seed = args.seed.unwrap_or_else(|| now_micros() as u64) + index;
        let options = match args.rate {
            Some(rate) => GeneratorOptions::for_rate(rate, args.time_scale),
            None => GeneratorOptions {
                time_scale: args.time_scale,
                max_in_flight: 500,
                ..GeneratorOptions::default()
            },
        };
        Self {
            generator: Generator::new(seed, options, now_micros()),
            paced: args.rate.is_some(),
            remaining: args.count,
        }
    }

    /// The next notifications; empty when `--count` is reached or on shutdown.
    pub(crate) async fn next(&mut self, shutdown: &CancellationToken) -> Vec<Outgoing> {
        loop {
            if self.remaining == Some(0) || shutdown.is_cancelled() {
                return Vec::new();
            }
            let mut out = if self.paced {
                tokio::select! {
                    _ = shutdown.cancelled() => return Vec::new(),
                    _ = tokio::time::sleep(TICK) => {}
                }
                self.generator.due(now_micros())
            } else {
                self.generator.take(CHUNK)
            };
            if let Some(remaining) = self.remaining.as_mut() {
                out.truncate(usize::try_from(*remaining).unwrap_or(usize::MAX));
                *remaining -= out.len() as u64;
            }
            if !out.is_empty() {
                return out;
            }
        }
    }

    /// Counts a notification that was not sent towards `--count` no more.
    pub(crate) fn give_back(&mut self, n: u64) {
        if let Some(remaining) = self.remaining.as_mut() {
            *remaining += n;
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};

    #[test]
    fn rates_accept_a_per_second_suffix() {
        assert_eq!(parse_rate("200"), Ok(200.0));
        assert_eq!(parse_rate("12.5/s"), Ok(12.5));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("fast").is_err());
    }

    #[test]
    fn json_lines_carry_the_body_as_an_object() {
        let mut generator = Generator::new(1, GeneratorOptions::default(), 1_700_000_000_000_000);
        for o in generator.take(500) {
            let line: serde_json::Value = serde_json::from_str(&jsonl_line(&o)).unwrap();
            assert_eq!(line["exchange"], o.exchange.as_str());
            assert_eq!(line["routing_key"], o.routing_key.as_str());
            assert_eq!(line["body"]["message_id"], o.message_id.as_str());
            assert!(!jsonl_line(&o).contains('\n'));
        }
    }
}
