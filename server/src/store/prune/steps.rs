//! The prune steps: one per table, in the order they run (children before parents), each
//! with the condition that dooms a row, the simpler condition the `DELETE` checks again, the
//! time that stops the walk, and the child rows deleted with it.
//!
//! A doomed condition may read other tables (is the row still referenced?); it is evaluated
//! by the page `SELECT`, a plain read that takes no locks on MySQL. The `DELETE` itself only
//! re-checks the row's own columns, by primary key, so it locks nothing but the rows it
//! deletes (no gap locks on MySQL) and never waits behind ingest on another table.

use crate::retention::{Policy, TableClass};
use crate::store::sql::Sql;

/// The statuses an exists may be pruned in: the verifier is done with it (v2's verified,
/// reconciled, failed; `sent_failed`: sent first, then failed). Pending, verifying and
/// `sent_unverified` / `sent_verifying` rows are never pruned.
const DONE_STATUSES: &str = "('verified', 'reconciled', 'failed', 'sent_failed')";
/// "Sent": the billing feed confirmed it with a 2xx `send_status` (`/db/confirm/…`).
const SENT: &str = "send_status BETWEEN 200 AND 299";

/// The usage rows that keep a raw event past its horizon: (table, column holding the event's
/// id). The verifier and the reports read those bodies.
pub(crate) const RAW_EVENT_REFS: [(&str, &str); 5] = [
    ("instance_exists", "raw_id"),
    ("image_exists", "raw_id"),
    ("instance_deletes", "raw_id"),
    ("image_deletes", "raw_id"),
    ("image_usages", "last_raw_id"),
];

/// One table's prune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    RequestTrackers,
    Timings,
    TimingRollups,
    TimingDayRollups,
    ScopeRollups,
    MinuteIds,
    StackyNames,
    Lifecycles,
    InstanceExists,
    ImageExists,
    InstanceUsages,
    ImageUsages,
    InstanceReconcile,
    /// `pin_lifecycles`: keep a delete while a lifecycle of its instance is left (the
    /// lifecycles' rule reads the delete's time); only when lifecycles are pruned at all.
    InstanceDeletes {
        pin_lifecycles: bool,
    },
    ImageDeletes,
    RawEvents,
    Quarantine,
    JsonReports,
}

impl Step {
    /// Every step `policy` enables, children before parents, with its cutoff as of `now`.
    pub fn plan(policy: &Policy, now: i64) -> Vec<(Step, i64)> {
        let pin_lifecycles = policy.horizon(TableClass::Lifecycles).cutoff(now).is_some();
        [
            Self::RequestTrackers,
            Self::Timings,
            Self::TimingRollups,
            Self::TimingDayRollups,
            Self::ScopeRollups,
            Self::MinuteIds,
            Self::StackyNames,
            Self::Lifecycles,
            Self::InstanceExists,
            Self::ImageExists,
            Self::InstanceUsages,
            Self::ImageUsages,
            Self::InstanceReconcile,
            Self::InstanceDeletes { pin_lifecycles },
            Self::ImageDeletes,
            Self::RawEvents,
            Self::Quarantine,
            Self::JsonReports,
        ]
        .into_iter()
        .filter_map(|s| Some((s, policy.horizon(s.class()).cutoff(now)?)))
        .collect()
    }

