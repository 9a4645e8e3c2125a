//! v2's `NovaVerifierVerifyForLaunchTestCase`, `…VerifyForDeleteTestCase`,
//! `…ReconcileTestCase` and `…VerifyTestCase`: the launch and delete rules, the reconcile
//! fallback and which reason it keeps.

use super::support::{
    checks, delete_of, launch_of, launched, nova_exists, us, AT, INSTANCE, NOW, TENANT,
};
use crate::verifier::model::{NovaEvidence, NovaExists, Outcome};
use crate::verifier::{verify_nova_at, Checks, FlavorField, ValidationLevel};

fn verify(e: &NovaExists, evidence: &NovaEvidence) -> Outcome {
    verify_nova_at(e, evidence, &checks(ValidationLevel::All), NOW)
}

fn failed(reason: &str) -> Outcome {
    Outcome::Failed(reason.to_owned())
}

fn mismatch(field: &str, ours: &str, other: &str, theirs: &str) -> Outcome {
    failed(&format!(
        "{AT}{INSTANCE}: Data mismatch for '{field}' - 'exists' contains '{ours}' but \
         '{other}' contains '{theirs}'"
    ))
}

const NOT_FOUND_THAT_SECOND: &str = "Couldn't find InstanceUsage using {'instance': \
     u'58fb036d-5ef8-47a8-b503-7571276c400a', 'launched_at': Decimal('1.100000')}";

#[test]
fn a_matching_usage_named_by_the_foreign_key_verifies() {
    let mut e = nova_exists();
    e.usage_id = Some(7);
    assert_eq!(verify(&e, &launched(&e)), Outcome::Verified);
}

#[test]
fn launched_at_matches_within_the_same_second() {
    let mut e = nova_exists();
    e.launched_at = Some(us(1, 0));
    let mut evidence = launched(&e);
    evidence.usages[0].launched_at = Some(us(1, 400_000));
    e.usage_id = Some(7);
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
}

#[test]
fn launched_at_in_another_second_is_a_field_mismatch() {
    let mut e = nova_exists();
    e.usage_id = Some(7);
    let mut evidence = launched(&e);
    evidence.usages[0].launched_at = Some(us(2, 100_000));
    assert_eq!(
        verify(&e, &evidence),
        mismatch("launched_at", "1.100000", "launches", "2.100000")
    );
}

#[test]
fn the_configured_flavor_field_is_compared() {
    let mut e = nova_exists();
    e.usage_id = Some(7);
    let mut evidence = launched(&e);
    evidence.usages[0].instance_flavor_id = Some("performance2-120".to_owned());
    let by_type = checks(ValidationLevel::All);
    assert_eq!(
        verify_nova_at(&e, &evidence, &by_type, NOW),
        Outcome::Verified
    );
    let by_flavor = Checks {
        flavor: FlavorField::InstanceFlavorId,
        ..by_type
    };
    assert_eq!(
        verify_nova_at(&e, &evidence, &by_flavor, NOW),
        mismatch(
            "instance_flavor_id",
            "performance1-1",
            "launches",
            "performance2-120"
        )
    );
    evidence.usages[0].instance_type_id = Some("2".to_owned());
    assert_eq!(
        verify_nova_at(&e, &evidence, &by_type, NOW),
        mismatch("instance_type_id", "1", "launches", "2")
    );
}

#[test]
fn each_launch_field_mismatch_names_its_field_in_v2_order() {
    let mut e = nova_exists();
    e.usage_id = Some(7);
    let mut evidence = launched(&e);
    let usage = &mut evidence.usages[0];
    usage.os_distro = Some("selinux".to_owned());
    usage.os_version = Some("2".to_owned());
    usage.os_architecture = Some("x86".to_owned());
    usage.rax_options = Some("2".to_owned());
    usage.tenant = Some("abc".to_owned());
    // Fixed one by one, the first remaining difference in v2's order is reported.
    let expected = [
        ("tenant", TENANT, "abc"),
        ("rax_options", "1", "2"),
        ("os_architecture", "x64", "x86"),
        ("os_version", "2008.2", "2"),
        ("os_distro", "com.microsoft.server", "selinux"),
    ];
    for (field, ours, theirs) in expected {
        assert_eq!(
            verify(&e, &evidence),
            mismatch(field, ours, "launches", theirs)
        );
        let fixed = launch_of(&e, 7);
        let usage = &mut evidence.usages[0];
        match field {
            "tenant" => usage.tenant = fixed.tenant,
            "rax_options" => usage.rax_options = fixed.rax_options,
            "os_architecture" => usage.os_architecture = fixed.os_architecture,
            "os_version" => usage.os_version = fixed.os_version,
            _ => usage.os_distro = fixed.os_distro,
        }
    }
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
}

