use super::*;

const T0: i64 = 1_388_534_400 * US; // 2014-01-01 00:00:00

fn launch(id: i64, instance: &str, at: i64) -> LaunchRow {
    LaunchRow {
        id,
        instance: instance.into(),
        launched_at: at,
    }
}

fn exists(instance: &str, at: i64) -> AuditExists {
    AuditExists {
        instance: instance.into(),
        launched_at: at,
    }
}

fn audit_inputs() -> NovaAuditInputs {
    NovaAuditInputs {
        new_launches: vec![
            launch(1, "a", T0 + 10 * US + 250_000),
            launch(2, "b", T0 + 20 * US),
            launch(3, "a", T0 + 30 * US),
        ],
        old_launches: vec![
            launch(7, "c", T0 - 50 * US),
            launch(8, "c", T0 - 40 * US),
            launch(9, "d", T0 - 40 * US),
        ],
        old_reconciles: vec![launch(4, "d", T0 - 30 * US)],
        // a's first launch has its exists (the fraction differs: v2 compares seconds).
        exists: vec![
            exists("a", T0 + 10 * US + 999_999),
            exists("c", T0 - 40 * US),
            exists("d", T0 - 40 * US),
        ],
        ..NovaAuditInputs::default()
    }
}

#[test]
fn launches_need_an_exists_of_the_same_second() {
    let inputs = audit_inputs();
    let (fails, new, old) = launch_failures(&inputs);
    assert_eq!((new, old), (3, 2));
    assert_eq!(
        fails,
        vec![
            LaunchFailure::Launch {
                id: 3,
                instance: "a".into(),
                launched_at: T0 + 30 * US
            },
            LaunchFailure::Instance {
                instance: "b".into(),
                launched_at: T0 + 20 * US
            },
            // d's newest old launch is the reconciled one, 10 s after its exists.
            LaunchFailure::Launch {
                id: 4,
                instance: "d".into(),
                launched_at: T0 - 30 * US
            },
        ]
    );
}

#[test]
fn launch_fail_rows_are_v2s() {
    let inputs = audit_inputs();
    let (fails, new, old) = launch_failures(&inputs);
    let cells = vec![
        ("cell-a".to_string(), "c1".to_string()),
        ("-".to_string(), "-".to_string()),
        ("cell-d".to_string(), "c4".to_string()),
    ];
    let v = build(&inputs, &fails, &cells, new, old);
    assert_eq!(
        v["launch_fails"],
        json!([
            [
                "Launch",
                3,
                "Couldn't find exists for launch (a, 2014-01-01 00:00:30)",
                "N",
                "cell-a",
                "c1"
            ],
            ["-", "No exists for instance (b)", "N", "-", "-"],
            [
                "Launch",
                4,
                "Couldn't find exists for launch (d, 2013-12-31 23:59:30)",
                "N",
                "cell-d",
                "c4"
            ],
        ])
    );
    assert_eq!(
        v["summary"]["launch_summary"],
        json!({"new_launches": 3, "old_launches": 2, "failures": 3})
    );
    assert_eq!(v["summary"]["verifier"]["periodic"]["count"], 0);
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

#[test]
fn exist_fails_carry_reason_cell_and_host() {
    let inputs = NovaAuditInputs {
        exist_fails: vec![ExistsFail {
            id: 12,
            fail_reason: Some("Failed at 2014-01-01 00:00:00 UTC for x: y".into()),
            cell: Some("east".into()),
            host: None,
        }],
        ..NovaAuditInputs::default()
    };
    let v = build(&inputs, &[], &[], 0, 0);
    assert_eq!(
        v["exist_fails"],
        json!([[
            12,
            "Failed at 2014-01-01 00:00:00 UTC for x: y",
            "east",
            null
        ]])
    );
    assert_eq!(
        v["exist_fail_headers"],
        json!(["Exists Row ID", "Error Description", "Cell", "Compute"])
    );
}
