//! Retention: how long each class of table keeps its rows (pure: no I/O, no clock).
//!
//! StackTach stores every notification and every aggregate; without retention a busy region
//! grows by hundreds of gigabytes a day. v2 only shipped a sample script deleting raw rows
//! older than 90 days, which left orphans behind. Here every table belongs to one
//! [`TableClass`] with its own horizon ([`Policy`]), and `store::prune` deletes what is older
//! than the horizon in bounded chunks, children before parents, keeping any row another kept
//! row still needs.
//!
//! # Which table is in which class (every table of `migrations/*/00*.sql`)
//! | class (`--retention` key) | tables | a row goes when |
//! |---|---|---|
//! | `events` (90 days, as v2's sample prune script) | `raw_events`, `raw_image_meta` (with its event), `scope_rollups`, `minute_ids`, `stacky_names` | its `when_us` is older, unless a kept usage row (`instance_exists`, `image_exists`, `instance_deletes`, `image_deletes`, `image_usages`) points at it: the verifier and the reports read those bodies; a rollup goes once its hour is wholly before the horizon, a `/stacky` name once its newest time is older |
//! | `quarantine` (30 days) | `quarantine` | it was received before the horizon |
//! | `timings` (90 days) | `request_trackers`, `timings`, `timing_rollups`, `timing_day_rollups` | the tracker started / the timing's last half happened before the horizon, and no kept tracker points at the timing; a rollup goes once its hour (its day) is wholly before the horizon |
//! | `lifecycles` (180 days) | `lifecycles` | the instance is `deleted`, its delete (`instance_deletes`) is older, and no timing or tracker of it is left |
//! | `usage` (400 days) | `instance_exists`, `image_exists`, `instance_usages`, `image_usages`, `instance_deletes`, `image_deletes`, `instance_reconcile` | exists: audit period ended before the horizon **and** verified/reconciled/failed **and** sent (2xx `send_status`), never otherwise; usages: the instance or image was deleted before the horizon and no kept exists points at it; deletes: older, and neither an exists, a usage nor a lifecycle of the instance is left; reconciles: deleted before the horizon |
//! | `reports` (400 days) | `json_reports` | it was created before the horizon |
//! | never pruned | `deployments`, `tenant_info`, `tenant_types`, `tenant_info_types`, `ingest_lock` (MySQL), `table_size_samples` (kept small by its own sampler), `process_heartbeats` (rows a day silent deleted by the beating processes), `timing_rollup_buckets` (the rollups' fixed bucket list) | reference data, or bounded by design |
//!
//! A class set to `off` keeps its rows forever.
//!
//! # Layout
//! - this file: [`TableClass`], [`Horizon`], [`Policy`] (the `--retention` spec is parsed in
//!   `crate::config::retention`); `cursor`: [`resume_after_prune`], how a live cursor crosses
//!   a prune.

mod cursor;

use std::fmt;

pub use cursor::{resume_after_prune, PrunedGap};

/// Microseconds per day (horizons are whole days or hours; times are UTC microseconds).
pub const DAY_US: i64 = 86_400_000_000;
/// Microseconds per hour.
pub const HOUR_US: i64 = 3_600_000_000;

/// A group of tables that share one horizon, named by its `--retention` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableClass {
    Events,
    Quarantine,
    Timings,
    Lifecycles,
    Usage,
    Reports,
}

impl TableClass {
    /// Every class, in the order a spec and a report list them.
    pub const ALL: [Self; 6] = [
        Self::Events,
        Self::Quarantine,
        Self::Timings,
        Self::Lifecycles,
        Self::Usage,
        Self::Reports,
    ];

    /// The key in a `--retention` spec.
    pub fn key(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Quarantine => "quarantine",
            Self::Timings => "timings",
            Self::Lifecycles => "lifecycles",
            Self::Usage => "usage",
            Self::Reports => "reports",
        }
    }

    /// The class a spec key names.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }

    /// How long the class keeps rows unless configured: 90 days of events (v2's sample prune
    /// script), billing rows longer than a year of audits.
    pub fn default_horizon(self) -> Horizon {
        Horizon::Keep(match self {
            Self::Events | Self::Timings => 90 * DAY_US,
            Self::Quarantine => 30 * DAY_US,
            Self::Lifecycles => 180 * DAY_US,
            Self::Usage | Self::Reports => 400 * DAY_US,
        })
    }
}

