//! v2 `StacktachUsageParsingTestCase`: launches and updates.

use super::*;
use crate::aggregate::instance_events::handles;

/// A stored usage of (`INSTANCE_ID_1`, `REQUEST_ID_1`) with id 5.
pub(super) fn stored_usage(
    launched_at: Option<i64>,
    type_id: Option<&str>,
    flavor: Option<&str>,
) -> Stored {
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
