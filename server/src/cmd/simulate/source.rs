//! [`Source`]: where `stacktach simulate` takes notifications from, the generator paced by the
//! wall clock (`--rate`) or as fast as the output takes them, up to `--count`.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::args::SimulateArgs;
use super::notigen::{Generator, GeneratorOptions, Outgoing};
use app::model::now_micros;

/// How often the real-time generator is asked for due notifications.
const TICK: Duration = Duration::from_millis(50);
/// Notifications taken at once from the generator when there is no rate.
const CHUNK: usize = 500;

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
