//! A small Prometheus registry: labelled counters and fixed-bucket histograms, rendered in the
//! text exposition format 0.0.4 by `GET /metrics`.
//!
//! Every metric is declared once below as a [`Counter`] or [`Histogram`] constant (name, help,
//! label names, buckets), so call sites cannot misspell a name or invent a label. Values live
//! behind one mutex per kind, taken for a map update only: the consumers record once per batch
//! and the HTTP layer once per request, so contention is negligible. Gauges that another part of
//! the program already knows (live subscribers) are read at scrape time instead of being copied.
//!
//! Label values come from configuration (deployment, exchange) or fixed sets (route templates,
//! methods, status codes), never from raw URLs, so the number of series stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, MutexGuard};

/// A monotonically increasing counter family.
#[derive(Debug)]
pub struct Counter {
    pub name: &'static str,
    pub help: &'static str,
    pub labels: &'static [&'static str],
}

/// A histogram family with fixed upper bounds (ascending; `+Inf` is implied).
#[derive(Debug)]
pub struct Histogram {
    pub name: &'static str,
    pub help: &'static str,
    pub labels: &'static [&'static str],
    pub buckets: &'static [f64],
}

/// A family whose values are set (or added to) by its owner, declared where it is used (the
/// verifier's, in `telemetry::verifier`) and rendered once it has a series.
#[derive(Debug)]
pub struct Gauge {
    pub name: &'static str,
    pub help: &'static str,
    pub labels: &'static [&'static str],
    /// `gauge` or `counter`.
    pub kind: &'static str,
}

const CONSUMER: &[&str] = &["deployment", "exchange"];

/// Notifications parsed and newly stored (duplicates and quarantined messages not included).
pub const INGESTED: Counter = Counter {
    name: "stacktach_notifications_ingested_total",
    help: "Notifications parsed and committed as new events.",
    labels: CONSUMER,
};
/// Redeliveries of notifications that were already stored.
pub const DUPLICATES: Counter = Counter {
    name: "stacktach_notifications_duplicate_total",
    help: "Delivered notifications that were already stored (redeliveries), skipped.",
    labels: CONSUMER,
};
/// Unparseable messages kept in the quarantine table.
pub const QUARANTINED: Counter = Counter {
    name: "stacktach_notifications_quarantined_total",
    help:
        "Messages quarantined (then acked): unparseable, or refused by the database for their data.",
    labels: CONSUMER,
};
/// Deliveries acked after their batch committed.
pub const ACKED: Counter = Counter {
    name: "stacktach_messages_acked_total",
    help: "Deliveries acknowledged to the broker after their batch committed.",
    labels: CONSUMER,
};
/// Multiple-acks sent.
pub const ACK_CALLS: Counter = Counter {
    name: "stacktach_acks_total",
    help: "basic.ack frames sent (each a multiple-ack covering one or more deliveries).",
    labels: CONSUMER,
};
/// Batches whose commit failed and was retried.
pub const COMMIT_RETRIES: Counter = Counter {
    name: "stacktach_commit_retries_total",
    help: "Batch commits that failed with a store error and were retried.",
    labels: CONSUMER,
};
/// Broker connections lost and re-established, and stuck consumers restarted.
pub const RECONNECTS: Counter = Counter {
    name: "stacktach_consumer_reconnects_total",
    help: "Times a deployment's consumers reconnected (lost broker) or a stuck consumer restarted.",
    labels: &["deployment", "reason"],
};
/// HTTP requests by route template, method and status.
pub const HTTP_REQUESTS: Counter = Counter {
    name: "stacktach_http_requests_total",
    help: "HTTP requests answered, by matched route template, method and status code.",
    labels: &["route", "method", "status"],
};

/// Messages per committed batch.
pub const BATCH_SIZE: Histogram = Histogram {
    name: "stacktach_batch_size",
    help: "Messages per batch stored in one transaction.",
    labels: CONSUMER,
    buckets: &[1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0],
};
/// Seconds from the start of a batch's store to its commit (retries included).
pub const COMMIT_SECONDS: Histogram = Histogram {
    name: "stacktach_commit_duration_seconds",
    help: "Seconds to parse, store and commit one batch (retries included).",
    labels: CONSUMER,
    buckets: &[
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
    ],
};
/// Seconds per HTTP request by route template.
pub const HTTP_SECONDS: Histogram = Histogram {
    name: "stacktach_http_request_duration_seconds",
    help: "Seconds to answer an HTTP request (until the response head), by route template.",
    labels: &["route"],
    buckets: &[
        0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
    ],
};

