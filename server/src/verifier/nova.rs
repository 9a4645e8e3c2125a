//! Verifying one `compute.instance.exists` row (v2's `nova_verifier._verify`), in v2's order:
//!
//! 1. `launched_at` present, else "Exists without a launched_at";
//! 2. validity at the configured level (`validity`);
//! 3. the launch: the row's `usage_id`, else the one usage of the instance launched in the same
//!    second (none of the instance at all, or none that second → NotFound; several →
//!    AmbiguousResults), then `launched_at` (same second), the flavor field, tenant,
//!    `rax_options`, `os_architecture`, `os_version`, `os_distro` compared in that order;
//! 4. the delete: the row's `delete_id`; else, for a deleted exists, exactly one delete of the
//!    same launch (else NotFound); for a live one, any delete of the same launch at or before
//!    the audit period's end fails "Found InstanceDeletes for non-delete exist"; a delete found
//!    must match `launched_at` and `deleted_at` to the second.
//!
//! A verification failure is retried against the `instance_reconcile` rows with the same
//! launch and delete rules (no validity check): passing gives `reconciled`; NotFound there
//! keeps the original reason; any other failure gives the new reason. A crash (v2: any other
//! Python exception) fails with its class name and is not retried.

use app::model::now_micros;

use super::checks::{Checks, FlavorField};
use super::model::{NovaDelete, NovaEvidence, NovaExists, NovaLaunch, Outcome};
use super::reasons::{ambiguous, field_mismatch, not_found, plain, Failure, Params, Shown};
use super::rules::{failed, in_same_second, same_date, truthy, DOES_NOT_EXIST};
use super::validity::{flavor_of, nova_validity};

const NO_LAUNCHED_AT: &str = "Exists without a launched_at";

/// Verifies one nova exists row against everything StackTach saw of its instance; the
/// `fail_reason` texts carry the current time, as v2's did.
#[must_use]
pub fn verify_nova(exists: &NovaExists, evidence: &NovaEvidence, checks: &Checks) -> Outcome {
    verify_nova_at(exists, evidence, checks, now_micros())
}

/// [`verify_nova`] with the clock given (UTC microseconds), for tests and replays.
#[must_use]
pub fn verify_nova_at(
    exists: &NovaExists,
    evidence: &NovaEvidence,
    checks: &Checks,
    now: i64,
) -> Outcome {
    let nova = Nova {
        exists,
        evidence,
        checks: *checks,
        now,
    };
    match nova.verify() {
        Ok(()) => Outcome::Verified,
        Err(Failure::Crash(class)) => failed(class),
        Err(original) => match nova.verify_reconciled() {
            Ok(()) => Outcome::Reconciled,
            Err(Failure::NotFound(_)) => failed(original.reason()),
            Err(other) => failed(other.reason()),
        },
    }
}

/// The launch and delete times a delete check compares: a delete row, or a reconcile row that
/// says the instance was deleted.
#[derive(Clone, Copy)]
struct DeleteTimes {
    launched_at: Option<i64>,
    deleted_at: Option<i64>,
}

impl From<&NovaDelete> for DeleteTimes {
    fn from(d: &NovaDelete) -> Self {
        Self {
            launched_at: Some(d.launched_at),
            deleted_at: d.deleted_at,
        }
    }
}

/// One exists row being verified, with what it is checked against.
struct Nova<'a> {
    exists: &'a NovaExists,
    evidence: &'a NovaEvidence,
    checks: Checks,
    now: i64,
}

