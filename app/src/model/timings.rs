//! The timings page: per-operation duration statistics and the slowest requests.

use serde::{Deserialize, Serialize};

use super::lifecycle::Kpi;
use super::time::Micros;

/// Upper bounds (µs) of the histogram buckets; a last bucket holds everything slower.
/// Log-like steps, because operation times span milliseconds to hours.
pub const BUCKET_BOUNDS_US: [i64; 15] = [
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    20_000_000,
    30_000_000,
    60_000_000,
    120_000_000,
    300_000_000,
    600_000_000,
    1_800_000_000,
    3_600_000_000,
];

/// Labels of the buckets, one more than the bounds.
pub const BUCKET_LABELS: [&str; 16] = [
    "<0.1s", "<0.25s", "<0.5s", "<1s", "<2s", "<5s", "<10s", "<20s", "<30s", "<1m", "<2m", "<5m",
    "<10m", "<30m", "<1h", "≥1h",
];

/// The time window of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Window {
    Hour,
    Day,
    Week,
}

impl Window {
    pub const CHOICES: [Window; 3] = [Window::Hour, Window::Day, Window::Week];

    pub fn param(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::CHOICES.into_iter().find(|w| w.param() == s)
    }

    pub fn micros(self) -> i64 {
        const HOUR: i64 = 3_600_000_000;
        match self {
            Self::Hour => HOUR,
            Self::Day => 24 * HOUR,
            Self::Week => 7 * 24 * HOUR,
        }
    }
}

/// Duration statistics of one operation (all in µs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpStats {
    pub name: String,
    pub count: u64,
    pub min: i64,
    pub max: i64,
    pub avg: i64,
    pub p50: i64,
    pub p95: i64,
    pub p99: i64,
    /// Counts per bucket of [`BUCKET_BOUNDS_US`] (16 entries).
    pub histogram: Vec<u64>,
}

impl OpStats {
    /// Statistics of `durations` (sorted in place); `None` when empty.
    pub fn compute(name: String, durations: &mut [i64]) -> Option<Self> {
        if durations.is_empty() {
            return None;
        }
        durations.sort_unstable();
        let n = durations.len();
        // Nearest-rank percentiles: the smallest value with at least p % of values at or below.
        let pct = |p: usize| durations[((n * p).div_ceil(100)).clamp(1, n) - 1];
        let sum: i128 = durations.iter().map(|&d| i128::from(d)).sum();
        let mut histogram = vec![0u64; BUCKET_LABELS.len()];
        for &d in durations.iter() {
            let bucket = BUCKET_BOUNDS_US.partition_point(|&bound| bound <= d);
            histogram[bucket] += 1;
        }
        Some(Self {
            name,
            count: n as u64,
            min: durations[0],
            max: durations[n - 1],
            avg: (sum / n as i128) as i64,
            p50: pct(50),
            p95: pct(95),
            p99: pct(99),
            histogram,
        })
    }
}

/// Everything the timings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimingsData {
    pub window: Window,
    pub since: Micros,
    /// By name.
    pub ops: Vec<OpStats>,
    /// The slowest requests that started in the last day, slowest first.
    pub slowest: Vec<Kpi>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_and_buckets() {
        let mut d: Vec<i64> = (1..=100).map(|i| i * 1_000_000).collect();
        let s = OpStats::compute("x".into(), &mut d).unwrap();
        assert_eq!((s.count, s.min, s.max), (100, 1_000_000, 100_000_000));
        assert_eq!(s.avg, 50_500_000);
        assert_eq!((s.p50, s.p95, s.p99), (50_000_000, 95_000_000, 99_000_000));
        assert_eq!(s.histogram.iter().sum::<u64>(), 100);
        // 1 s lands in "<2s" (bounds are exclusive upper limits).
        assert_eq!(s.histogram[4], 1);
        assert_eq!(s.histogram[15], 0);
        let mut one = vec![7_200_000_000];
        let s = OpStats::compute("y".into(), &mut one).unwrap();
        assert_eq!(
            (s.p50, s.p99, s.histogram[15]),
            (7_200_000_000, 7_200_000_000, 1)
        );
        assert!(OpStats::compute("z".into(), &mut []).is_none());
    }

    #[test]
    fn windows_round_trip() {
        for w in Window::CHOICES {
            assert_eq!(Window::parse(w.param()), Some(w));
        }
    }
}