const COUNTERS: [&Counter; 8] = [
    &INGESTED,
    &DUPLICATES,
    &QUARANTINED,
    &ACKED,
    &ACK_CALLS,
    &COMMIT_RETRIES,
    &RECONNECTS,
    &HTTP_REQUESTS,
];
const HISTOGRAMS: [&Histogram; 3] = [&BATCH_SIZE, &COMMIT_SECONDS, &HTTP_SECONDS];

/// An unlabelled value read at scrape time from where it is kept (e.g. the live hub).
#[derive(Debug, Clone, Copy)]
pub struct Scraped {
    pub name: &'static str,
    pub help: &'static str,
    /// `gauge` or `counter`.
    pub kind: &'static str,
    pub value: f64,
}

/// Label values of one series, in the family's label order.
type Series = (&'static str, Vec<String>);

#[derive(Debug, Clone)]
struct HistogramValue {
    /// Per bucket (not cumulative), plus the `+Inf` overflow at the end.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    counters: Mutex<BTreeMap<Series, u64>>,
    histograms: Mutex<BTreeMap<Series, HistogramValue>>,
    gauges: Mutex<BTreeMap<Series, (f64, &'static Gauge)>>,
}

/// The registry. Cheap to clone; every clone records into the same values.
#[derive(Clone, Default)]
pub struct Metrics(Arc<Inner>);

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn values(names: &[&str], labels: &[&str]) -> Vec<String> {
    debug_assert_eq!(names.len(), labels.len(), "label count of a metric");
    labels.iter().map(|v| (*v).to_owned()).collect()
}

impl Metrics {
    /// Adds `n` to the series of `counter` with these label values (in declaration order).
    pub fn add(&self, counter: &Counter, labels: &[&str], n: u64) {
        let key = (counter.name, values(counter.labels, labels));
        *lock(&self.0.counters).entry(key).or_default() += n;
    }

    /// Adds one.
    pub fn inc(&self, counter: &Counter, labels: &[&str]) {
        self.add(counter, labels, 1);
    }

    /// Records one observation of `histogram`.
    pub fn observe(&self, histogram: &Histogram, labels: &[&str], value: f64) {
        let key = (histogram.name, values(histogram.labels, labels));
        let mut map = lock(&self.0.histograms);
        let h = map.entry(key).or_insert_with(|| HistogramValue {
            counts: vec![0; histogram.buckets.len() + 1],
            sum: 0.0,
            count: 0,
        });
        let bucket = histogram.buckets.partition_point(|&le| le < value);
        h.counts[bucket] += 1;
        h.sum += value;
        h.count += 1;
    }

    /// Sets the series of `gauge` with these label values.
    pub fn set(&self, gauge: &'static Gauge, labels: &[&str], value: f64) {
        let key = (gauge.name, values(gauge.labels, labels));
        lock(&self.0.gauges).insert(key, (value, gauge));
    }

    /// Adds `n` to the series of `gauge` (a `counter`-kind family).
    pub fn add_to(&self, gauge: &'static Gauge, labels: &[&str], n: f64) {
        let key = (gauge.name, values(gauge.labels, labels));
        lock(&self.0.gauges).entry(key).or_insert((0.0, gauge)).0 += n;
    }

    /// One series of `gauge`, if ever set (the status page reads the verifier's here).
    pub fn gauge(&self, gauge: &Gauge, labels: &[&str]) -> Option<f64> {
        let key = (gauge.name, values(gauge.labels, labels));
        lock(&self.0.gauges).get(&key).map(|(v, _)| *v)
    }

    /// The value of one counter series (0 if never recorded); for tests and the benchmark.
    pub fn counter(&self, counter: &Counter, labels: &[&str]) -> u64 {
        let key = (counter.name, values(counter.labels, labels));
        lock(&self.0.counters).get(&key).copied().unwrap_or(0)
    }

    /// Every family in the text exposition format 0.0.4, followed by `scraped` values another
    /// part of the program keeps and the caller read at scrape time.
    pub fn render(&self, scraped: &[Scraped]) -> String {
        let mut out = String::with_capacity(4096);
        let counters = lock(&self.0.counters).clone();
        for c in COUNTERS {
            header(&mut out, c.name, c.help, "counter");
            for ((_, vals), n) in counters.iter().filter(|((n, _), _)| *n == c.name) {
                let _ = writeln!(out, "{}{} {n}", c.name, label_set(c.labels, vals, None));
            }
        }
        let histograms = lock(&self.0.histograms).clone();
        for h in HISTOGRAMS {
            header(&mut out, h.name, h.help, "histogram");
            for ((_, vals), v) in histograms.iter().filter(|((n, _), _)| *n == h.name) {
                let mut cumulative = 0;
                for (i, n) in v.counts.iter().enumerate() {
                    cumulative += n;
                    let le = h.buckets.get(i).map_or("+Inf".to_owned(), |b| fmt_f64(*b));
                    let labels = label_set(h.labels, vals, Some(&le));
                    let _ = writeln!(out, "{}_bucket{labels} {cumulative}", h.name);
                }
                let labels = label_set(h.labels, vals, None);
                let _ = writeln!(out, "{}_sum{labels} {}", h.name, fmt_f64(v.sum));
                let _ = writeln!(out, "{}_count{labels} {}", h.name, v.count);
            }
        }
        let gauges = lock(&self.0.gauges).clone();
        let mut family = "";
        for ((name, vals), (v, g)) in &gauges {
            if *name != family {
                header(&mut out, g.name, g.help, g.kind);
                family = name;
            }
            let labels = label_set(g.labels, vals, None);
            let _ = writeln!(out, "{name}{labels} {}", fmt_f64(*v));
        }
        for s in scraped {
            header(&mut out, s.name, s.help, s.kind);
            let _ = writeln!(out, "{} {}", s.name, fmt_f64(s.value));
        }
        out
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {}", escape(help, false));
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// `{a="x",b="y"}` (with `le` last for buckets), or nothing without labels.
fn label_set(names: &[&str], values: &[String], le: Option<&str>) -> String {
    let mut pairs: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}=\"{}\"", escape(v, true)))
        .collect();
    if let Some(le) = le {
        pairs.push(format!("le=\"{le}\""));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(","))
    }
}