    /// The table the step prunes.
    pub fn table(self) -> &'static str {
        match self {
            Self::RequestTrackers => "request_trackers",
            Self::Timings => "timings",
            Self::TimingRollups => "timing_rollups",
            Self::TimingDayRollups => "timing_day_rollups",
            Self::ScopeRollups => "scope_rollups",
            Self::MinuteIds => "minute_ids",
            Self::StackyNames => "stacky_names",
            Self::Lifecycles => "lifecycles",
            Self::InstanceExists => "instance_exists",
            Self::ImageExists => "image_exists",
            Self::InstanceUsages => "instance_usages",
            Self::ImageUsages => "image_usages",
            Self::InstanceReconcile => "instance_reconcile",
            Self::InstanceDeletes { .. } => "instance_deletes",
            Self::ImageDeletes => "image_deletes",
            Self::RawEvents => "raw_events",
            Self::Quarantine => "quarantine",
            Self::JsonReports => "json_reports",
        }
    }

    /// The class whose horizon applies.
    pub fn class(self) -> TableClass {
        match self {
            Self::RequestTrackers
            | Self::Timings
            | Self::TimingRollups
            | Self::TimingDayRollups => TableClass::Timings,
            Self::Lifecycles => TableClass::Lifecycles,
            Self::RawEvents | Self::ScopeRollups | Self::MinuteIds | Self::StackyNames => {
                TableClass::Events
            }
            Self::Quarantine => TableClass::Quarantine,
            Self::JsonReports => TableClass::Reports,
            Self::InstanceExists
            | Self::ImageExists
            | Self::InstanceUsages
            | Self::ImageUsages
            | Self::InstanceReconcile
            | Self::InstanceDeletes { .. }
            | Self::ImageDeletes => TableClass::Usage,
        }
    }

    /// Rows of other tables that belong to a pruned row and go in the same transaction,
    /// before it: (table, column holding the row's id).
    pub(crate) fn children(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::RawEvents => &[("raw_image_meta", "raw_id")],
            _ => &[],
        }
    }

    /// A time that grows with the id (ingest order): once a whole page of rows is at or past
    /// the cutoff, later ids are too and the walk stops. `None`: the walk reads the table to
    /// its end (small tables whose times do not follow the ids).
    pub(crate) fn stop(self) -> Option<&'static str> {
        match self {
            Self::RequestTrackers => Some("start"),
            Self::Timings => Some("COALESCE(start_when, end_when)"),
            Self::TimingRollups | Self::ScopeRollups => Some("hour_us"),
            Self::TimingDayRollups => Some("day_us"),
            Self::MinuteIds => Some("minute_us"),
            Self::InstanceExists | Self::ImageExists => Some("audit_period_ending"),
            Self::RawEvents => Some("when_us"),
            Self::Quarantine => Some("received_us"),
            Self::JsonReports => Some("created"),
            // Names are few, and their times do not follow their ids.
            Self::StackyNames
            | Self::Lifecycles
            | Self::InstanceUsages
            | Self::ImageUsages
            | Self::InstanceReconcile
            | Self::InstanceDeletes { .. }
            | Self::ImageDeletes => None,
        }
    }

    /// The row's own condition (its columns only): the `DELETE` checks it again, so a row
    /// ingest changed since the page was read is not deleted.
    pub(crate) fn push_recheck(self, sql: &mut Sql<'_>, cutoff: i64) {
        match self {
            Self::RequestTrackers => sql.push("start < ").int(cutoff),
            Self::Timings => sql.push("COALESCE(end_when, start_when) < ").int(cutoff),
            // An hour goes once it is wholly before the horizon.
            Self::TimingRollups | Self::ScopeRollups => {
                sql.push("hour_us + 3600000000 <= ").int(cutoff)
            }
            // A day goes once it is wholly before the horizon.
            Self::TimingDayRollups => sql.push("day_us + 86400000000 <= ").int(cutoff),
            // A minute goes once it is wholly before the horizon.
            Self::MinuteIds => sql.push("minute_us + 60000000 <= ").int(cutoff),
            // A name goes with the last of its events (retention takes the events by time).
            Self::StackyNames => sql.push("last_when < ").int(cutoff),
            Self::Lifecycles => sql.push("last_state = 'deleted'"),
            Self::InstanceExists | Self::ImageExists => sql
                .push("audit_period_ending < ")
                .int(cutoff)
                .push(" AND status IN ")
                .push(DONE_STATUSES)
                .push(" AND ")
                .push(SENT),
            Self::InstanceUsages => sql.push("COALESCE(launched_at, 0) < ").int(cutoff),
            Self::ImageUsages => sql.push("COALESCE(created_at, 0) < ").int(cutoff),
            Self::InstanceReconcile => sql.push("deleted_at < ").int(cutoff),
            Self::InstanceDeletes { .. } => {
                sql.push("COALESCE(deleted_at, launched_at) < ").int(cutoff)
            }
            Self::ImageDeletes => sql.push("deleted_at < ").int(cutoff),
            Self::RawEvents => sql.push("when_us < ").int(cutoff),
            Self::Quarantine => sql.push("received_us < ").int(cutoff),
            Self::JsonReports => sql.push("created < ").int(cutoff),
        };
    }

    /// The whole condition a row is pruned on: [`Step::push_recheck`] and that no kept row
    /// needs it (each `NOT EXISTS` probes an index: the foreign keys' on every backend,
    /// migration 0013's raw-id ones).
    pub(crate) fn push_doomed(self, sql: &mut Sql<'_>, cutoff: i64) {
        self.push_recheck(sql, cutoff);
        self.push_still_needed(sql, cutoff);
    }

    /// ` AND …`: the conditions under which no kept row needs this one.
    fn push_still_needed(self, sql: &mut Sql<'_>, cutoff: i64) {
        let t = self.table();
        match self {
            Self::RequestTrackers
            | Self::TimingRollups
            | Self::TimingDayRollups
            | Self::ScopeRollups
            | Self::MinuteIds
            | Self::StackyNames
            | Self::InstanceExists
            | Self::ImageExists
            | Self::InstanceReconcile
            | Self::Quarantine
            | Self::JsonReports => {}
            Self::Timings => unreferenced(sql, t, "request_trackers", "last_timing_id"),
            Self::Lifecycles => {
                deleted_before(sql, "instance_deletes", t, "instance", cutoff);
                unreferenced(sql, t, "timings", "lifecycle_id");
                unreferenced(sql, t, "request_trackers", "lifecycle_id");
            }
            Self::InstanceUsages => {
                deleted_before(sql, "instance_deletes", t, "instance", cutoff);
                unreferenced(sql, t, "instance_exists", "usage_id");
            }
            Self::ImageUsages => {
                deleted_before(sql, "image_deletes", t, "uuid", cutoff);
                unreferenced(sql, t, "image_exists", "usage_id");
            }
            Self::InstanceDeletes { pin_lifecycles } => {
                unreferenced(sql, t, "instance_exists", "delete_id");
                none_alike(sql, t, "instance_usages", "instance");
                if pin_lifecycles {
                    none_alike(sql, t, "lifecycles", "instance");
                }
            }
            Self::ImageDeletes => {
                unreferenced(sql, t, "image_exists", "delete_id");
                none_alike(sql, t, "image_usages", "uuid");
            }
            Self::RawEvents => {
                for (table, column) in RAW_EVENT_REFS {
                    unreferenced(sql, t, table, column);
                }
            }
        }
    }
}

