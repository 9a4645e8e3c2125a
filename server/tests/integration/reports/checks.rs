//! The exact figures of each report over the known day of `reports.rs`.

use serde_json::{json, Value};

use super::{B, C, DAY, Y};

fn zeros() -> Value {
    json!({"success": 0, "unsent": 0, "redirect": 0, "client_error": 0, "server_error": 0})
}

fn statuses(count: i64, verified: i64, failed: i64, pending: i64) -> Value {
    json!({"count": count, "verified": verified, "reconciled": 0, "failed": failed,
           "pending": pending, "verifying": 0, "sent_unverified": 0, "sent_failed": 0,
           "sent_verifying": 0})
}

fn with(mut v: Value, extra: Value) -> Value {
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    v
}

pub fn nova_usage_audit(v: &Value, failed_id: i64) {
    let periodic = with(
        statuses(1, 1, 0, 0),
        json!({"send_status": with(zeros(), json!({"unsent": 1})), "send_status_rec": zeros()}),
    );
    let instantaneous = with(
        statuses(1, 0, 1, 0),
        json!({"send_status": zeros(), "send_status_rec": zeros()}),
    );
    assert_eq!(
        v["summary"],
        json!({"verifier": {"periodic": periodic, "instantaneous": instantaneous},
               "launch_summary": {"new_launches": 1, "old_launches": 1, "failures": 1}})
    );
    assert_eq!(
        v["exist_fails"],
        json!([[
            failed_id,
            "Failed at 2014-01-01 04:00:00 UTC for cccc: missing launch",
            "cell-r",
            "host-1"
        ]])
    );
    let fails = v["launch_fails"].as_array().expect("launch fails");
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0][0], "Launch");
    assert!(fails[0][1].is_i64(), "{}", fails[0]);
    assert_eq!(
        fails[0].as_array().unwrap()[2..].to_vec(),
        vec![
            json!(format!(
                "Couldn't find exists for launch ({C}, 2013-12-31 20:00:00)"
            )),
            json!("N"),
            json!("cell-r"),
            json!("host-1")
        ]
    );
    assert_eq!(
        v["exist_fail_headers"],
        json!(["Exists Row ID", "Error Description", "Cell", "Compute"])
    );
    assert_eq!(
        v["launch_fail_headers"],
        json!([
            "Launch Row ID",
            "Error Description",
            "Reconciled?",
            "Cell",
            "Compute"
        ])
    );
}

pub fn glance_reports(audit: &Value, events: &Value) {
    let exists = with(statuses(1, 0, 0, 1), json!({"send_status": zeros()}));
    let exists = {
        let mut e = exists;
        e.as_object_mut().unwrap().remove("reconciled");
        e
    };
    assert_eq!(
        audit[0],
        json!({"summary": {"verifier": {"exists": exists},
                           "image_summary": {"new_images": 2, "old_images": 0, "failures": 1}}})
    );
    assert_eq!(audit[1], json!(["Object", "ID", "Error Description"]));
    assert_eq!(audit.as_array().map(Vec::len), Some(3));
    assert_eq!(audit[2][0], "Usage");
    assert_eq!(audit[2][2], json!(format!("No exists for usage ({Y})")));
    assert_eq!(
        events,
        &json!({"image.upload": 1, "image.activate": 2, "image.delete": 1, "image.exists": 1,
                "image.exists.verified": 0})
    );
}

pub fn summary(v: &Value) {
    assert_eq!(
        v[0],
        json!({"percentile": 97, "pct": 0.015, "hours": 24, "start": DAY, "end": DAY + 86_399.0,
               "region": null, "cells": ["cell-r"], "total": 3,
               "4xx failure count": 0, "4xx failure percentage": 0.0,
               "5xx failure count": 1, "5xx failure percentage": 1.0 / 3.0 * 100.0,
               "> 30 failure count": 0, "> 30 failure percentage": 0.0,
               "state failure count": 1, "state failure percentage": 1.0 / 3.0 * 100.0,
               "failure_grand_total": 2, "failure_grand_rate": 2.0 / 3.0 * 100.0})
    );
    assert_eq!(
        v[1],
        json!([
            "Operation",
            "Image",
            "OS Type",
            "Min",
            "Max",
            "Med",
            "97%",
            "Requests",
            "4xx",
            "% 4xx",
            "5xx",
            "% 5xx",
            "> 30",
            "% > 30",
            "state",
            "% state"
        ])
    );
    assert_eq!(
        v[2],
        json!([
            "create", "base", "linux", "35s", "1:00s", "1:00s", "1:00s", 2, 0, 0.0, 1, 0.5, 0, 0.0,
            0, 0.0
        ])
    );
    assert_eq!(
        v[3],
        json!([
            "resize", "snap", "windows", "40s", "40s", "40s", "40s", 1, 0, 0.0, 0, 0.0, 0, 0.0, 1,
            1.0
        ])
    );
    assert_eq!(v.as_array().map(Vec::len), Some(4));
}

