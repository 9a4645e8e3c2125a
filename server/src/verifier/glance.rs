//! Verifying `image.exists` rows (v2's `glance_verifier`). Rows are grouped by
//! `"<owner>-<raw_id>"` (the images of one notification of one owner) and each member is
//! checked on its own, in v2's order:
//!
//! 1. the usage: the row's `usage_id`, else the first `image.activate` of the uuid (none →
//!    NotFound); `created_at` (same second), owner and size compared in that order;
//! 2. the delete: the row's `delete_id`; else, for a deleted exists, the one delete of the
//!    uuid; for a live one, any delete of the uuid at or before the period's end fails "Found
//!    ImageDeletes for non-delete exist"; a delete found must match `deleted_at` to the second;
//! 3. validity (`validity::glance_validity`), always.
//!
//! Each member gets its own outcome (v2 marked each verified or failed); the group counts as
//! verified, and its one notification is sent for its first member, only when every member
//! passed ([`glance_group_verified`]). There is no reconcile fallback for images.

use std::collections::HashMap;

use app::model::now_micros;

use super::model::{GlanceDelete, GlanceEvidence, GlanceExists, GlanceUsage, Outcome};
use super::reasons::{field_mismatch, not_found, plain, Failure, Params, Shown};
use super::rules::{outcome_of, same_date, truthy, DOES_NOT_EXIST};
use super::validity::glance_validity;

/// v2 looked for a deleted image's delete with a query that named attributes image exists do
/// not have (`exist.instance`, `exist.launched_at`) whenever it did not find exactly one, so
/// that case always failed with this class name. We keep v2's stored reason.
const NO_UNIQUE_DELETE: Failure = Failure::Crash("AttributeError");

/// v2 turned a missing `audit_period_ending` into the text `"n/a"` and then failed to use it
/// as a date.
const NO_PERIOD_END: Failure = Failure::Crash("AttributeError");

/// The group an image exists belongs to: `"<owner>-<raw_id>"` (`None` for a missing owner, as
/// Python printed it).
#[must_use]
pub fn glance_group_key(e: &GlanceExists) -> String {
    format!("{}-{}", e.owner.as_deref().unwrap_or("None"), e.raw_id)
}

/// Verifies one group (the exists of one key, in id order): one outcome per member. `evidence`
/// holds every usage and delete of the group's image uuids, by uuid.
#[must_use]
pub fn verify_glance_group(
    group: &[GlanceExists],
    evidence: &HashMap<String, GlanceEvidence>,
) -> Vec<Outcome> {
    verify_glance_group_at(group, evidence, now_micros())
}

/// [`verify_glance_group`] with the clock given (UTC microseconds), for tests and replays.
#[must_use]
pub fn verify_glance_group_at(
    group: &[GlanceExists],
    evidence: &HashMap<String, GlanceEvidence>,
    now: i64,
) -> Vec<Outcome> {
    group
        .iter()
        .map(|exists| outcome_of(verify_image(exists, evidence, now)))
        .collect()
}

/// Whether v2 counted the group as verified, which is when it sent the group's one verified
/// notification (for the group's first member): every member passed.
#[must_use]
pub fn glance_group_verified(outcomes: &[Outcome]) -> bool {
    !outcomes.is_empty() && outcomes.iter().all(|o| *o == Outcome::Verified)
}

fn verify_image(
    e: &GlanceExists,
    evidence: &HashMap<String, GlanceEvidence>,
    now: i64,
) -> Result<(), Failure> {
    let own = e.uuid.as_deref().and_then(|uuid| evidence.get(uuid));
    let usage = match e.usage_id {
        Some(id) => find_by_id(evidence, |ev| &ev.usages, |u| u.id == id)?,
        None => own
            .and_then(|ev| ev.usages.iter().min_by_key(|u| u.id))
            .ok_or_else(|| not_found("ImageUsage", Params::Uuid(e.uuid.as_deref())))?,
    };
    compare_usage(e, usage, now)?;
    let deletes = own.map_or(&[][..], |ev| ev.deletes.as_slice());
    let delete = match e.delete_id {
        Some(id) => Some(find_by_id(evidence, |ev| &ev.deletes, |d| d.id == id)?),
        None => find_delete(e, deletes)?,
    };
    if let Some(delete) = delete {
        if !same_date(delete.deleted_at, e.deleted_at) {
            return Err(field_mismatch(
                now,
                "deleted_at",
                Shown::Time(e.deleted_at),
                ("deletes", Shown::Time(delete.deleted_at)),
                e.uuid.as_deref(),
            ));
        }
    }
    glance_validity(e, now)
}

/// A row a foreign key names, wherever in the evidence it is.
fn find_by_id<'e, T>(
    evidence: &'e HashMap<String, GlanceEvidence>,
    rows: impl Fn(&'e GlanceEvidence) -> &'e Vec<T>,
    is_it: impl Fn(&T) -> bool,
) -> Result<&'e T, Failure> {
    evidence
        .values()
        .flat_map(rows)
        .find(|row| is_it(row))
        .ok_or(DOES_NOT_EXIST)
}

/// v2's `_verify_field_mismatch(exists, usage)`.
fn compare_usage(e: &GlanceExists, usage: &GlanceUsage, now: i64) -> Result<(), Failure> {
    let mismatch = |field: &str, ours: Shown<'_>, theirs: Shown<'_>| {
        field_mismatch(now, field, ours, ("launches", theirs), e.uuid.as_deref())
    };
    if !same_date(usage.created_at, e.created_at) {
        let (ours, theirs) = (Shown::Time(e.created_at), Shown::Time(usage.created_at));
        return Err(mismatch("created_at", ours, theirs));
    }
    if usage.owner != e.owner {
        let (ours, theirs) = (
            Shown::Text(e.owner.as_deref()),
            Shown::Text(usage.owner.as_deref()),
        );
        return Err(mismatch("owner", ours, theirs));
    }
    if usage.size != e.size {
        return Err(mismatch("size", Shown::Int(e.size), Shown::Int(usage.size)));
    }
    Ok(())
}

/// The delete to compare when the row names none.
fn find_delete<'d>(
    e: &GlanceExists,
    deletes: &'d [GlanceDelete],
) -> Result<Option<&'d GlanceDelete>, Failure> {
    if truthy(e.deleted_at).is_some() {
        return match deletes {
            [one] => Ok(Some(one)),
            _ => Err(NO_UNIQUE_DELETE),
        };
    }
    let ending = e.audit_period_ending.ok_or(NO_PERIOD_END)?;
    if deletes
        .iter()
        .any(|d| d.deleted_at.is_some_and(|t| t <= ending))
    {
        return Err(plain("Found ImageDeletes for non-delete exist"));
    }
    Ok(None)
}
