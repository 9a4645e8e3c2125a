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

/// Where each bucket of the timing rollups starts (µs): bucket 0 holds the negative durations
/// (an `.end` stamped before its `.start`), bucket `i` ≥ 1 holds `[FLOORS[i - 1], FLOORS[i])`,
/// the last one everything from a week up. Every bound of [`BUCKET_BOUNDS_US`] is a floor, so
/// the page's histogram is exact; between them the steps are about 12 % (1.33× below 0.1 s,
/// 1.38× above an hour), which bounds a percentile's error. Stored in the database (the
/// rollup rows name their bucket, migration 0016 lists these floors): never change them.
#[rustfmt::skip]
pub const ROLLUP_FLOORS_US: [i64; 146] = [
    0, 1_000, 1_330, 1_780, 2_370, 3_160, 4_220, 5_620, 7_500, 10_000, 13_300, 17_800, 23_700,
    31_600, 42_200, 56_200, 75_000, 100_000, 112_000, 126_000, 141_000, 158_000, 177_000, 199_000,
    223_000, 250_000, 273_000, 297_000, 324_000, 354_000, 386_000, 420_000, 459_000, 500_000,
    545_000, 595_000, 648_000, 707_000, 771_000, 841_000, 917_000, 1_000_000, 1_090_000, 1_190_000,
    1_300_000, 1_410_000, 1_540_000, 1_680_000, 1_830_000, 2_000_000, 2_240_000, 2_510_000,
    2_820_000, 3_160_000, 3_550_000, 3_980_000, 4_460_000, 5_000_000, 5_450_000, 5_950_000,
    6_480_000, 7_070_000, 7_710_000, 8_410_000, 9_170_000, 10_000_000, 10_900_000, 11_900_000,
    13_000_000, 14_100_000, 15_400_000, 16_800_000, 18_300_000, 20_000_000, 21_000_000, 22_100_000,
    23_300_000, 24_500_000, 25_800_000, 27_100_000, 28_500_000, 30_000_000, 32_700_000, 35_700_000,
    38_900_000, 42_400_000, 46_300_000, 50_500_000, 55_000_000, 60_000_000, 65_400_000, 71_400_000,
    77_800_000, 84_900_000, 92_500_000, 101_000_000, 110_000_000, 120_000_000, 135_000_000,
    151_000_000, 169_000_000, 190_000_000, 213_000_000, 239_000_000, 268_000_000, 300_000_000,
    327_000_000, 357_000_000, 389_000_000, 424_000_000, 463_000_000, 505_000_000, 550_000_000,
    600_000_000, 688_000_000, 790_000_000, 906_000_000, 1_040_000_000, 1_190_000_000, 1_370_000_000,
    1_570_000_000, 1_800_000_000, 1_960_000_000, 2_140_000_000, 2_330_000_000, 2_550_000_000,
    2_780_000_000, 3_030_000_000, 3_300_000_000, 3_600_000_000, 4_960_000_000, 6_830_000_000,
    9_410_000_000, 13_000_000_000, 17_900_000_000, 24_600_000_000, 33_900_000_000, 46_700_000_000,
    64_300_000_000, 88_500_000_000, 122_000_000_000, 168_000_000_000, 231_000_000_000,
    319_000_000_000, 439_000_000_000, 604_800_000_000,
];

/// The start of the rollup hour that holds `at_us` (UTC µs, floored before 1970 too): ingest
/// files a timing under its end's hour, and the pages read whole hours from one on.
pub fn rollup_hour(at_us: i64) -> i64 {
    const HOUR_US: i64 = 3_600_000_000;
    at_us.div_euclid(HOUR_US) * HOUR_US
}

/// The start of the UTC day that holds `at_us` (floored before 1970 too): the day rollups'
/// key, which the timings page reads for the whole days of its window.
pub fn rollup_day(at_us: i64) -> i64 {
    const DAY_US: i64 = 86_400_000_000;
    at_us.div_euclid(DAY_US) * DAY_US
}

/// The rollup bucket of a duration (see [`ROLLUP_FLOORS_US`]).
pub fn rollup_bucket(duration_us: i64) -> i64 {
    ROLLUP_FLOORS_US.partition_point(|&floor| floor <= duration_us) as i64
}

/// One rollup bucket of one operation over a time window: how many timings, their total and
/// their exact extremes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketCount {
    pub bucket: i64,
    pub count: u64,
    pub total: i64,
    pub min: i64,
    pub max: i64,
}

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
    /// Statistics of one operation from its rollup buckets (any order); `None` when they hold
    /// no timing. Count, min, max and mean are exact. A percentile is the nearest-rank value
    /// placed inside its bucket between that bucket's exact min and max, so it errs by less
    /// than the bucket's width (about 12 %) and is exact at either end of a bucket.
    pub fn from_buckets(name: String, buckets: &[BucketCount]) -> Option<Self> {
        let mut buckets: Vec<BucketCount> =
            buckets.iter().filter(|b| b.count > 0).copied().collect();
        buckets.sort_unstable_by_key(|b| b.bucket);
        let n: u64 = buckets.iter().map(|b| b.count).sum();
        if n == 0 {
            return None;
        }
        let sum: i128 = buckets.iter().map(|b| i128::from(b.total)).sum();
        let mut histogram = vec![0u64; BUCKET_LABELS.len()];
        for b in &buckets {
            // A rollup bucket lies inside one histogram bucket (its floors include every bound).
            histogram[BUCKET_BOUNDS_US.partition_point(|&bound| bound <= b.min)] += b.count;
        }
        // Nearest rank: the smallest value with at least p % of values at or below it.
        let pct = |p: u64| percentile(&buckets, (n * p).div_ceil(100).clamp(1, n));
        Some(Self {
            name,
            count: n,
            min: buckets.iter().map(|b| b.min).min().unwrap_or_default(),
            max: buckets.iter().map(|b| b.max).max().unwrap_or_default(),
            avg: (sum / i128::from(n)) as i64,
            p50: pct(50),
            p95: pct(95),
            p99: pct(99),
            histogram,
        })
    }
}

