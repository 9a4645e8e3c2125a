//! v2 `StacktachLifecycleTestCase`, plus batch-level cases (pairs in one batch, one tracker
//! per request).

use super::*;

fn stored_open(id: i64, name: &str, start_when: i64) -> (i64, Timing) {
    let timing = Timing {
        instance: INSTANCE_ID_1.into(),
        name: name.into(),
        start_raw_id: Some(100),
        start_when: Some(start_when),
        ..Timing::default()
    };
    (id, timing)
}

#[test]
fn start_kpi_tracking_not_update() {
    let writes = run(
        &[nova(1, "compute.instance.create.start", 0).service("api")],
        Stored::default(),
    );
    assert!(writes.trackers.is_empty());
}

#[test]
fn start_kpi_tracking_not_from_api() {
    let writes = run(&[nova(1, "compute.instance.update", 0)], Stored::default());
    assert!(writes.trackers.is_empty());
}

#[test]
fn start_kpi_tracking() {
    let writes = run(
        &[nova(1, "compute.instance.update", DUMMY_TIME).service("api")],
        Stored::default(),
    );
    assert_eq!(
        writes.trackers,
        [Tracker {
            request_id: REQUEST_ID_1.into(),
            instance: INSTANCE_ID_1.into(),
            start: DUMMY_TIME,
            last_timing: None,
            duration: 0,
            end_tenant: None,
            end_deployment_id: None,
        }]
    );
}

#[test]
fn start_kpi_tracking_not_using_host() {
    // The publisher `compute.api.example.com`: service `compute`, host `api.example.com`.
    let writes = run(
        &[nova(1, "compute.instance.update", 0).service("compute")],
        Stored::default(),
    );
    assert!(writes.trackers.is_empty());
}

#[test]
fn update_kpi_no_trackers() {
    let events = [
        nova(1, "compute.instance.create.start", 0),
        nova(2, "compute.instance.create.end", 10),
    ];
    let writes = run(&events, Stored::default());
    assert!(writes.trackers.is_empty() && writes.tracker_updates.is_empty());
}

#[test]
fn update_kpi() {
    let start = DUMMY_TIME;
    let end = DUMMY_TIME + 5 * HOUR;
    let stored = Stored {
        trackers: vec![(7, REQUEST_ID_1.into(), start)],
        open_timings: vec![stored_open(3, "compute.instance.create", start + 1)],
        ..Stored::default()
    };
    let writes = run(&[nova(1, "compute.instance.create.end", end)], stored);
    assert_eq!(
        writes.tracker_updates,
        [TrackerUpdate {
            id: 7,
            last_timing: Some(RowRef::Stored(3)),
            duration: end - start,
            end_tenant: Some(TENANT_ID_1.into()),
            end_deployment_id: Some(1),
        }]
    );
}

#[test]
fn aggregate_lifecycle_no_instance() {
    let mut event = nova(1, "compute.instance.create.start", 0);
    event.instance = None;
    let writes = run(&[event], Stored::default());
    assert!(writes.lifecycles.is_empty() && writes.timings.is_empty());
}

#[test]
fn aggregate_lifecycle_start() {
    let event =
        nova(1, "compute.instance.create.start", DUMMY_TIME).nova(|n| n.state = text("building"));
    let writes = run(&[event], Stored::default());
    assert_eq!(
        writes.lifecycles,
        [LifecycleWrite {
            instance: INSTANCE_ID_1.into(),
            last_raw_id: 1,
            last_state: text("building"),
            last_task_state: text(""),
        }]
    );
    assert_eq!(
        writes.timings,
        [Timing {
            instance: INSTANCE_ID_1.into(),
            name: "compute.instance.create".into(),
            start_raw_id: Some(1),
            start_when: Some(DUMMY_TIME),
            ..Timing::default()
        }]
    );
}

#[test]
fn aggregate_lifecycle_end() {
    let start = DUMMY_TIME;
    let end = DUMMY_TIME + 90_000_000;
    let stored = Stored {
        open_timings: vec![stored_open(3, "compute.instance.create", start)],
        ..Stored::default()
    };
    let event = nova(2, "compute.instance.create.end", end).nova(|n| n.old_task = text("build"));
    let writes = run(&[event], stored);
    assert_eq!(writes.lifecycles[0].last_state, text("active"));
    assert_eq!(writes.lifecycles[0].last_task_state, text("build"));
    assert_eq!(writes.lifecycles[0].last_raw_id, 2);
    assert_eq!(
        writes.timing_ends,
        [TimingEnd {
            id: 3,
            end_raw_id: 2,
            end_when: end,
            diff: Some(end - start),
        }]
    );
    assert!(writes.timings.is_empty());
}

#[test]
fn aggregate_lifecycle_update() {
    let event = nova(1, "compute.instance.update", 0).nova(|n| n.old_task = text("reboot"));
    let writes = run(&[event], Stored::default());
    assert_eq!(writes.lifecycles[0].last_state, text("active"));
    assert_eq!(writes.lifecycles[0].last_task_state, text("reboot"));
    assert!(writes.timings.is_empty());
}

#[test]
fn pair_in_one_batch_updates_the_tracker_started_in_it() {
    let events = [
        nova(1, "compute.instance.update", 100).service("api"),
        nova(2, "compute.instance.create.start", 200),
        nova(3, "compute.instance.update", 250).service("api"),
        nova(4, "compute.instance.create.end", 900),
    ];
    let writes = run(&events, Stored::default());
    assert_eq!(writes.lifecycles.len(), 1, "one lifecycle per instance");
    assert_eq!(writes.lifecycles[0].last_raw_id, 4);
    assert_eq!(writes.timings.len(), 1);
    assert_eq!(writes.timings[0].diff, Some(700));
    assert_eq!(writes.timings[0].end_raw_id, Some(4));
    assert_eq!(writes.trackers.len(), 1, "one tracker per request id");
    assert_eq!(
        writes.trackers[0].start, 100,
        "the first API update starts it"
    );
    assert_eq!(writes.trackers[0].duration, 800);
    assert_eq!(writes.trackers[0].last_timing, Some(RowRef::New(0)));
}

#[test]
fn every_start_opens_a_timing_and_ends_close_the_oldest() {
    let events = [
        nova(1, "compute.instance.reboot.start", 10),
        nova(2, "compute.instance.reboot.start", 20),
        nova(3, "compute.instance.reboot.end", 30),
        nova(4, "compute.instance.reboot.error", 35),
        nova(5, "compute.instance.reboot.end", 50),
        nova(6, "compute.instance.reboot.end", 60),
    ];
    let writes = run(&events, Stored::default());
    let pairs: Vec<_> = writes
        .timings
        .iter()
        .map(|t| (t.start_raw_id, t.end_raw_id, t.diff))
        .collect();
    assert_eq!(
        pairs,
        [
            (Some(1), Some(3), Some(20)),
            (Some(2), Some(5), Some(30)),
            (None, Some(6), None),
        ]
    );
}

#[test]
fn no_tracker_for_an_empty_request_id() {
    let event = nova(1, "compute.instance.update", 0)
        .service("api")
        .request("");
    assert!(run(&[event], Stored::default()).trackers.is_empty());
}

#[test]
fn a_stored_tracker_is_not_started_again() {
    let stored = Stored {
        trackers: vec![(7, REQUEST_ID_1.into(), 5)],
        ..Stored::default()
    };
    let writes = run(
        &[nova(1, "compute.instance.update", 9).service("nova-api")],
        stored,
    );
    assert!(writes.trackers.is_empty() && writes.tracker_updates.is_empty());
}
