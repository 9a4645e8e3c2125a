//! What the events step does with PostgreSQL's partitions of `raw_events` (pure): which
//! partitions wholly past the horizon are replaced, and by what (a month's days merged once
//! the whole month is past it), and which partitions the row walk still reads; and the SQL
//! conditions on a partition's referenced events. The I/O is `partition_drop`.

use crate::store::partitions::{month_name, month_of, Bounds, Partition};
use crate::store::prune::steps::RAW_EVENT_REFS;

/// What the events step did with one partition wholly past the horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOutcome {
    pub partition: String,
    /// Its events that went (dry run: would go).
    pub rows: u64,
    /// Its events still referenced by kept usage rows, copied into its replacement.
    pub kept: u64,
    /// Its size on disk (table, indexes, TOAST) when measured.
    pub bytes: i64,
    pub action: PartitionAction,
}

/// What became of a partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionAction {
    /// Detached and dropped: none of its events was referenced.
    Dropped,
    /// Detached and dropped, its referenced events in `into` (itself rebuilt, or its month).
    Replaced { into: String },
    /// Dry run: would go, its referenced events into `into` (`None`: none are referenced).
    WouldGo { into: Option<String> },
    /// Its locks were not granted within the lock timeout: tried again at the next run.
    Postponed,
}

/// Partitions replaced by one table for `[lo, hi)` named `target` (a partition rebuilt as
/// itself, or a month's partitions merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rebuild {
    pub sources: Vec<Partition>,
    pub target: String,
    pub lo: Option<i64>,
    pub hi: i64,
}

/// What the events step does with `partitions` at `cutoff`: the rebuilds of the partitions
/// wholly past it (a month's contiguous partitions merged once the whole month is), and the
/// partitions the row walk reads (those reaching back past it, and the default partition).
pub(crate) fn plan(partitions: &[Partition], cutoff: i64) -> (Vec<Rebuild>, Vec<String>) {
    let walk = partitions
        .iter()
        .filter(|p| p.bounds.reaches_before(cutoff) && !p.bounds.before(cutoff))
        .map(|p| p.name.clone())
        .collect();
    let mut rebuilds = Vec::new();
    // (month start, from, to) of the expired day and month partitions; an open start (the
    // legacy partition) is rebuilt on its own.
    let mut expired: Vec<(i64, i64, i64, &Partition)> = Vec::new();
    for p in partitions {
        match p.bounds {
            Bounds::Range { from, to: Some(to) } if p.bounds.before(cutoff) => match from {
                Some(from) => expired.push((month_of(from).0, from, to, p)),
                None => rebuilds.push(Rebuild {
                    sources: vec![p.clone()],
                    target: p.name.clone(),
                    lo: None,
                    hi: to,
                }),
            },
            _ => {}
        }
    }
    expired.sort_by_key(|(month, from, ..)| (*month, *from));
    let mut rest = expired.as_slice();
    while let Some(&(month, from, ..)) = rest.first() {
        let n = rest.iter().take_while(|(m, ..)| *m == month).count();
        let (group, tail) = rest.split_at(n);
        rest = tail;
        let (month_start, month_end) = month_of(month);
        let contiguous = from == month_start
            && group.last().is_some_and(|(_, _, to, _)| *to == month_end)
            && group.windows(2).all(|w| w[0].2 == w[1].1);
        if contiguous && group.len() > 1 {
            rebuilds.push(Rebuild {
                sources: group.iter().map(|(.., p)| (*p).clone()).collect(),
                target: month_name(month_start),
                lo: Some(month_start),
                hi: month_end,
            });
        } else {
            rebuilds.extend(group.iter().map(|&(_, from, to, p)| Rebuild {
                sources: vec![p.clone()],
                target: p.name.clone(),
                lo: Some(from),
                hi: to,
            }));
        }
    }
    (rebuilds, walk)
}

/// `SELECT` of the ids in `[lo, hi]` some kept usage row points at (each an index range scan
/// of migration 0013's raw-id indexes).
pub(crate) fn referenced_between(lo: i64, hi: i64) -> String {
    RAW_EVENT_REFS
        .iter()
        .map(|(table, column)| {
            format!("SELECT {column} FROM {table} WHERE {column} BETWEEN {lo} AND {hi}")
        })
        .collect::<Vec<_>>()
        .join(" UNION ")
}