impl fmt::Display for TableClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Every table a class prunes, with its class (the table in the module's docs).
pub const TABLES: [(&str, TableClass); 19] = [
    ("raw_events", TableClass::Events),
    ("raw_image_meta", TableClass::Events),
    ("scope_rollups", TableClass::Events),
    ("minute_ids", TableClass::Events),
    ("stacky_names", TableClass::Events),
    ("quarantine", TableClass::Quarantine),
    ("request_trackers", TableClass::Timings),
    ("timings", TableClass::Timings),
    ("timing_rollups", TableClass::Timings),
    ("timing_day_rollups", TableClass::Timings),
    ("lifecycles", TableClass::Lifecycles),
    ("instance_exists", TableClass::Usage),
    ("image_exists", TableClass::Usage),
    ("instance_usages", TableClass::Usage),
    ("image_usages", TableClass::Usage),
    ("instance_deletes", TableClass::Usage),
    ("image_deletes", TableClass::Usage),
    ("instance_reconcile", TableClass::Usage),
    ("json_reports", TableClass::Reports),
];

/// How long one class keeps its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// Rows older than this many microseconds go.
    Keep(i64),
    /// Rows are never pruned.
    Off,
}

impl Horizon {
    /// The oldest time a row may have and stay, as of `now` (UTC microseconds); `None` when
    /// nothing is pruned.
    pub fn cutoff(self, now: i64) -> Option<i64> {
        match self {
            Self::Keep(us) => Some(now.saturating_sub(us)),
            Self::Off => None,
        }
    }
}

impl fmt::Display for Horizon {
    /// `90d`, `36h` or `off`: the form a spec takes, so a printed policy can be pasted back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Off => f.write_str("off"),
            Self::Keep(us) if us % DAY_US == 0 => write!(f, "{}d", us / DAY_US),
            Self::Keep(us) => write!(f, "{}h", us / HOUR_US),
        }
    }
}

/// The horizon of every class. `Default` is each class's [`TableClass::default_horizon`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    horizons: [Horizon; 6],
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            horizons: TableClass::ALL.map(TableClass::default_horizon),
        }
    }
}

impl Policy {
    /// A policy that prunes nothing (`--retention off`).
    pub fn off() -> Self {
        Self {
            horizons: [Horizon::Off; 6],
        }
    }

    /// The horizon of `class`.
    pub fn horizon(&self, class: TableClass) -> Horizon {
        self.horizons[class as usize]
    }

    /// Sets the horizon of `class`.
    pub fn set(&mut self, class: TableClass, horizon: Horizon) {
        self.horizons[class as usize] = horizon;
    }

    /// What the status page says of `table`: its class's horizon (`90d`, `off`), or `never`
    /// for a table no class prunes.
    pub fn of_table(&self, table: &str) -> String {
        TABLES
            .iter()
            .find(|(t, _)| *t == table)
            .map_or_else(|| "never".to_owned(), |(_, c)| self.horizon(*c).to_string())
    }

    /// Whether any class prunes at all (a scheduler with nothing to do is not started).
    pub fn prunes_anything(&self) -> bool {
        self.horizons.iter().any(|h| *h != Horizon::Off)
    }
}

impl fmt::Display for Policy {
    /// `events=90d,quarantine=30d,…`: the spec that gives this policy.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, class) in TableClass::ALL.into_iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}={}", class.key(), self.horizon(class))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_keep_ninety_days_of_events_and_billing_longer() {
        let p = Policy::default();
        assert_eq!(p.horizon(TableClass::Events), Horizon::Keep(90 * DAY_US));
        assert_eq!(p.horizon(TableClass::Usage), Horizon::Keep(400 * DAY_US));
        assert_eq!(
            p.to_string(),
            "events=90d,quarantine=30d,timings=90d,lifecycles=180d,usage=400d,reports=400d"
        );
        assert!(p.prunes_anything());
        assert!(!Policy::off().prunes_anything());
    }

    #[test]
    fn each_table_shows_its_class_horizon() {
        let mut p = Policy::default();
        p.set(TableClass::Quarantine, Horizon::Off);
        assert_eq!(p.of_table("raw_image_meta"), "90d");
        assert_eq!(p.of_table("quarantine"), "off");
        assert_eq!(p.of_table("instance_reconcile"), "400d");
        assert_eq!(p.of_table("deployments"), "never");
    }

    #[test]
    fn a_cutoff_is_now_minus_the_horizon() {
        assert_eq!(Horizon::Keep(DAY_US).cutoff(10 * DAY_US), Some(9 * DAY_US));
        assert_eq!(Horizon::Off.cutoff(10 * DAY_US), None);
        assert_eq!(Horizon::Keep(36 * HOUR_US).to_string(), "36h");
    }
}