#[test]
fn a_null_on_both_sides_is_no_mismatch_but_null_against_a_value_is() {
    let mut e = nova_exists();
    e.usage_id = Some(7);
    e.os_distro = None;
    let mut evidence = launched(&e);
    let none = checks(ValidationLevel::None);
    assert_eq!(verify_nova_at(&e, &evidence, &none, NOW), Outcome::Verified);
    evidence.usages[0].os_distro = Some("linux".to_owned());
    assert_eq!(
        verify_nova_at(&e, &evidence, &none, NOW),
        mismatch("os_distro", "None", "launches", "linux")
    );
}

#[test]
fn a_late_usage_is_found_by_instance_and_launch_second() {
    let e = nova_exists();
    let mut evidence = launched(&e);
    evidence.usages[0].launched_at = Some(us(1, 900_000));
    // Another launch of the same instance in another second does not make it ambiguous.
    let mut other = launch_of(&e, 8);
    other.launched_at = Some(us(50, 0));
    evidence.usages.push(other);
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
}

#[test]
fn no_usage_of_the_instance_is_not_found_by_instance() {
    let e = nova_exists();
    let mut evidence = launched(&e);
    evidence.usages[0].instance = "another".to_owned();
    assert_eq!(
        verify(&e, &evidence),
        failed(
            "Couldn't find InstanceUsage using \
             {'instance': u'58fb036d-5ef8-47a8-b503-7571276c400a'}"
        )
    );
}

#[test]
fn no_usage_launched_that_second_is_not_found_by_instance_and_launch() {
    let e = nova_exists();
    let mut evidence = launched(&e);
    evidence.usages[0].launched_at = Some(us(2, 0));
    assert_eq!(verify(&e, &evidence), failed(NOT_FOUND_THAT_SECOND));
}

#[test]
fn two_usages_launched_that_second_are_ambiguous() {
    let e = nova_exists();
    let mut evidence = launched(&e);
    evidence.usages.push(launch_of(&e, 8));
    assert_eq!(
        verify(&e, &evidence),
        failed(
            "Ambiguous results for InstanceUsage using {'instance': \
             u'58fb036d-5ef8-47a8-b503-7571276c400a', 'launched_at': Decimal('1.100000')}"
        )
    );
}

#[test]
fn a_foreign_key_to_a_missing_row_fails_as_v2_did() {
    let mut e = nova_exists();
    e.usage_id = Some(99);
    assert_eq!(verify(&e, &launched(&e)), failed("DoesNotExist"));
}

#[test]
fn a_delete_named_by_the_foreign_key_must_match() {
    let mut e = nova_exists();
    e.deleted_at = Some(us(5, 100_000));
    e.delete_id = Some(4);
    let mut evidence = launched(&e);
    evidence
        .deletes
        .push(delete_of(&e, 4, Some(us(5, 100_000))));
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
    evidence.deletes[0].deleted_at = Some(us(4, 100_000));
    e.deleted_at = Some(us(3, 100_000));
    assert_eq!(
        verify(&e, &evidence),
        mismatch("deleted_at", "3.100000", "deletes", "4.100000")
    );
    evidence.deletes[0].launched_at = us(2, 100_000);
    assert_eq!(
        verify(&e, &evidence),
        mismatch("launched_at", "1.100000", "deletes", "2.100000")
    );
}

#[test]
fn a_deleted_exists_finds_its_one_delete_or_fails_not_found() {
    let mut e = nova_exists();
    e.deleted_at = Some(us(5, 100_000));
    let mut evidence = launched(&e);
    let not_found = failed(
        "Couldn't find InstanceDeletes using {'instance': \
         u'58fb036d-5ef8-47a8-b503-7571276c400a', 'launched_at': Decimal('1.100000')}",
    );
    assert_eq!(verify(&e, &evidence), not_found);
    evidence
        .deletes
        .push(delete_of(&e, 4, Some(us(5, 600_000))));
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
    evidence
        .deletes
        .push(delete_of(&e, 6, Some(us(5, 100_000))));
    assert_eq!(verify(&e, &evidence), not_found);
}

#[test]
fn a_live_exists_fails_when_its_launch_was_deleted_within_the_period() {
    let e = nova_exists();
    let mut evidence = launched(&e);
    // Deleted after the period ended: the exists came before the delete, fine.
    evidence.deletes.push(delete_of(&e, 4, Some(us(101, 0))));
    assert_eq!(verify(&e, &evidence), Outcome::Verified);
    // At the period's end: v2's `deleted_at <= audit_period_ending`.
    evidence.deletes[0].deleted_at = Some(us(100, 0));
    assert_eq!(
        verify(&e, &evidence),
        failed("Found InstanceDeletes for non-delete exist")
    );
}

