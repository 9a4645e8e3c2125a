//! v2's `nova_usage_audit.py` (version 7), with `--reconcile` and `--ums` off: the verifier's
//! figures for the exists whose event is in the period (periodic = a day's audit period,
//! instantaneous = shorter), the failed exists, and the launch audit — every launch in the
//! period, and the newest launch of every older instance still alive at its start, must have
//! an exists of the period with the same launch second. Without v2's reconciler (it asks the
//! Nova database) no launch is marked reconciled: that column is always `N`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::format::py_datetime;
use super::status::audit_for_exists;
use crate::store::report_inputs::{AuditExists, ExistsFail, LaunchRow, StatusCount};

const US: i64 = 1_000_000;

/// What the report reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct NovaAuditInputs {
    pub periodic: Vec<StatusCount>,
    pub instantaneous: Vec<StatusCount>,
    pub exist_fails: Vec<ExistsFail>,
    pub new_launches: Vec<LaunchRow>,
    pub old_launches: Vec<LaunchRow>,
    pub old_reconciles: Vec<LaunchRow>,
    pub exists: Vec<AuditExists>,
}

/// A launch the audit found no exists for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LaunchFailure {
    /// The instance has exists in the period, none for this launch.
    Launch {
        id: i64,
        instance: String,
        launched_at: i64,
    },
    /// The instance has no exists in the period at all (`launched_at`: its first launch).
    Instance { instance: String, launched_at: i64 },
}

impl LaunchFailure {
    /// The instance and launch time whose cell and compute host the row shows.
    pub(crate) fn launch(&self) -> (&str, i64) {
        match self {
            Self::Launch {
                instance,
                launched_at,
                ..
            }
            | Self::Instance {
                instance,
                launched_at,
            } => (instance, *launched_at),
        }
    }

    /// v2's row: `['Launch', id, msg, 'N', cell, compute]` or `['-', msg, 'N', cell,
    /// compute]` (one column fewer, as v2 wrote it).
    fn row(&self, cell: &str, compute: &str) -> Value {
        match self {
            Self::Launch {
                id,
                instance,
                launched_at,
            } => {
                let msg = format!(
                    "Couldn't find exists for launch ({instance}, {})",
                    py_datetime(*launched_at)
                );
                json!(["Launch", id, msg, "N", cell, compute])
            }
            Self::Instance { instance, .. } => {
                json!([
                    "-",
                    format!("No exists for instance ({instance})"),
                    "N",
                    cell,
                    compute
                ])
            }
        }
    }
}

/// The launch audit: failures (by instance), the count of new launches and of old instances.
pub(crate) fn launch_failures(inputs: &NovaAuditInputs) -> (Vec<LaunchFailure>, usize, usize) {
    let mut launches: BTreeMap<&str, Vec<&LaunchRow>> = BTreeMap::new();
    for l in &inputs.new_launches {
        launches.entry(&l.instance).or_default().push(l);
    }
    // The newest old launch per instance, reconciles included; the first wins a tie.
    let mut old: BTreeMap<&str, &LaunchRow> = BTreeMap::new();
    for l in inputs.old_launches.iter().chain(&inputs.old_reconciles) {
        let newer = old
            .get(l.instance.as_str())
            .is_none_or(|o| o.launched_at < l.launched_at);
        if newer {
            old.insert(&l.instance, l);
        }
    }
    for (instance, l) in &old {
        launches.entry(instance).or_default().push(l);
    }
    let mut exists: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for e in &inputs.exists {
        exists
            .entry(&e.instance)
            .or_default()
            .push(e.launched_at.div_euclid(US));
    }
    let mut fails = Vec::new();
    for (instance, expected) in &launches {
        let Some(seconds) = exists.get(instance) else {
            fails.push(LaunchFailure::Instance {
                instance: (*instance).to_owned(),
                launched_at: expected[0].launched_at,
            });
            continue;
        };
        for l in expected {
            if !seconds.contains(&l.launched_at.div_euclid(US)) {
                fails.push(LaunchFailure::Launch {
                    id: l.id,
                    instance: (*instance).to_owned(),
                    launched_at: l.launched_at,
                });
            }
        }
    }
    (fails, inputs.new_launches.len(), old.len())
}

/// The report's JSON. `cells`: each failure's cell and compute host (`-` when unknown), in
/// the order of `fails`.
pub(crate) fn build(
    inputs: &NovaAuditInputs,
    fails: &[LaunchFailure],
    cells: &[(String, String)],
    new_launches: usize,
    old_launches: usize,
) -> Value {
    let exist_fails: Vec<Value> = inputs
        .exist_fails
        .iter()
        .map(|f| {
            json!([
                f.id,
                f.fail_reason,
                f.cell.as_deref().unwrap_or("-"),
                f.host
            ])
        })
        .collect();
    let launch_fails: Vec<Value> = fails
        .iter()
        .zip(cells)
        .map(|(f, (cell, compute))| f.row(cell, compute))
        .collect();
    json!({
        "summary": {
            "verifier": {
                "periodic": audit_for_exists(&inputs.periodic, true),
                "instantaneous": audit_for_exists(&inputs.instantaneous, true),
            },
            "launch_summary": {
                "new_launches": new_launches,
                "old_launches": old_launches,
                "failures": fails.len(),
            },
        },
        "exist_fail_headers": ["Exists Row ID", "Error Description", "Cell", "Compute"],
        "exist_fails": exist_fails,
        "launch_fail_headers": ["Launch Row ID", "Error Description", "Reconciled?", "Cell",
                                "Compute"],
        "launch_fails": launch_fails,
    })
}

#[cfg(test)]
#[path = "nova_usage_audit_tests.rs"]
mod tests;
