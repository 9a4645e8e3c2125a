//! v2's `usage_audit._audit_for_exists`: exists counted by status, and the verified (and, for
//! nova, the reconciled) ones by send status class.

use serde_json::{json, Value};

use crate::store::report_inputs::StatusCount;

/// The statuses counted, with v2's keys (the same words).
const STATUSES: [&str; 8] = [
    "verified",
    "reconciled",
    "failed",
    "pending",
    "verifying",
    "sent_unverified",
    "sent_failed",
    "sent_verifying",
];

fn of_status(counts: &[StatusCount], status: &str) -> i64 {
    counts
        .iter()
        .filter(|c| c.status == status)
        .map(|c| c.n)
        .sum()
}

/// `{success, unsent, redirect, client_error, server_error}` of the exists with `status`.
fn send_status(counts: &[StatusCount], status: &str) -> Value {
    let class = |lo: i64, hi: i64| -> i64 {
        counts
            .iter()
            .filter(|c| c.status == status && c.send_status >= lo && c.send_status < hi)
            .map(|c| c.n)
            .sum()
    };
    json!({
        "success": class(200, 300),
        "unsent": class(0, 1),
        "redirect": class(300, 400),
        "client_error": class(400, 500),
        "server_error": class(500, 600),
    })
}

/// The figures of one set of exists. Nova's include `reconciled` and `send_status_rec`;
/// glance's (`glance_usage_audit._audit_for_exists`) do not.
pub(crate) fn audit_for_exists(counts: &[StatusCount], with_reconciled: bool) -> Value {
    let mut report = serde_json::Map::new();
    report.insert(
        "count".into(),
        counts.iter().map(|c| c.n).sum::<i64>().into(),
    );
    for status in STATUSES {
        if status == "reconciled" && !with_reconciled {
            continue;
        }
        report.insert(status.into(), of_status(counts, status).into());
    }
    report.insert("send_status".into(), send_status(counts, "verified"));
    if with_reconciled {
        report.insert("send_status_rec".into(), send_status(counts, "reconciled"));
    }
    Value::Object(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(status: &str, send_status: i64, n: i64) -> StatusCount {
        StatusCount {
            status: status.into(),
            send_status,
            n,
        }
    }

    #[test]
    fn counts_by_status_and_send_class() {
        let counts = [
            c("verified", 201, 5),
            c("verified", 0, 2),
            c("verified", 404, 1),
            c("reconciled", 503, 1),
            c("failed", 0, 3),
            c("pending", 0, 4),
        ];
        let v = audit_for_exists(&counts, true);
        assert_eq!(v["count"], 16);
        assert_eq!(v["verified"], 8);
        assert_eq!(v["reconciled"], 1);
        assert_eq!(v["failed"], 3);
        assert_eq!(v["pending"], 4);
        assert_eq!(v["sent_failed"], 0);
        assert_eq!(
            v["send_status"],
            json!({"success": 5, "unsent": 2, "redirect": 0, "client_error": 1, "server_error": 0})
        );
        assert_eq!(v["send_status_rec"]["server_error"], 1);
        let g = audit_for_exists(&counts, false);
        assert!(g.get("reconciled").is_none() && g.get("send_status_rec").is_none());
        assert_eq!(g["count"], 16);
    }
}
