//! The usage verifier on the status page: per service, its exists counted by status (from the
//! database, so every web node shows them) and, when the verifier runs in the process that
//! answered, its last pass and lag.

use serde::{Deserialize, Serialize};

use super::time::Micros;

/// The verifier section of the status page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifierStatus {
    /// Whether a verifier runs in the process that answered (`serve --verifier-config`).
    pub running: bool,
    /// `nova` and `glance`, in that order.
    pub services: Vec<VerifierService>,
}

/// One service's exists and, when the verifier runs here, its progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifierService {
    /// `nova` or `glance`.
    pub service: String,
    /// Waiting for a pass: `pending` and `sent_unverified`.
    pub new: i64,
    /// Claimed by a pass right now: `verifying` and `sent_verifying`.
    pub in_progress: i64,
    pub verified: i64,
    pub reconciled: i64,
    /// `failed` and `sent_failed`.
    pub failed: i64,
    /// When this process's verifier last finished a pass of the service.
    pub last_pass: Option<Micros>,
    /// How long that pass took, in milliseconds.
    pub last_pass_ms: Option<i64>,
    /// Now minus the audit period end of the oldest exists waiting past the settle time, in
    /// seconds (0: caught up).
    pub lag_secs: Option<i64>,
}

impl VerifierService {
    /// The counts of a service from its per-status counts (stored status texts).
    pub fn from_counts<'a>(
        service: &str,
        counts: impl IntoIterator<Item = (&'a str, i64)>,
    ) -> Self {
        let mut out = Self {
            service: service.to_owned(),
            ..Self::default()
        };
        for (status, n) in counts {
            match status {
                "pending" | "sent_unverified" => out.new += n,
                "verifying" | "sent_verifying" => out.in_progress += n,
                "verified" => out.verified += n,
                "reconciled" => out.reconciled += n,
                "failed" | "sent_failed" => out.failed += n,
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_fold_into_the_page_columns() {
        let s = VerifierService::from_counts(
            "nova",
            [
                ("pending", 3),
                ("sent_unverified", 1),
                ("verifying", 2),
                ("verified", 10),
                ("sent_failed", 1),
                ("failed", 4),
                ("reconciled", 5),
            ],
        );
        assert_eq!(
            (s.new, s.in_progress, s.verified, s.reconciled, s.failed),
            (4, 2, 10, 5, 5)
        );
    }
}