fn details(states: [(Option<&str>, &str); 3], events: [&str; 3]) -> Value {
    let rows: Vec<Value> = states
        .iter()
        .zip(events)
        .map(|((old, state), event)| {
            json!({"host": "host-1", "event": event, "old_state": old,
            "state": state, "old_task": "", "task": ""})
        })
        .collect();
    Value::Array(rows)
}

/// The fields of an error details entry that do not depend on row ids.
fn fixed(e: &Value) -> Value {
    const KEYS: [&str; 12] = [
        "req",
        "uuid",
        "tenant",
        "duration",
        "operation",
        "platform",
        "service",
        "host",
        "deployment",
        "event",
        "when",
        "failure_type",
    ];
    KEYS.iter()
        .map(|k| (k.to_string(), e[k].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

pub fn error_details(v: &Value) {
    assert_eq!(
        v[0],
        json!({"report_format": "json", "instances": {B: ["req-b"], C: ["req-c"]},
               "exception_counts": {"value: No valid host was found, code: 500, message: NoValidHost": 1},
               "event_counts": {"compute.instance.create.error": 1, "compute.instance.update": 1},
               "tenant_issues": {"tenant-r": 2}, "codes": {"500": 1}})
    );
    let b = &v[1];
    assert_eq!(
        fixed(b),
        json!({"req": "req-b", "uuid": B, "tenant": "tenant-r", "duration": "0.58 minutes",
               "operation": "create", "platform": ["base", "linux"], "service": "compute",
               "host": "host-1", "deployment": "cell-r", "event": "compute.instance.create.error",
               "when": "2014-01-01 02:00:35", "failure_type": 500})
    );
    assert!(b["event_id"].is_i64());
    assert_eq!(
        b["exception"],
        json!({"kwargs": {"code": 500, "value": "No valid host was found"}, "message": "NoValidHost"})
    );
    let create = [
        "compute.instance.update",
        "compute.instance.create.start",
        "compute.instance.create.error",
    ];
    let b_states = [
        (None, "building"),
        (Some("building"), "building"),
        (Some("building"), "building"),
    ];
    assert_eq!(b["details"], details(b_states, create));
    request_c(&v[2]);
    assert_eq!(v.as_array().map(Vec::len), Some(3));
}

/// C: failed into the error state, blamed on its last update.
fn request_c(c: &Value) {
    assert_eq!(
        fixed(c),
        json!({"req": "req-c", "uuid": C, "tenant": "tenant-r", "duration": "0.67 minutes",
               "operation": "resize", "platform": ["snapshot", "windows"], "service": "compute",
               "host": "host-1", "deployment": "cell-r", "event": "compute.instance.update",
               "when": "2014-01-01 03:00:40", "failure_type": "state"})
    );
    assert!(c.get("exception").is_none());
    let resize = [
        "compute.instance.update",
        "compute.instance.resize.prep.start",
        "compute.instance.update",
    ];
    let c_states = [
        (Some("active"), "active"),
        (Some("active"), "active"),
        (Some("active"), "error"),
    ];
    assert_eq!(c["details"], details(c_states, resize));
}

pub fn hours_and_bandwidth(hours: &Value, bandwidth: &Value) {
    let counts = json!({"count": 1, "unit_hours": 46.0, "percent_count": 100.0,
                        "percent_unit_hours": 100.0});
    assert_eq!(
        hours,
        &json!({"total_instance_count": 1, "total_unit_hours": 46.0,
                "flavor": {"2": with(counts.clone(), json!({"flavor_name": "512MB Standard"}))},
                "flavor_class": {"standard": counts},
                "top_hundred_by_count": {}, "top_hundred_by_unit_hours": {}})
    );
    assert_eq!(bandwidth, &json!({"total_public_outbound_bandwidth": 50}));
}