/// The format's escapes: backslash and newline everywhere, double quote in label values.
fn escape(s: &str, quote: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// Floats as Prometheus reads them: integers without a fraction, `+Inf`/`NaN` spelled out.
fn fmt_f64(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_by_label_set() {
        let m = Metrics::default();
        m.add(&INGESTED, &["cell-1", "nova"], 5);
        m.add(&INGESTED, &["cell-1", "nova"], 2);
        m.inc(&INGESTED, &["cell \"2\"", "nova"]);
        let text = m.render(&[Scraped {
            name: "stacktach_live_subscribers",
            help: "Live sockets.",
            kind: "gauge",
            value: 3.0,
        }]);
        assert!(text.contains("# TYPE stacktach_notifications_ingested_total counter\n"));
        assert!(text.contains(
            "stacktach_notifications_ingested_total{deployment=\"cell-1\",exchange=\"nova\"} 7\n"
        ));
        assert!(text.contains(
            "stacktach_notifications_ingested_total{deployment=\"cell \\\"2\\\"\",exchange=\"nova\"} 1\n"
        ));
        assert!(text
            .contains("# TYPE stacktach_live_subscribers gauge\nstacktach_live_subscribers 3\n"));
        assert_eq!(m.counter(&INGESTED, &["cell-1", "nova"]), 7);
    }

    #[test]
    fn histograms_are_cumulative_with_sum_and_count() {
        let m = Metrics::default();
        for v in [1.0, 3.0, 3.0, 2000.0] {
            m.observe(&BATCH_SIZE, &["d", "nova"], v);
        }
        let text = m.render(&[]);
        let line = |le: &str| {
            format!("stacktach_batch_size_bucket{{deployment=\"d\",exchange=\"nova\",le=\"{le}\"}}")
        };
        // A value equal to a bound falls in that bucket (le = "less than or equal").
        assert!(text.contains(&format!("{} 1\n", line("1"))));
        assert!(text.contains(&format!("{} 1\n", line("2"))));
        assert!(text.contains(&format!("{} 3\n", line("5"))));
        assert!(text.contains(&format!("{} 3\n", line("1000"))));
        assert!(text.contains(&format!("{} 4\n", line("+Inf"))));
        assert!(
            text.contains("stacktach_batch_size_sum{deployment=\"d\",exchange=\"nova\"} 2007\n")
        );
        assert!(text.contains("stacktach_batch_size_count{deployment=\"d\",exchange=\"nova\"} 4\n"));
    }

    #[test]
    fn families_do_not_leak_into_each_other() {
        let m = Metrics::default();
        m.inc(&ACKED, &["d", "nova"]);
        m.inc(&ACK_CALLS, &["d", "nova"]);
        let text = m.render(&[]);
        assert_eq!(
            text.matches("{deployment=\"d\",exchange=\"nova\"} 1")
                .count(),
            2
        );
    }
}
