//! The usage verifier's metric families (`/metrics`), declared next to each other so the
//! runner, the status page and the tests name the same series. The counts per status are
//! read from the database after each pass (so they include what other processes verified);
//! the counters count what this process did.

use crate::telemetry::metrics::Gauge;

const SERVICE: &[&str] = &["service"];

/// Exists rows marked verified or reconciled by this process.
pub static VERIFIED: Gauge = Gauge {
    name: "stacktach_verifier_verified_total",
    help: "Exists rows the verifier marked verified or reconciled.",
    labels: SERVICE,
    kind: "counter",
};
/// Exists rows marked failed (or sent_failed) by this process.
pub static FAILED: Gauge = Gauge {
    name: "stacktach_verifier_failed_total",
    help: "Exists rows the verifier marked failed (or sent_failed).",
    labels: SERVICE,
    kind: "counter",
};
/// Verified notifications the broker confirmed.
pub static PUBLISHED: Gauge = Gauge {
    name: "stacktach_verifier_published_total",
    help: "Verified notifications published and confirmed by the broker.",
    labels: SERVICE,
    kind: "counter",
};
/// Exists rows per status after the last pass.
pub static EXISTS: Gauge = Gauge {
    name: "stacktach_verifier_exists",
    help: "Exists rows per verification status, counted after the verifier's last pass.",
    labels: &["service", "status"],
    kind: "gauge",
};
/// When the last pass ended (Unix seconds).
pub static LAST_PASS: Gauge = Gauge {
    name: "stacktach_verifier_last_pass_timestamp_seconds",
    help: "Unix time at which the verifier's last pass ended.",
    labels: SERVICE,
    kind: "gauge",
};
/// How long the last pass took.
pub static PASS_SECONDS: Gauge = Gauge {
    name: "stacktach_verifier_last_pass_duration_seconds",
    help: "Seconds the verifier's last pass took.",
    labels: SERVICE,
    kind: "gauge",
};
/// Now minus the audit period end of the oldest pending exists past the settle horizon.
pub static LAG: Gauge = Gauge {
    name: "stacktach_verifier_lag_seconds",
    help: "Now minus the audit period end of the oldest pending exists past the settle time \
           (0 when none).",
    labels: SERVICE,
    kind: "gauge",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::metrics::Metrics;

    #[test]
    fn gauges_are_set_counters_added_and_both_rendered() {
        let m = Metrics::default();
        m.set(&EXISTS, &["nova", "pending"], 5.0);
        m.set(&EXISTS, &["nova", "pending"], 2.0);
        m.set(&EXISTS, &["nova", "verified"], 7.0);
        m.add_to(&PUBLISHED, &["glance"], 3.0);
        m.add_to(&PUBLISHED, &["glance"], 1.0);
        assert_eq!(m.gauge(&EXISTS, &["nova", "pending"]), Some(2.0));
        assert_eq!(m.gauge(&LAG, &["nova"]), None);
        let text = m.render(&[]);
        assert!(text.contains(
            "# TYPE stacktach_verifier_exists gauge\n\
             stacktach_verifier_exists{service=\"nova\",status=\"pending\"} 2\n\
             stacktach_verifier_exists{service=\"nova\",status=\"verified\"} 7\n"
        ));
        assert!(text.contains(
            "# TYPE stacktach_verifier_published_total counter\n\
             stacktach_verifier_published_total{service=\"glance\"} 4\n"
        ));
        assert!(!text.contains("stacktach_verifier_lag_seconds"));
    }
}