/// ` AND NOT EXISTS (…)`: no row of `table` has `column` = this row's id.
fn unreferenced(sql: &mut Sql<'_>, this: &str, table: &str, column: &str) {
    sql.push(" AND NOT EXISTS (SELECT 1 FROM ")
        .push(table)
        .push(" x WHERE x.")
        .push(column)
        .push(" = ")
        .push(this)
        .push(".id)");
}

/// ` AND NOT EXISTS (…)`: no row of `table` has this row's `column` (an instance, an image).
fn none_alike(sql: &mut Sql<'_>, this: &str, table: &str, column: &str) {
    sql.push(" AND NOT EXISTS (SELECT 1 FROM ")
        .push(table)
        .push(" y WHERE y.")
        .push(column)
        .push(" = ")
        .push(this)
        .push(".")
        .push(column)
        .push(")");
}

/// ` AND EXISTS (…)`: the instance or image (`column`) has a delete in `deletes` before
/// `cutoff`.
fn deleted_before(sql: &mut Sql<'_>, deletes: &str, this: &str, column: &str, cutoff: i64) {
    sql.push(" AND EXISTS (SELECT 1 FROM ")
        .push(deletes)
        .push(" d WHERE d.")
        .push(column)
        .push(" = ")
        .push(this)
        .push(".")
        .push(column)
        .push(" AND d.deleted_at < ")
        .int(cutoff)
        .push(")");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::Horizon;
    use crate::store::sql::Placeholders;

    #[test]
    fn the_plan_follows_the_policy_children_first() {
        let mut policy = Policy::default();
        policy.set(TableClass::Lifecycles, Horizon::Off);
        policy.set(TableClass::Reports, Horizon::Off);
        let plan = Step::plan(&policy, 1_000 * crate::retention::DAY_US);
        let tables: Vec<_> = plan.iter().map(|(s, _)| s.table()).collect();
        assert!(!tables.contains(&"lifecycles") && !tables.contains(&"json_reports"));
        let at = |t: &str| tables.iter().position(|x| *x == t).unwrap();
        assert!(at("request_trackers") < at("timings"));
        assert!(at("instance_exists") < at("instance_usages"));
        assert!(at("instance_usages") < at("instance_deletes"));
        assert!(at("instance_exists") < at("raw_events"));
        assert!(plan.contains(&(
            Step::InstanceDeletes {
                pin_lifecycles: false
            },
            600 * crate::retention::DAY_US
        )));
    }

    #[test]
    fn every_step_is_in_the_status_pages_table_of_classes() {
        let plan = Step::plan(&Policy::default(), 1_000 * crate::retention::DAY_US);
        for (step, _) in plan {
            assert!(
                crate::retention::TABLES.contains(&(step.table(), step.class())),
                "{} missing",
                step.table()
            );
        }
    }

    #[test]
    fn raw_events_stay_while_a_usage_row_points_at_them() {
        let mut sql = Sql::new("");
        Step::RawEvents.push_doomed(&mut sql, 5);
        let text = sql.render(Placeholders::Numbered);
        assert!(text.starts_with("when_us < $1 AND NOT EXISTS (SELECT 1 FROM instance_exists x"));
        assert!(text.contains("x.last_raw_id = raw_events.id"));
    }
}
