//! v2's `GlanceVerifierTestCase`: usage and delete rules, validity after them, per-member
//! outcomes of a group and when the group counts as verified.

use std::collections::HashMap;

use super::support::{image_evidence, image_exists, image_usage_of, us, AT, IMAGE, NOW};
use crate::verifier::model::{GlanceDelete, GlanceEvidence, GlanceExists, Outcome};
use crate::verifier::{glance_group_key, glance_group_verified, verify_glance_group_at};

fn verify(e: &GlanceExists, evidence: &HashMap<String, GlanceEvidence>) -> Outcome {
    let outcomes = verify_glance_group_at(std::slice::from_ref(e), evidence, NOW);
    assert_eq!(outcomes.len(), 1);
    outcomes.into_iter().next().unwrap_or(Outcome::Verified)
}

fn mismatch(field: &str, ours: &str, other: &str, theirs: &str) -> Outcome {
    Outcome::Failed(format!(
        "{AT}{IMAGE}: Data mismatch for '{field}' - 'exists' contains '{ours}' but \
         '{other}' contains '{theirs}'"
    ))
}

fn failed(reason: &str) -> Outcome {
    Outcome::Failed(reason.to_owned())
}

fn with_usage(change: impl FnOnce(&mut super::super::model::GlanceUsage)) -> Outcome {
    let mut e = image_exists();
    e.usage_id = Some(3);
    let mut evidence = image_evidence(&e);
    if let Some(ev) = evidence.get_mut(IMAGE) {
        change(&mut ev.usages[0]);
    }
    verify(&e, &evidence)
}

fn deletes(evidence: &mut HashMap<String, GlanceEvidence>) -> &mut Vec<GlanceDelete> {
    &mut evidence.entry(IMAGE.to_owned()).or_default().deletes
}

fn delete(id: i64, deleted_at: i64) -> GlanceDelete {
    GlanceDelete {
        id,
        uuid: Some(IMAGE.to_owned()),
        deleted_at: Some(deleted_at),
    }
}

#[test]
fn a_matching_usage_verifies() {
    assert_eq!(with_usage(|_| ()), Outcome::Verified);
    assert_eq!(
        with_usage(|u| u.created_at = Some(us(10, 900_000))),
        Outcome::Verified
    );
}

#[test]
fn created_at_owner_and_size_must_match() {
    assert_eq!(
        with_usage(|u| u.created_at = Some(us(11, 100_000))),
        mismatch("created_at", "10.100000", "launches", "11.100000")
    );
    assert_eq!(
        with_usage(|u| u.owner = Some("owner_2".to_owned())),
        mismatch("owner", super::support::TENANT, "launches", "owner_2")
    );
    assert_eq!(
        with_usage(|u| u.size = Some(4567)),
        mismatch("size", "983040", "launches", "4567")
    );
}

#[test]
fn a_late_usage_is_the_first_activation_of_the_uuid() {
    let e = image_exists();
    let mut evidence = image_evidence(&e);
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
    // A later activation with other values does not matter: v2 took the first.
    let mut later = image_usage_of(&e, 10);
    later.size = Some(1);
    if let Some(ev) = evidence.get_mut(IMAGE) {
        ev.usages.push(later);
    }
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
}

#[test]
fn no_usage_of_the_uuid_is_not_found() {
    let e = image_exists();
    assert_eq!(
        verify(&e, &HashMap::new()),
        failed("Couldn't find ImageUsage using {'uuid': u'1111aaaa-6352-4dbc-8271-96cc54bf14cd'}")
    );
    let mut no_uuid = e;
    no_uuid.uuid = None;
    assert_eq!(
        verify(&no_uuid, &HashMap::new()),
        failed("Couldn't find ImageUsage using {'uuid': None}")
    );
}

#[test]
fn deletes_follow_v2s_rules() {
    let mut e = image_exists();
    let mut evidence = image_evidence(&e);
    // Live exists, deleted after the period: fine; at or before its end: fails.
    deletes(&mut evidence).push(delete(4, us(101, 0)));
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
    deletes(&mut evidence)[0].deleted_at = Some(us(100, 0));
    assert_eq!(
        verify(&e, &evidence),
        failed("Found ImageDeletes for non-delete exist")
    );
    // Deleted exists: its one delete must match to the second.
    e.deleted_at = Some(us(100, 500_000));
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
    e.deleted_at = Some(us(3, 100_000));
    deletes(&mut evidence)[0].deleted_at = Some(us(4, 100_000));
    assert_eq!(
        verify(&e, &evidence),
        mismatch("deleted_at", "3.100000", "deletes", "4.100000")
    );
    // The foreign key's delete is used as it is.
    e.delete_id = Some(4);
    assert_eq!(
        verify(&e, &evidence),
        mismatch("deleted_at", "3.100000", "deletes", "4.100000")
    );
}

#[test]
fn a_deleted_image_without_exactly_one_delete_fails_as_v2_did() {
    // v2's NotFound there read attributes image exists lack: it stored "AttributeError".
    let mut e = image_exists();
    e.deleted_at = Some(us(5, 100_000));
    let mut evidence = image_evidence(&e);
    assert_eq!(verify(&e, &evidence), failed("AttributeError"));
    deletes(&mut evidence).push(delete(4, us(5, 100_000)));
    deletes(&mut evidence).push(delete(6, us(5, 100_000)));
    assert_eq!(verify(&e, &evidence), failed("AttributeError"));
}

#[test]
fn validity_is_checked_after_usage_and_delete() {
    let mut e = image_exists();
    e.owner = Some("owner_1".to_owned());
    let evidence = image_evidence(&e);
    assert_eq!(
        verify(&e, &evidence),
        failed(&format!(
            "{AT}{IMAGE}: {{owner: owner_1}} was of incorrect type for exist id 23"
        ))
    );
}

#[test]
fn each_member_of_a_group_gets_its_own_outcome() {
    let good = image_exists();
    let mut bad = image_exists();
    bad.id = 24;
    bad.usage_id = Some(10);
    let mut evidence = image_evidence(&good);
    let mut other = image_usage_of(&good, 10);
    other.size = Some(1);
    if let Some(ev) = evidence.get_mut(IMAGE) {
        ev.usages.push(other);
    }
    let outcomes = verify_glance_group_at(&[bad, good.clone()], &evidence, NOW);
    assert_eq!(
        outcomes,
        vec![
            mismatch("size", "983040", "launches", "1"),
            Outcome::Verified
        ]
    );
    assert!(!glance_group_verified(&outcomes));
    let outcomes = verify_glance_group_at(&[good.clone(), good], &evidence, NOW);
    assert_eq!(outcomes, vec![Outcome::Verified, Outcome::Verified]);
    assert!(glance_group_verified(&outcomes));
    assert!(!glance_group_verified(&[]));
}

#[test]
fn groups_are_keyed_by_owner_and_raw_id() {
    let mut e = image_exists();
    assert_eq!(
        glance_group_key(&e),
        format!("{}-9", super::support::TENANT)
    );
    e.owner = None;
    assert_eq!(glance_group_key(&e), "None-9");
}
