//! What the benchmark prints: one row per measurement with its memory and CPU use, and the
//! ceilings measured once on this class of machine, for comparison.

use super::usage::Usage;

/// One measured phase.
#[derive(Debug, Clone)]
pub struct Row {
    pub what: String,
    pub count: u64,
    pub bytes: u64,
    pub secs: f64,
    /// Peak memory and CPU during the phase (empty where /proc is missing).
    pub usage: Usage,
    /// This phase's rate divided by the no-op consumer's.
    pub ratio: Option<f64>,
}

impl Row {
    /// Notifications per second.
    pub fn rate(&self) -> f64 {
        self.count as f64 / self.secs.max(1e-9)
    }
}

/// The results table. CPU columns are in cores over the phase's wall time: this process,
/// every other process (broker, database server), and idle.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<44} {:>8} {:>7} {:>7} {:>9} {:>5}   {:>5} {:>6} {:>5}\n",
        "phase", "notif/s", "MB/s", "secs", "peak RSS", "b/a", "CPU:us", "others", "idle"
    );
    for r in rows {
        let rss = r
            .usage
            .peak_rss_kib
            .map_or("-".to_owned(), |k| format!("{} MB", k / 1024));
        let ratio = r.ratio.map_or("-".to_owned(), |x| format!("{x:.2}"));
        let cpu = r.usage.cpu.map_or("     -      -     -".to_owned(), |c| {
            format!("{:>5.2} {:>6.2} {:>5.2}", c.ours, c.others, c.idle)
        });
        out.push_str(&format!(
            "{:<44} {:>8.0} {:>7.1} {:>7.2} {:>9} {:>5}   {cpu}\n",
            r.what,
            r.rate(),
            r.bytes as f64 / 1e6 / r.secs.max(1e-9),
            r.secs,
            rss,
            ratio
        ));
    }
    out
}

/// Milliseconds, sorted: the latency figures the latency benchmarks print.
pub struct Latencies(Vec<f64>);

impl Latencies {
    /// Sorts `millis`.
    pub fn new(mut millis: Vec<f64>) -> Self {
        millis.sort_by(f64::total_cmp);
        Self(millis)
    }

    /// The `q` quantile: the value at index `round(q × (n − 1))` of the sorted list (NaN when
    /// empty).
    pub fn at(&self, q: f64) -> f64 {
        let last = self.0.len().saturating_sub(1) as f64;
        self.0
            .get((last * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// `p50 … p95 … p99 … max …`, in milliseconds.
    pub fn line(&self) -> String {
        format!(
            "p50 {:.1} ms   p95 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
            self.at(0.50),
            self.at(0.95),
            self.at(0.99),
            self.at(1.0)
        )
    }
}

/// The ceilings measured with simple standalone loaders on a 2-core machine (~91,000 Nova
/// notifications of 2.8 KB, one consumer), which the report prints below its table.
pub const CEILINGS: &str = "\
Ceilings measured on a 2-core machine of this class (PERFORMANCE.md), messages or rows/s:
  broker -> no-op consumer (prefetch 200, multiple-ack every 100)   ~34,000 (~100 MB/s)
  broker -> consumer parsing JSON, 12 fields                        ~32,000
  persistent publish with confirms (the load generator's limit)     ~17,000-18,000
  SQLite multi-row insert, 5 indexes, 500 / 2,000 per transaction   ~14,400 / ~17,900
  PostgreSQL multi-row insert / UNNEST / COPY (batch >= 500)        ~17,000-17,500
  PostgreSQL insert with lz4 JSON compression                       ~26,800
  simple sequential consumer (receive 500, insert, commit, ack)     ~11,000-12,000
  the same with prefetch 2x the batch                               ~12,500 SQLite / ~14,700 PostgreSQL
Target: (b) >= 0.6 x (a) on every backend at the default settings (stretch 0.75).
";