/// The `rank`-th smallest duration (1-based) of sorted, non-empty `buckets`, interpolated
/// between the exact min and max of the bucket that holds it.
fn percentile(buckets: &[BucketCount], rank: u64) -> i64 {
    let mut below = 0;
    for b in buckets {
        if rank <= below + b.count {
            let k = rank - below; // 1..=count within the bucket
            if b.count == 1 {
                return b.min;
            }
            let span = i128::from(b.max) - i128::from(b.min);
            let step = span * i128::from(k - 1) / i128::from(b.count - 1);
            return (i128::from(b.min) + step) as i64;
        }
        below += b.count;
    }
    buckets.last().map_or(0, |b| b.max)
}

/// Rollup buckets of `durations`, as the store would sum them (for tests and fixtures).
pub fn buckets_of(durations: &[i64]) -> Vec<BucketCount> {
    let mut out: Vec<BucketCount> = Vec::new();
    for &d in durations {
        let bucket = rollup_bucket(d);
        match out.iter_mut().find(|b| b.bucket == bucket) {
            Some(b) => {
                b.count += 1;
                b.total += d;
                b.min = b.min.min(d);
                b.max = b.max.max(d);
            }
            None => out.push(BucketCount {
                bucket,
                count: 1,
                total: d,
                min: d,
                max: d,
            }),
        }
    }
    out
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
    fn statistics_from_buckets() {
        let d: Vec<i64> = (1..=100).map(|i| i * 1_000_000).collect();
        let s = OpStats::from_buckets("x".into(), &buckets_of(&d)).unwrap();
        assert_eq!((s.count, s.min, s.max), (100, 1_000_000, 100_000_000));
        assert_eq!(s.avg, 50_500_000);
        // Exact values are 50, 95 and 99 s; each estimate stays within its bucket (≤ 12 %).
        for (got, exact) in [
            (s.p50, 50_000_000),
            (s.p95, 95_000_000),
            (s.p99, 99_000_000),
        ] {
            let err = (got - exact).abs() as f64 / exact as f64;
            assert!(err < 0.12, "{got} vs {exact}");
        }
        assert_eq!(s.histogram.iter().sum::<u64>(), 100);
        // 1 s lands in "<2s" (bounds are exclusive upper limits), 60..=100 s in "<2m".
        assert_eq!(
            (s.histogram[4], s.histogram[10], s.histogram[15]),
            (1, 41, 0)
        );
        let s = OpStats::from_buckets("y".into(), &buckets_of(&[7_200_000_000])).unwrap();
        assert_eq!(
            (s.p50, s.p99, s.histogram[15]),
            (7_200_000_000, 7_200_000_000, 1)
        );
        assert!(OpStats::from_buckets("z".into(), &[]).is_none());
    }

    #[test]
    fn percentiles_are_exact_at_bucket_ends_and_negatives_count_as_fastest() {
        // 98 equal fast timings, a negative one and a slow one: the middle is exact.
        let mut d = vec![-5_000, 3_000_000];
        d.extend(std::iter::repeat_n(40_000, 98));
        let s = OpStats::from_buckets("n".into(), &buckets_of(&d)).unwrap();
        assert_eq!(
            (s.min, s.p50, s.p95, s.max),
            (-5_000, 40_000, 40_000, 3_000_000)
        );
        assert_eq!(
            s.histogram[0], 99,
            "negative and 40 ms durations are both under 0.1 s"
        );
    }

    #[test]
    fn every_histogram_bound_is_a_rollup_floor() {
        assert!(ROLLUP_FLOORS_US.windows(2).all(|w| w[0] < w[1]));
        for bound in BUCKET_BOUNDS_US {
            assert!(ROLLUP_FLOORS_US.contains(&bound), "{bound}");
        }
        assert_eq!(rollup_bucket(-1), 0);
        assert_eq!(rollup_bucket(0), 1);
        assert_eq!(rollup_bucket(999), 1);
        assert_eq!(rollup_bucket(1_000), 2);
        assert_eq!(rollup_bucket(i64::MAX), ROLLUP_FLOORS_US.len() as i64);
        // Neighbouring floors from a millisecond up differ by at most 1.38×.
        for w in ROLLUP_FLOORS_US[1..].windows(2) {
            assert!(w[1] as f64 / w[0] as f64 <= 1.39, "{w:?}");
        }
    }

    #[test]
    fn windows_round_trip() {
        for w in Window::CHOICES {
            assert_eq!(Window::parse(w.param()), Some(w));
        }
    }
}
