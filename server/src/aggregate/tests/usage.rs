//! v2 `StacktachUsageParsingTestCase`: launches, updates, deletes and exists.

use super::*;
use crate::aggregate::usage::handles;

/// A stored usage of (`INSTANCE_ID_1`, `REQUEST_ID_1`) with id 5.
fn stored_usage(launched_at: Option<i64>, type_id: Option<&str>, flavor: Option<&str>) -> Stored {
    let usage = Usage {
        instance: INSTANCE_ID_1.into(),
        request_id: REQUEST_ID_1.into(),
        launched_at,
        instance_type_id: type_id.map(str::to_string),
        instance_flavor_id: flavor.map(str::to_string),
        ..Usage::default()
    };
    Stored {
        usages: vec![(5, usage)],
        ..Stored::default()
    }
}

/// The single usage the batch wrote (new or changed).
fn only_usage(writes: &Writes) -> &Usage {
    let mut all = writes
        .usages
        .iter()
        .chain(writes.changed_usages.iter().map(|(_, u)| u));
    let usage = all.next().expect("a usage was written");
    assert!(all.next().is_none(), "one usage per (instance, request)");
    usage
}

fn assert_notification_fields(usage: &Usage) {
    assert_eq!(usage.tenant, text(TENANT_ID_1));
    assert_eq!(usage.os_architecture, text(OS_ARCH_1));
    assert_eq!(usage.os_version, text(OS_VERSION_1));
    assert_eq!(usage.os_distro, text(OS_DISTRO_1));
    assert_eq!(usage.rax_options, text(RAX_OPTIONS_1));
}

fn usage_after(event: &str, stored: Stored) -> Usage {
    only_usage(&run(&[nova(1, event, DUMMY_TIME)], stored)).clone()
}

#[test]
fn all_instance_events_have_mapping() {
    for event in INSTANCE_EVENTS {
        assert!(
            handles(event),
            "'{event}' does not have a process function mapping."
        );
    }
}

#[test]
fn new_launch_create_rescue_rebuild_start() {
    for event in [
        "compute.instance.create.start",
        "compute.instance.rescue.start",
        "compute.instance.rebuild.start",
    ] {
        let usage = usage_after(event, Stored::default());
        assert_eq!(usage.instance_type_id, text(INSTANCE_TYPE_ID_1), "{event}");
        assert_eq!(
            usage.instance_flavor_id,
            text(INSTANCE_FLAVOR_ID_1),
            "{event}"
        );
        assert_notification_fields(&usage);
    }
    assert_eq!(
        usage_after("compute.instance.create.start", Stored::default()).launched_at,
        None
    );
}

#[test]
fn new_launch_starts_take_launched_at_when_none_in_db() {
    for event in [
        "compute.instance.rebuild.start",
        "compute.instance.resize.prep.start",
        "compute.instance.resize.revert.start",
    ] {
        let usage = usage_after(event, stored_usage(None, None, None));
        assert_eq!(usage.launched_at, Some(DUMMY_TIME), "{event}");
        assert_notification_fields(&usage);
    }
}

#[test]
fn new_launch_starts_keep_launched_at_in_db() {
    let orig = DUMMY_TIME - 24 * HOUR;
    for event in [
        "compute.instance.resize.prep.start",
        "compute.instance.rescue.start",
    ] {
        let usage = usage_after(event, stored_usage(Some(orig), None, None));
        assert_eq!(usage.launched_at, Some(orig), "{event}");
        assert_notification_fields(&usage);
    }
}

#[test]
fn resize_starts_fill_type_ids_only_when_both_missing() {
    let stored = stored_usage(
        Some(1),
        Some(INSTANCE_TYPE_ID_2),
        Some(INSTANCE_FLAVOR_ID_2),
    );
    let usage = usage_after("compute.instance.resize.prep.start", stored);
    assert_eq!(usage.instance_type_id, text(INSTANCE_TYPE_ID_2));
    let usage = usage_after(
        "compute.instance.resize.prep.start",
        stored_usage(Some(1), None, None),
    );
    assert_eq!(usage.instance_type_id, text(INSTANCE_TYPE_ID_1));
}

#[test]
fn updates_create_and_rescue_end() {
    for event in ["compute.instance.create.end", "compute.instance.rescue.end"] {
        let event_row = nova(1, event, 0).nova(|n| n.message = text("Success"));
        let writes = run(&[event_row], stored_usage(None, None, None));
        let usage = only_usage(&writes);
        assert_eq!(usage.launched_at, Some(DUMMY_TIME), "{event}");
        assert_eq!(usage.instance_type_id, text(INSTANCE_TYPE_ID_1));
        assert_eq!(usage.instance_flavor_id, text(INSTANCE_FLAVOR_ID_1));
        assert_notification_fields(usage);
    }
}

#[test]
fn updates_create_end_error_message_is_skipped() {
    let event = nova(1, "compute.instance.create.end", 0).nova(|n| n.message = text("Error"));
    let writes = run(&[event], Stored::default());
    assert!(writes.usages.is_empty() && writes.changed_usages.is_empty());
}

#[test]
fn updates_revert_end_and_finish_resize_overwrite_type_ids() {
    let stored = || stored_usage(None, Some(INSTANCE_TYPE_ID_2), Some(INSTANCE_FLAVOR_ID_2));
    for (event, launched) in [
        ("compute.instance.resize.revert.end", Some(DUMMY_TIME)),
        ("compute.instance.finish_resize.start", None),
        ("compute.instance.finish_resize.end", Some(DUMMY_TIME)),
    ] {
        let usage = usage_after(event, stored());
        assert_eq!(usage.instance_type_id, text(INSTANCE_TYPE_ID_1), "{event}");
        assert_eq!(
            usage.instance_flavor_id,
            text(INSTANCE_FLAVOR_ID_1),
            "{event}"
        );
        assert_eq!(usage.launched_at, launched, "{event}");
        assert_notification_fields(&usage);
    }
}

#[test]
fn finish_resize_end_keeps_the_later_launch() {
    let earlier = stored_usage(Some(DUMMY_TIME - HOUR), None, None);
    assert_eq!(
        usage_after("compute.instance.finish_resize.end", earlier).launched_at,
        Some(DUMMY_TIME)
    );
    let later = stored_usage(Some(DUMMY_TIME + HOUR), None, None);
    let usage = usage_after("compute.instance.finish_resize.end", later);
    assert_eq!(usage.launched_at, Some(DUMMY_TIME + HOUR));
}

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
