//! v2 `StacktachUsageParsingTestCase`: deletes and exists, and batch-level links.

use super::*;
use crate::aggregate::tests::usage::stored_usage;

fn delete_event(terminated: PayloadTime, deleted: PayloadTime, launched: PayloadTime) -> Event {
    nova(9, "compute.instance.delete.end", 0).nova(|n| {
        n.terminated_at = terminated;
        n.deleted_at = deleted;
        n.launched_at = launched;
    })
}

#[test]
fn process_delete_prefers_terminated_at() {
    let launch = PayloadTime::Valid(DUMMY_TIME - 24 * HOUR);
    for (terminated, deleted, expected) in [
        (
            PayloadTime::Valid(DUMMY_TIME - 1_000_000),
            PayloadTime::Valid(DUMMY_TIME),
            DUMMY_TIME - 1_000_000,
        ),
        (
            PayloadTime::Valid(DUMMY_TIME),
            PayloadTime::Missing,
            DUMMY_TIME,
        ),
        (
            PayloadTime::Missing,
            PayloadTime::Valid(DUMMY_TIME),
            DUMMY_TIME,
        ),
    ] {
        let writes = run(
            &[delete_event(terminated, deleted, launch)],
            Stored::default(),
        );
        assert_eq!(
            writes.deletes,
            [InstanceDelete {
                instance: INSTANCE_ID_1.into(),
                launched_at: DUMMY_TIME - 24 * HOUR,
                deleted_at: Some(expected),
                raw_id: Some(9),
            }]
        );
    }
}

#[test]
fn process_delete_no_launch() {
    let event = delete_event(
        PayloadTime::Missing,
        PayloadTime::Valid(DUMMY_TIME),
        PayloadTime::Missing,
    );
    assert!(run(&[event], Stored::default()).deletes.is_empty());
}

#[test]
fn process_delete_seen_again_repoints_the_raw() {
    let stored = Stored {
        deletes: vec![(
            4,
            InstanceDelete {
                instance: INSTANCE_ID_1.into(),
                launched_at: 1,
                deleted_at: Some(2),
                raw_id: Some(3),
            },
        )],
        ..Stored::default()
    };
    let event = delete_event(
        PayloadTime::Valid(2),
        PayloadTime::Missing,
        PayloadTime::Valid(1),
    );
    let writes = run(&[event], stored);
    assert!(writes.deletes.is_empty());
    assert_eq!(writes.delete_updates, [(4, 9)]);
}

fn exists_event(deleted: PayloadTime) -> Event {
    nova(11, "compute.instance.exists", 0).nova(|n| {
        n.launched_at = PayloadTime::Valid(DUMMY_TIME - 23 * HOUR);
        n.audit_period_beginning = PayloadTime::Valid(DUMMY_TIME - 20 * HOUR);
        n.audit_period_ending = PayloadTime::Valid(DUMMY_TIME);
        n.deleted_at = deleted;
    })
}

#[test]
fn process_exists() {
    let stored = stored_usage(Some(DUMMY_TIME - 23 * HOUR + 500_000), None, None);
    let writes = run(&[exists_event(PayloadTime::Missing)], stored);
    let expected = InstanceExists {
        message_id: text(MESSAGE_ID_1),
        instance: INSTANCE_ID_1.into(),
        launched_at: DUMMY_TIME - 23 * HOUR,
        audit_period_beginning: DUMMY_TIME - 20 * HOUR,
        audit_period_ending: DUMMY_TIME,
        instance_type_id: text(INSTANCE_TYPE_ID_1),
        instance_flavor_id: text(INSTANCE_FLAVOR_ID_1),
        tenant: text(TENANT_ID_1),
        rax_options: text(RAX_OPTIONS_1),
        os_architecture: text(OS_ARCH_1),
        os_version: text(OS_VERSION_1),
        os_distro: text(OS_DISTRO_1),
        bandwidth_public_out: BANDWIDTH_PUBLIC_OUTBOUND,
        raw_id: 11,
        usage: Some(RowRef::Stored(5)),
        ..InstanceExists::default()
    };
    assert_eq!(writes.exists, [expected]);
}

#[test]
fn process_exists_no_launched_at() {
    let event = exists_event(PayloadTime::Missing).nova(|n| n.launched_at = PayloadTime::Missing);
    let writes = run(&[event], Stored::default());
    assert!(writes.exists.is_empty());
    assert_eq!(writes.skipped, [(11, Skip::ExistsWithoutLaunchedAt)]);
}

#[test]
fn process_exists_with_deleted_at() {
    let launched = DUMMY_TIME - 23 * HOUR;
    let stored = Stored {
        deletes: vec![(
            8,
            InstanceDelete {
                instance: INSTANCE_ID_1.into(),
                launched_at: launched,
                deleted_at: Some(DUMMY_TIME),
                raw_id: None,
            },
        )],
        ..Stored::default()
    };
    let writes = run(&[exists_event(PayloadTime::Valid(DUMMY_TIME))], stored);
    assert_eq!(writes.exists[0].deleted_at, Some(DUMMY_TIME));
    assert_eq!(writes.exists[0].delete, Some(RowRef::Stored(8)));
    assert_eq!(writes.exists[0].usage, None);
}

#[test]
fn a_bad_payload_time_skips_only_that_step() {
    let event =
        nova(1, "compute.instance.create.end", 5).nova(|n| n.launched_at = PayloadTime::Invalid);
    let writes = run(&[event], Stored::default());
    assert!(writes.usages.is_empty());
    assert_eq!(writes.skipped, [(1, Skip::BadPayloadTime("launched_at"))]);
    assert_eq!(writes.lifecycles.len(), 1, "the lifecycle still aggregates");
}

#[test]
fn exists_in_the_same_batch_finds_the_new_usage() {
    let events = [
        nova(1, "compute.instance.create.end", 0)
            .nova(|n| n.launched_at = PayloadTime::Valid(DUMMY_TIME - 23 * HOUR)),
        exists_event(PayloadTime::Missing),
    ];
    let writes = run(&events, Stored::default());
    assert_eq!(writes.usages.len(), 1);
    assert_eq!(writes.exists[0].usage, Some(RowRef::New(0)));
}