#[test]
fn without_launched_at_the_exists_fails_before_anything_else() {
    let mut e = nova_exists();
    e.launched_at = None;
    let nothing = NovaEvidence::default();
    assert_eq!(verify(&e, &nothing), failed("Exists without a launched_at"));
    // Python's Decimal(0) is false too.
    e.launched_at = Some(0);
    assert_eq!(verify(&e, &nothing), failed("Exists without a launched_at"));
}

#[test]
fn reconciled_data_turns_a_failure_into_reconciled() {
    let e = nova_exists();
    let mut evidence = NovaEvidence::default();
    evidence.reconciles.push(launch_of(&e, 1));
    assert_eq!(verify(&e, &evidence), Outcome::Reconciled);
}

#[test]
fn a_reconcile_row_with_deleted_at_is_the_delete() {
    let mut e = nova_exists();
    e.deleted_at = Some(us(2, 100_000));
    let mut evidence = NovaEvidence::default();
    let mut reconcile = launch_of(&e, 1);
    reconcile.deleted_at = Some(us(2, 500_000));
    evidence.reconciles.push(reconcile);
    assert_eq!(verify(&e, &evidence), Outcome::Reconciled);
    evidence.reconciles[0].deleted_at = Some(us(3, 0));
    assert_eq!(
        verify(&e, &evidence),
        mismatch("deleted_at", "2.100000", "deletes", "3.000000")
    );
}

#[test]
fn a_live_exists_with_a_reconciled_launch_still_checks_the_deletes() {
    let e = nova_exists();
    let mut evidence = NovaEvidence::default();
    evidence.reconciles.push(launch_of(&e, 1));
    evidence.deletes.push(delete_of(&e, 4, Some(us(50, 0))));
    assert_eq!(
        verify(&e, &evidence),
        failed("Found InstanceReconcile for non-delete exist")
    );
}

#[test]
fn not_found_in_the_reconcile_table_keeps_the_original_reason() {
    let e = nova_exists();
    let mut evidence = launched(&e);
    evidence.usages[0].launched_at = Some(us(2, 0));
    // No reconcile row of the instance, then none of that second.
    assert_eq!(verify(&e, &evidence), failed(NOT_FOUND_THAT_SECOND));
    let mut reconcile = launch_of(&e, 1);
    reconcile.launched_at = Some(us(3, 0));
    evidence.reconciles.push(reconcile);
    assert_eq!(verify(&e, &evidence), failed(NOT_FOUND_THAT_SECOND));
}

#[test]
fn another_reconcile_failure_replaces_the_reason() {
    let e = nova_exists();
    let mut evidence = NovaEvidence::default();
    evidence.reconciles.push(launch_of(&e, 1));
    evidence.reconciles.push(launch_of(&e, 2));
    assert_eq!(
        verify(&e, &evidence),
        failed(
            "Ambiguous results for InstanceReconcile using {'instance': \
             u'58fb036d-5ef8-47a8-b503-7571276c400a', 'launched_at': Decimal('1.100000')}"
        )
    );
    evidence.reconciles.pop();
    evidence.reconciles[0].tenant = Some("abc".to_owned());
    assert_eq!(
        verify(&e, &evidence),
        mismatch("tenant", TENANT, "launches", "abc")
    );
}

#[test]
fn a_validity_failure_can_be_reconciled_too() {
    let mut e = nova_exists();
    e.tenant = Some("invalid_tenant".to_owned());
    let mut evidence = NovaEvidence::default();
    evidence.reconciles.push(launch_of(&e, 1));
    assert_eq!(verify(&e, &evidence), Outcome::Reconciled);
}

#[test]
fn a_crash_is_stored_as_its_class_name_and_never_reconciled() {
    let mut e = nova_exists();
    e.rax_options = None;
    let mut evidence = NovaEvidence::default();
    evidence.reconciles.push(launch_of(&e, 1));
    assert_eq!(verify(&e, &evidence), failed("TypeError"));
}

#[test]
fn reasons_are_cut_to_300_characters() {
    let mut e = nova_exists();
    e.instance = "i".repeat(400);
    let Outcome::Failed(reason) = verify(&e, &NovaEvidence::default()) else {
        panic!("expected a failure");
    };
    assert_eq!(reason.chars().count(), 300);
    assert!(reason.starts_with("Couldn't find InstanceUsage using {'instance': u'iii"));
}
