//! `stacktach simulate` options, with the `--rate` syntax ("200" or "200/s").

use std::path::PathBuf;

use clap::Args;

use crate::cmd::args::DeploymentsArg;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_accept_a_per_second_suffix() {
        assert_eq!(parse_rate("200"), Ok(200.0));
        assert_eq!(parse_rate("12.5/s"), Ok(12.5));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("fast").is_err());
    }
}
