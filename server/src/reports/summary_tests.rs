use super::*;
use crate::reports::requests::tests::{self, raw};
use crate::reports::requests::RequestWalk;

fn params() -> SummaryParams {
    SummaryParams {
        percentile: 97,
        too_long: 1800,
        hours: 24,
        start: 1_388_534_400 * US,
        end: 1_388_620_799 * US,
        region: None,
        cells: vec!["east".into()],
    }
}

fn walk(events: &[(i64, &str, (&str, &str))], error_queue: bool) -> RequestWalk {
    let raws: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(i, (at, event, states))| {
            let mut r = raw(i as i64 + 1, *at, event, *states);
            if error_queue && i + 1 == events.len() {
                r.routing_key = "monitor.error".into();
            }
            r
        })
        .collect();
    tests::walk(&raws)
}

fn five_requests() -> Vec<RequestWalk> {
    let ok1 = walk(
        &[
            (0, "compute.instance.create.start", ("", "building")),
            (40, "compute.instance.create.end", ("building", "active")),
        ],
        false,
    );
    let ok2 = walk(
        &[
            (0, "compute.instance.create.start", ("", "building")),
            (100, "compute.instance.create.end", ("building", "active")),
        ],
        false,
    );
    let slow = walk(
        &[
            (0, "compute.instance.create.start", ("", "building")),
            (4000, "compute.instance.create.end", ("building", "active")),
        ],
        false,
    );
    let state = walk(
        &[
            (0, "compute.instance.create.start", ("", "building")),
            (5, "compute.instance.update", ("building", "error")),
        ],
        false,
    );
    // An error queue event whose exception code is 500 (codes maps its id, 2).
    let http = walk(
        &[
            (0, "compute.instance.rebuild.start", ("active", "active")),
            (7, "compute.instance.rebuild.error", ("active", "active")),
        ],
        true,
    );
    vec![ok1, ok2, slow, state, http]
}

#[test]
fn rows_per_operation_with_failure_classes() {
    let all = five_requests();
    let walks: Vec<&RequestWalk> = all.iter().collect();
    let codes = HashMap::from([(2, 500)]);
    let v = build(&walks, &codes, &params());
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
            "create", "base", "linux", "5s", "01:06:40", "1:40s", "01:06:40", 4, 0, 0.0, 0, 0.0, 1,
            0.25, 1, 0.25
        ])
    );
    assert_eq!(
        v[3],
        json!([
            "rebuild", "base", "linux", "7s", "7s", "7s", "7s", 1, 0, 0.0, 1, 1.0, 0, 0.0, 0, 0.0
        ])
    );
    let d = &v[0];
    assert_eq!(d["total"], 5);
    assert_eq!(d["pct"], 0.015);
    assert_eq!(d["start"], 1_388_534_400.0);
    assert_eq!(d["region"], Value::Null);
    assert_eq!(d["cells"], json!(["east"]));
    assert_eq!(d["5xx failure count"], 1);
    assert_eq!(d["> 30 failure percentage"], 20.0);
    assert_eq!(d["failure_grand_total"], 3);
    assert_eq!(d["failure_grand_rate"], 60.0);
}

#[test]
fn no_requests_is_an_empty_table_not_a_division_by_zero() {
    let v = build(&[], &HashMap::new(), &params());
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[0]["total"], 0);
    assert_eq!(v[0]["failure_grand_rate"], 0.0);
}