/// ` AND NOT EXISTS …` for each usage table: no kept usage row points at the event `id`.
pub(crate) fn unreferenced(id: &str) -> String {
    RAW_EVENT_REFS
        .iter()
        .map(|(table, column)| {
            format!(" AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{column} = {id})")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::DAY_US;
    use crate::store::partitions::day_name;

    fn part(name: &str, from: Option<i64>, to: Option<i64>) -> Partition {
        Partition {
            name: name.into(),
            bounds: Bounds::Range { from, to },
            bytes: 0,
        }
    }

    fn day(d: i64) -> Partition {
        part(&day_name(d), Some(d), Some(d + DAY_US))
    }

    #[test]
    fn expired_partitions_are_rebuilt_and_the_rest_walked() {
        // 2026-12-04.
        let today = 1_796_342_400_000_000;
        let legacy = part("raw_events_legacy", None, Some(today - 2 * DAY_US));
        let default = Partition {
            name: "raw_events_default".into(),
            bounds: Bounds::Default,
            bytes: 0,
        };
        let days: Vec<Partition> = (-2..3).map(|n| day(today + n * DAY_US)).collect();
        let mut all = vec![legacy.clone(), default];
        all.extend(days.clone());
        // The cutoff falls inside yesterday: the legacy partition and the day before
        // yesterday are wholly past it; yesterday straddles it.
        let cutoff = today - DAY_US / 2;
        let (rebuilds, walk) = plan(&all, cutoff);
        assert_eq!(
            rebuilds,
            vec![
                Rebuild {
                    sources: vec![legacy],
                    target: "raw_events_legacy".into(),
                    lo: None,
                    hi: today - 2 * DAY_US,
                },
                Rebuild {
                    sources: vec![days[0].clone()],
                    target: "raw_events_p20261202".into(),
                    lo: Some(today - 2 * DAY_US),
                    hi: today - DAY_US,
                },
            ]
        );
        assert_eq!(walk, ["raw_events_default", "raw_events_p20261203"]);
        // Before the legacy range ends, the legacy partition is walked.
        let (rebuilds, walk) = plan(&all, today - 3 * DAY_US);
        assert!(rebuilds.is_empty());
        assert_eq!(walk, ["raw_events_legacy", "raw_events_default"]);
    }

    #[test]
    fn a_wholly_expired_month_of_contiguous_days_is_merged() {
        let (start, end) = month_of(1_796_342_400_000_000);
        let mut days: Vec<Partition> = Vec::new();
        let mut d = start;
        while d < end {
            days.push(day(d));
            d += DAY_US;
        }
        let (rebuilds, walk) = plan(&days, end + DAY_US);
        assert!(walk.is_empty());
        assert_eq!(rebuilds.len(), 1);
        assert_eq!(rebuilds[0].target, "raw_events_p202612");
        assert_eq!((rebuilds[0].lo, rebuilds[0].hi), (Some(start), end));
        assert_eq!(rebuilds[0].sources.len(), 31);
        // A gap (a day dropped with no referenced events): each day on its own.
        let mut gapped = days.clone();
        gapped.remove(10);
        let (rebuilds, _) = plan(&gapped, end + DAY_US);
        assert_eq!(rebuilds.len(), 30);
        assert!(rebuilds.iter().all(|r| r.sources.len() == 1));
        // The month not over yet: its expired days one by one.
        let (rebuilds, walk) = plan(&days, end - DAY_US / 2);
        assert_eq!(rebuilds.len(), 30);
        assert_eq!(walk, [day_name(end - DAY_US)]);
        // Merged already: the month partition alone, as itself.
        let month = part("raw_events_p202612", Some(start), Some(end));
        let (rebuilds, _) = plan(std::slice::from_ref(&month), end);
        assert_eq!(rebuilds[0].sources, vec![month]);
        assert_eq!(rebuilds[0].target, "raw_events_p202612");
    }

    #[test]
    fn referenced_ids_are_read_by_range_from_every_usage_table() {
        let sql = referenced_between(5, 9);
        assert_eq!(sql.matches(" UNION ").count(), 4);
        assert!(
            sql.contains("SELECT last_raw_id FROM image_usages WHERE last_raw_id BETWEEN 5 AND 9")
        );
        let not = unreferenced("s.id");
        assert!(not.starts_with(
            " AND NOT EXISTS (SELECT 1 FROM instance_exists x WHERE x.raw_id = s.id)"
        ));
        assert_eq!(not.matches("NOT EXISTS").count(), 5);
    }
}
