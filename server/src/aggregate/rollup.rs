//! Timing rollups: each timing that completes in a batch (its duration becomes known, once:
//! only open timings take an `.end`) adds itself to one row per (hour of its end, operation,
//! duration bucket), so the timings page and `/stacky/summary` read one row per hour,
//! operation and bucket in use instead of every duration (SPEC §9: timings over 7 days in
//! ≤ 20 ms); and the same sums per UTC day ([`by_day`], migration 0022), so the page reads its
//! window's whole days as one row per operation and bucket each, not 24.

use std::collections::BTreeMap;

use app::model::{rollup_bucket, rollup_day, rollup_hour};

use super::rows::{Timing, TimingRollup};

/// The rollup rows of the completed timings among `timings`, one per (hour, name, bucket),
/// sorted by that key (so concurrent batches upsert shared rows in the same order).
pub(super) fn rollups<'a>(timings: impl IntoIterator<Item = &'a Timing>) -> Vec<TimingRollup> {
    let mut rows: BTreeMap<(i64, &str, i64), TimingRollup> = BTreeMap::new();
    for t in timings {
        let (Some(end), Some(diff)) = (t.end_when, t.diff) else {
            continue;
        };
        let period_us = rollup_hour(end);
        let bucket = rollup_bucket(diff);
        rows.entry((period_us, t.name.as_str(), bucket))
            .and_modify(|r| {
                r.count += 1;
                r.total += diff;
                r.min_us = r.min_us.min(diff);
                r.max_us = r.max_us.max(diff);
            })
            .or_insert_with(|| TimingRollup {
                period_us,
                name: t.name.clone(),
                bucket,
                count: 1,
                total: diff,
                min_us: diff,
                max_us: diff,
            });
    }
    rows.into_values().collect()
}

/// `hourly` (rollup rows of hours) summed per (UTC day, name, bucket), sorted by that key.
pub(super) fn by_day(hourly: &[TimingRollup]) -> Vec<TimingRollup> {
    let mut rows: BTreeMap<(i64, &str, i64), TimingRollup> = BTreeMap::new();
    for h in hourly {
        let period_us = rollup_day(h.period_us);
        rows.entry((period_us, h.name.as_str(), h.bucket))
            .and_modify(|r| {
                r.count += h.count;
                r.total += h.total;
                r.min_us = r.min_us.min(h.min_us);
                r.max_us = r.max_us.max(h.max_us);
            })
            .or_insert_with(|| TimingRollup {
                period_us,
                ..h.clone()
            });
    }
    rows.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_US: i64 = 3_600_000_000;

    fn timing(name: &str, end_when: Option<i64>, diff: Option<i64>) -> Timing {
        Timing {
            name: name.into(),
            end_when,
            diff,
            ..Timing::default()
        }
    }

    #[test]
    fn completed_timings_sum_per_hour_name_and_bucket() {
        let h = HOUR_US;
        let timings = [
            timing("compute.instance.create", Some(5 * h + 10), Some(2_000_000)),
            timing("compute.instance.create", Some(5 * h + 99), Some(2_100_000)),
            timing("compute.instance.create", Some(6 * h), Some(2_000_000)),
            timing("compute.instance.create", Some(5 * h), Some(9_000_000)),
            timing("compute.instance.delete", Some(5 * h + 1), Some(2_000_000)),
            // Open, or an end without a start: no duration, no rollup.
            timing("compute.instance.create", None, None),
            timing("compute.instance.create", Some(5 * h), None),
        ];
        let rows = rollups(&timings);
        let keys: Vec<_> = rows
            .iter()
            .map(|r| (r.period_us / h, r.name.as_str(), r.count, r.total))
            .collect();
        assert_eq!(
            keys,
            [
                (5, "compute.instance.create", 2, 4_100_000),
                (5, "compute.instance.create", 1, 9_000_000),
                (5, "compute.instance.delete", 1, 2_000_000),
                (6, "compute.instance.create", 1, 2_000_000),
            ]
        );
        assert_eq!((rows[0].min_us, rows[0].max_us), (2_000_000, 2_100_000));
        assert_eq!(rows[0].bucket, rollup_bucket(2_050_000));
        assert!(rows[0].bucket < rows[1].bucket);
    }

    #[test]
    fn an_end_before_1970_floors_to_its_hour() {
        let rows = rollups(&[timing("x", Some(-1), Some(-1))]);
        assert_eq!((rows[0].period_us, rows[0].bucket), (-HOUR_US, 0));
    }

    #[test]
    fn days_sum_their_hours_per_name_and_bucket() {
        let h = HOUR_US;
        let timings = [
            timing("compute.instance.create", Some(h + 5), Some(2_000_000)),
            timing("compute.instance.create", Some(23 * h + 5), Some(2_100_000)),
            timing("compute.instance.create", Some(3 * h), Some(9_000_000)),
            // The next day, and the day before 1970.
            timing("compute.instance.create", Some(24 * h), Some(2_000_000)),
            timing("compute.instance.create", Some(-1), Some(2_000_000)),
            timing("compute.instance.delete", Some(2 * h), Some(2_000_000)),
        ];
        let days = by_day(&rollups(&timings));
        let keys: Vec<_> = days
            .iter()
            .map(|r| (r.period_us / h, r.name.as_str(), r.count, r.total))
            .collect();
        let (create, delete) = ("compute.instance.create", "compute.instance.delete");
        assert_eq!(
            keys,
            [
                (-24, create, 1, 2_000_000),
                (0, create, 2, 4_100_000),
                (0, create, 1, 9_000_000),
                (0, delete, 1, 2_000_000),
                (24, create, 1, 2_000_000),
            ]
        );
        // The extremes of the day's two hours in one bucket.
        assert_eq!((days[1].min_us, days[1].max_us), (2_000_000, 2_100_000));
    }
}