impl Nova<'_> {
    fn launched_at(&self) -> Result<i64, Failure> {
        truthy(self.exists.launched_at).ok_or_else(|| plain(NO_LAUNCHED_AT))
    }

    /// v2's `_verify`, up to the reconcile fallback.
    fn verify(&self) -> Result<(), Failure> {
        let launched_at = self.launched_at()?;
        nova_validity(self.exists, self.checks, self.now)?;
        let launch = match self.exists.usage_id {
            Some(id) => self
                .evidence
                .usages
                .iter()
                .find(|u| u.id == id)
                .ok_or(DOES_NOT_EXIST)?,
            None => self.one_launch(&self.evidence.usages, launched_at, "InstanceUsage")?,
        };
        self.compare_launch(launch)?;
        self.check_delete(None, launched_at, "InstanceDeletes")
    }

    /// v2's `_verify_with_reconciled_data`.
    fn verify_reconciled(&self) -> Result<(), Failure> {
        let launched_at = self.launched_at()?;
        let reconcile =
            self.one_launch(&self.evidence.reconciles, launched_at, "InstanceReconcile")?;
        self.compare_launch(reconcile)?;
        let delete = reconcile.deleted_at.map(|deleted_at| DeleteTimes {
            launched_at: reconcile.launched_at,
            deleted_at: Some(deleted_at),
        });
        self.check_delete(delete, launched_at, "InstanceReconcile")
    }

    /// The one row of the instance launched in the same second as the exists.
    fn one_launch<'r>(
        &self,
        rows: &'r [NovaLaunch],
        launched_at: i64,
        row_type: &str,
    ) -> Result<&'r NovaLaunch, Failure> {
        let instance = self.exists.instance.as_str();
        let mut of_instance = rows.iter().filter(|r| r.instance == instance).peekable();
        if of_instance.peek().is_none() {
            return Err(not_found(row_type, Params::Instance(instance)));
        }
        let matches: Vec<&NovaLaunch> = of_instance
            .filter(|r| {
                r.launched_at
                    .is_some_and(|t| in_same_second(launched_at, t))
            })
            .collect();
        let params = Params::InstanceLaunchedAt(instance, launched_at);
        match matches.as_slice() {
            [] => Err(not_found(row_type, params)),
            [one] => Ok(one),
            _ => Err(ambiguous(row_type, params)),
        }
    }

    /// v2's `_verify_field_mismatch(exists, launch)`.
    fn compare_launch(&self, launch: &NovaLaunch) -> Result<(), Failure> {
        let e = self.exists;
        if !same_date(launch.launched_at, e.launched_at) {
            return Err(self.mismatch(
                "launched_at",
                Shown::Time(e.launched_at),
                ("launches", Shown::Time(launch.launched_at)),
            ));
        }
        let flavor = self.checks.flavor;
        let launch_flavor = match flavor {
            FlavorField::InstanceTypeId => launch.instance_type_id.as_deref(),
            FlavorField::InstanceFlavorId => launch.instance_flavor_id.as_deref(),
        };
        let texts = [
            (flavor.as_str(), flavor_of(e, flavor), launch_flavor),
            ("tenant", e.tenant.as_deref(), launch.tenant.as_deref()),
            (
                "rax_options",
                e.rax_options.as_deref(),
                launch.rax_options.as_deref(),
            ),
            (
                "os_architecture",
                e.os_architecture.as_deref(),
                launch.os_architecture.as_deref(),
            ),
            (
                "os_version",
                e.os_version.as_deref(),
                launch.os_version.as_deref(),
            ),
            (
                "os_distro",
                e.os_distro.as_deref(),
                launch.os_distro.as_deref(),
            ),
        ];
        match texts.into_iter().find(|(_, ours, theirs)| ours != theirs) {
            Some((field, ours, theirs)) => {
                Err(self.mismatch(field, Shown::Text(ours), ("launches", Shown::Text(theirs))))
            }
            None => Ok(()),
        }
    }

    /// v2's `_verify_for_delete(exist, delete, delete_type)`.
    fn check_delete(
        &self,
        given: Option<DeleteTimes>,
        launched_at: i64,
        delete_type: &str,
    ) -> Result<(), Failure> {
        let delete = match given {
            Some(delete) => Some(delete),
            None => self.find_delete(launched_at, delete_type)?,
        };
        let Some(delete) = delete else {
            return Ok(());
        };
        let e = self.exists;
        if !same_date(delete.launched_at, e.launched_at) {
            return Err(self.mismatch(
                "launched_at",
                Shown::Time(e.launched_at),
                ("deletes", Shown::Time(delete.launched_at)),
            ));
        }
        if !same_date(delete.deleted_at, e.deleted_at) {
            return Err(self.mismatch(
                "deleted_at",
                Shown::Time(e.deleted_at),
                ("deletes", Shown::Time(delete.deleted_at)),
            ));
        }
        Ok(())
    }

    /// The delete to compare when none was given: the foreign key, the one delete of a deleted
    /// exists, or none (failing when a live exists has a delete in its period).
    fn find_delete(
        &self,
        launched_at: i64,
        delete_type: &str,
    ) -> Result<Option<DeleteTimes>, Failure> {
        let e = self.exists;
        if let Some(id) = e.delete_id {
            let delete = self.evidence.deletes.iter().find(|d| d.id == id);
            return delete.map(|d| Some(d.into())).ok_or(DOES_NOT_EXIST);
        }
        let same_launch = self
            .evidence
            .deletes
            .iter()
            .filter(|d| d.instance == e.instance && in_same_second(launched_at, d.launched_at));
        if truthy(e.deleted_at).is_some() {
            let matches: Vec<&NovaDelete> = same_launch.collect();
            return match matches.as_slice() {
                [one] => Ok(Some((*one).into())),
                _ => Err(not_found(
                    delete_type,
                    Params::InstanceLaunchedAt(&e.instance, launched_at),
                )),
            };
        }
        let ending = e.audit_period_ending;
        if same_launch
            .into_iter()
            .any(|d| d.deleted_at.is_some_and(|t| t <= ending))
        {
            return Err(plain(format!("Found {delete_type} for non-delete exist")));
        }
        Ok(None)
    }

    fn mismatch(&self, field: &str, ours: Shown<'_>, theirs: (&str, Shown<'_>)) -> Failure {
        field_mismatch(self.now, field, ours, theirs, Some(&self.exists.instance))
    }
}
