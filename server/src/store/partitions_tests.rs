use super::*;

#[test]
fn bounds_parse_as_the_catalog_prints_them() {
    assert_eq!(
        Bounds::parse("FOR VALUES FROM (MINVALUE) TO ('1796428800000000')"),
        Some(Bounds::Range {
            from: None,
            to: Some(1_796_428_800_000_000)
        })
    );
    assert_eq!(
        Bounds::parse("FOR VALUES FROM ('-5') TO ('7')"),
        Some(Bounds::Range {
            from: Some(-5),
            to: Some(7)
        })
    );
    assert_eq!(Bounds::parse("DEFAULT"), Some(Bounds::Default));
    assert_eq!(Bounds::parse("FOR VALUES IN ('a')"), None);
}

#[test]
fn ranges_overlap_expire_and_reach_back() {
    let day = Bounds::Range {
        from: Some(10),
        to: Some(20),
    };
    assert!(day.overlaps(15, 25) && day.overlaps(0, 11) && !day.overlaps(20, 30));
    assert!(!day.overlaps(0, 10));
    let legacy = Bounds::Range {
        from: None,
        to: Some(20),
    };
    assert!(legacy.overlaps(i64::MIN, -5) && !legacy.overlaps(20, 21));
    assert!(!Bounds::Default.overlaps(0, 100));
    assert!(day.before(20) && !day.before(19));
    assert!(!Bounds::Default.before(i64::MAX));
    assert!(day.reaches_before(11) && !day.reaches_before(10));
    assert!(Bounds::Default.reaches_before(0) && legacy.reaches_before(i64::MIN + 1));
}

#[test]
fn days_and_months_are_named_by_their_utc_date() {
    // 2026-12-04T00:00:00Z and a time later that day.
    let day = 1_796_342_400_000_000;
    assert_eq!(day_start(day + 5 * 3_600_000_000), day);
    assert_eq!(day_name(day), "raw_events_p20261204");
    assert_eq!(day_name(day - DAY_US), "raw_events_p20261203");
    let (start, end) = month_of(day + 1);
    assert_eq!(month_name(start), "raw_events_p202612");
    assert_eq!((end - start) / DAY_US, 31);
    assert_eq!(day_name(start), "raw_events_p20261201");
    assert_eq!(day_name(end), "raw_events_p20270101");
    // Before 1970 too (div_euclid): 1969-12-31.
    assert_eq!(day_name(day_start(-1)), "raw_events_p19691231");
}

#[test]
fn identifiers_are_quoted() {
    assert_eq!(ident("raw_events_p20261204"), "\"raw_events_p20261204\"");
    assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    assert_eq!(range_sql(None, 5), "FROM (MINVALUE) TO (5)");
    assert_eq!(range_sql(Some(1), 5), "FROM (1) TO (5)");
}
