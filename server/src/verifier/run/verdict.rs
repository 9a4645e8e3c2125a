//! One batch's verdict: the checks' outcomes turned into the status writes, and the verified
//! notifications they wait for. Pure: the runner loads the batch and its evidence, this
//! decides, the runner publishes and writes.

use std::collections::{HashMap, HashSet};

use crate::store::StatusWrite;
use crate::verifier::model::{
    ExistsStatus, GlanceEvidence, GlanceExists, NovaEvidence, NovaExists, Outcome,
};
use crate::verifier::{
    glance_group_key, glance_group_verified, mark_failed_status, verify_glance_group, verify_nova,
    Checks,
};

/// A verified notification a batch owes: built from the stored notification `raw_id` for the
/// exists row `exists_id`; `rows` are the exists whose final status waits for its confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub exists_id: i64,
    pub raw_id: i64,
    pub rows: Vec<i64>,
}

/// What a batch decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub writes: Vec<StatusWrite>,
    pub notices: Vec<Notice>,
}

impl Verdict {
    /// Rows marked verified (or reconciled).
    pub fn verified(&self) -> u64 {
        self.count(|s| matches!(s, ExistsStatus::Verified | ExistsStatus::Reconciled))
    }

    /// Rows marked reconciled.
    pub fn reconciled(&self) -> u64 {
        self.count(|s| s == ExistsStatus::Reconciled)
    }

    /// Rows marked failed (or sent_failed).
    pub fn failed(&self) -> u64 {
        self.count(|s| matches!(s, ExistsStatus::Failed | ExistsStatus::SentFailed))
    }

    fn count(&self, f: impl Fn(ExistsStatus) -> bool) -> u64 {
        self.writes.iter().filter(|w| f(w.status)).count() as u64
    }

    /// The verdict when the notices could not be published: their rows go back to `pending`
    /// (the next pass verifies and publishes them again, with the same message ids), the
    /// other rows keep their outcome.
    pub fn unpublished(mut self) -> Self {
        let waiting: HashSet<i64> = self.notices.iter().flat_map(|n| n.rows.clone()).collect();
        for w in &mut self.writes {
            if waiting.contains(&w.id) {
                w.status = ExistsStatus::Pending;
                w.fail_reason = None;
            }
        }
        self.notices.clear();
        self
    }
}

/// The write for one outcome of a row claimed into `in_progress`.
fn write_of(id: i64, outcome: Outcome, in_progress: ExistsStatus) -> StatusWrite {
    let (status, fail_reason) = match outcome {
        Outcome::Verified => (ExistsStatus::Verified, None),
        Outcome::Reconciled => (ExistsStatus::Reconciled, None),
        Outcome::Failed(reason) => (mark_failed_status(in_progress), Some(reason)),
    };
    StatusWrite {
        id,
        status,
        fail_reason,
    }
}

/// Verifies a nova batch claimed into `in_progress`; `notify` asks for a notice per verified
/// (or reconciled) row.
pub fn nova_verdict(
    batch: &[NovaExists],
    evidence: &HashMap<String, NovaEvidence>,
    checks: &Checks,
    in_progress: ExistsStatus,
    notify: bool,
) -> Verdict {
    let none = NovaEvidence::default();
    let mut verdict = Verdict::default();
    for exists in batch {
        let found = evidence.get(&exists.instance).unwrap_or(&none);
        let outcome = verify_nova(exists, found, checks);
        if notify && matches!(outcome, Outcome::Verified | Outcome::Reconciled) {
            verdict.notices.push(Notice {
                exists_id: exists.id,
                raw_id: exists.raw_id,
                rows: vec![exists.id],
            });
        }
        verdict
            .writes
            .push(write_of(exists.id, outcome, in_progress));
    }
    verdict
}

/// Verifies a glance batch claimed into `in_progress`, group by group (owner and raw id):
/// every member gets its outcome; a group whose members all passed owes one notice, for its
/// first member.
pub fn glance_verdict(
    batch: &[GlanceExists],
    evidence: &HashMap<String, GlanceEvidence>,
    in_progress: ExistsStatus,
    notify: bool,
) -> Verdict {
    let mut groups: Vec<Vec<GlanceExists>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for exists in batch {
        let at = *index.entry(glance_group_key(exists)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(exists.clone());
    }
    let mut verdict = Verdict::default();
    for members in groups {
        let outcomes = verify_glance_group(&members, evidence);
        if notify && glance_group_verified(&outcomes) {
            verdict.notices.push(Notice {
                exists_id: members[0].id,
                raw_id: members[0].raw_id,
                rows: members.iter().map(|m| m.id).collect(),
            });
        }
        for (member, outcome) in members.iter().zip(outcomes) {
            verdict
                .writes
                .push(write_of(member.id, outcome, in_progress));
        }
    }
    verdict
}
