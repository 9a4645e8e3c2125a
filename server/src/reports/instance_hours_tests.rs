use super::*;

const T0: i64 = 1_388_534_400_000_000; // 2014-01-01 00:00:00
const DAY: i64 = 24 * HOUR_US;

fn exists(id: i64, flavor: &str, tenant: &str, launched: i64, deleted: Option<i64>) -> HoursExists {
    HoursExists {
        id,
        instance_flavor_id: Some(flavor.into()),
        tenant: Some(tenant.into()),
        launched_at: launched,
        deleted_at: deleted,
        audit_period_beginning: T0,
        audit_period_ending: T0 + DAY,
        raw_id: id,
    }
}

#[test]
fn hours_are_the_ceiling_of_the_alive_part_of_the_period() {
    assert_eq!(hours(&exists(1, "2", "t", T0 - DAY, None)), 24);
    assert_eq!(hours(&exists(1, "2", "t", T0 + HOUR_US + 1, None)), 23);
    assert_eq!(
        hours(&exists(1, "2", "t", T0 - DAY, Some(T0 + 90 * 60_000_000))),
        2
    );
    assert_eq!(
        hours(&exists(1, "2", "t", T0 - DAY, Some(T0 + 2 * DAY))),
        24
    );
    assert_eq!(class_of("performance1-2"), "performance1");
    assert_eq!(class_of("3"), "standard");
}

#[test]
fn totals_by_flavor_class_type_and_tenant() {
    let inputs = HoursInputs {
        exists: vec![
            exists(1, "performance1-1", "t1", T0 - DAY, None),
            exists(2, "2", "t2", T0 + 12 * HOUR_US, None),
            exists(3, "2", "t1", T0 - DAY, Some(T0 + 6 * HOUR_US)),
        ],
        flavors: HashMap::from([
            (
                "performance1-1".into(),
                FlavorPayload {
                    name: json!("1 GB Performance"),
                    memory_mb: 1024.0,
                },
            ),
            (
                "2".into(),
                FlavorPayload {
                    name: json!("512MB Standard"),
                    memory_mb: 512.0,
                },
            ),
        ]),
        tenants: HashMap::from([(
            "t1".into(),
            TenantInfo {
                name: Some("Acme".into()),
                types: BTreeMap::from([("billing".into(), "managed".into())]),
            },
        )]),
        type_names: vec!["billing".into()],
    };
    let v = build(&inputs);
    // 24 h × 4 units + 12 h × 2 units + 6 h × 2 units.
    assert_eq!(v["total_instance_count"], 3);
    assert_eq!(v["total_unit_hours"], 132.0);
    assert_eq!(v["flavor"]["2"]["count"], 2);
    assert_eq!(v["flavor"]["2"]["unit_hours"], 36.0);
    assert_eq!(v["flavor"]["2"]["flavor_name"], "512MB Standard");
    // Percentages of the running total, as v2 computed them: 12/132 at the last update.
    assert_eq!(v["flavor"]["2"]["percent_unit_hours"], 36.0 / 132.0 * 100.0);
    assert_eq!(v["flavor"]["performance1-1"]["percent_unit_hours"], 100.0);
    assert_eq!(v["flavor_class"]["standard"]["count"], 2);
    assert_eq!(v["flavor_class"]["performance1"]["unit_hours"], 96.0);
    assert_eq!(v["billing"]["managed"]["count"], 2);
    assert_eq!(v["billing"]["unknown"]["unit_hours"], 24.0);
    let top = &v["top_hundred_by_unit_hours"]["billing"]["managed"][0];
    assert_eq!(top["tenant"], "t1");
    assert_eq!(top["account_name"], "Acme");
    assert_eq!(top["billing"], "managed");
    assert_eq!(top["unit_hours"], 108.0);
    let unknown = &v["top_hundred_by_count"]["billing"]["unknown"][0];
    assert_eq!(unknown["account_name"], "unknown account");
    assert_eq!(unknown["count"], 1);
}
