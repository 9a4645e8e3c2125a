use super::*;
use crate::reports::requests::tests::raw;

fn request(raws: Vec<ReportRaw>, exception: Option<Value>) -> ErrorRequest {
    ErrorRequest {
        instance: "inst-1".into(),
        request_id: "req-1".into(),
        walk: crate::reports::requests::tests::walk(&raws),
        raws,
        exception,
    }
}

#[test]
fn failed_requests_with_their_blamed_event() {
    let mut err = raw(
        2,
        65,
        "compute.instance.create.error",
        ("building", "building"),
    );
    err.routing_key = "monitor.error".into();
    let failed = request(
        vec![
            raw(1, 5, "compute.instance.create.start", ("", "building")),
            err,
        ],
        Some(
            json!({"kwargs": {"code": 500, "value": "No valid host for 10.1.2.3"},
                    "message": "boom 2222bbbb-6352-4dbc-8271-96cc54bf14cd"}),
        ),
    );
    assert!(ErrorRequest::failed(&failed.walk));
    // Too long without a blamed event: counted, not listed.
    let mut slow = request(
        vec![
            raw(3, 0, "compute.instance.resize.start", ("active", "active")),
            raw(4, 4000, "compute.instance.resize.end", ("active", "active")),
        ],
        None,
    );
    slow.instance = "inst-2".into();
    slow.request_id = "req-2".into();
    assert!(ErrorRequest::failed(&slow.walk));
    let deployments = HashMap::from([(1, "east".to_string())]);
    let v = build(&[failed, slow], &deployments);
    assert_eq!(
        v[0],
        json!({
            "report_format": "json",
            "instances": {"inst-1": ["req-1"], "inst-2": ["req-2"]},
            "exception_counts": {"value: No valid host for $HOST_ADDRESS, code: 500, message: boom $UUID": 1},
            "event_counts": {"compute.instance.create.error": 1},
            "tenant_issues": {"t1": 2},
            "codes": {"500": 1},
        })
    );
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    let e = &v[1];
    assert_eq!(e["req"], "req-1");
    assert_eq!(e["uuid"], "inst-1");
    assert_eq!(e["duration"], "1.00 minutes");
    assert_eq!(e["operation"], "create");
    assert_eq!(e["platform"], json!(["base", "linux"]));
    assert_eq!(e["event_id"], 2);
    assert_eq!(e["deployment"], "east");
    assert_eq!(e["when"], "1970-01-01 00:01:05");
    assert_eq!(e["failure_type"], 500);
    assert_eq!(e["details"][1]["event"], "compute.instance.create.error");
    assert_eq!(e["details"][0]["state"], "building");
    assert_eq!(e["details"][0]["old_state"], Value::Null);
}
