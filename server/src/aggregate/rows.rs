//! The rows aggregation reads and writes, and [`Rows`], the in-memory table a batch works on.

/// A row that is already stored (its id) or that this batch creates (its index in the batch's
/// list of new rows of that table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRef {
    Stored(i64),
    New(usize),
}

/// The per-instance summary (v2 `Lifecycle`): written for every nova event with an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleWrite {
    pub instance: String,
    pub last_raw_id: i64,
    /// The event's `state`.
    pub last_state: Option<String>,
    /// The event's `old_task` (v2 pins the *old* task state here).
    pub last_task_state: Option<String>,
}

/// A `.start`/`.end` pair of one operation on one instance (v2 `Timing`); times in UTC µs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timing {
    /// The lifecycle's instance.
    pub instance: String,
    /// The event type without its `.start`/`.end` step.
    pub name: String,
    pub start_raw_id: Option<i64>,
    pub start_when: Option<i64>,
    pub end_raw_id: Option<i64>,
    pub end_when: Option<i64>,
    /// `end_when - start_when` when both are known.
    pub diff: Option<i64>,
}

impl Timing {
    /// The raw event that created this timing (its start, or an end without a start): unique
    /// among the timings of a batch, so the store matches inserted ids back by it.
    pub fn creator_raw_id(&self) -> i64 {
        self.start_raw_id.or(self.end_raw_id).unwrap_or_default()
    }
}

/// A stored timing's new end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimingEnd {
    pub id: i64,
    pub end_raw_id: i64,
    pub end_when: i64,
    pub diff: Option<i64>,
}

/// The timings of one operation whose end fell in one hour (or, in the day rollups, one UTC
/// day), with durations in one rollup bucket (`app::model::ROLLUP_FLOORS_US`): added to the
/// stored row of the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimingRollup {
    /// The hour's (or the day's) start, UTC µs.
    pub period_us: i64,
    pub name: String,
    pub bucket: i64,
    pub count: i64,
    /// The durations' sum, µs.
    pub total: i64,
    pub min_us: i64,
    pub max_us: i64,
}

/// Events of one type in one hour (of their notification time) of one host or tenant, and how
/// many were errors: added to the stored row of the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRollup {
    pub kind: app::model::ScopeKind,
    /// The host or tenant.
    pub scope: String,
    /// The hour's start, UTC µs.
    pub hour_us: i64,
    pub event: String,
    pub count: i64,
    pub errors: i64,
}

/// The lowest and highest id of a batch's events in one minute of notification time, and
/// their number: widens (and adds to) the stored row of the same minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteIds {
    /// The minute's start, UTC µs.
    pub minute_us: i64,
    pub min_id: i64,
    pub max_id: i64,
    pub events: i64,
}

/// One event or host name of one of v2's three raw tables (nova, glance, generic) and the
/// newest notification time a batch stored with it: upserted into `stacky_names`, keeping the
/// later time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StackyName {
    pub kind: NameKind,
    pub service: &'static str,
    pub name: String,
    pub last_when: i64,
}

/// Which column a [`StackyName`] is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameKind {
    Event,
    Host,
    /// Some event of the service named no host (v2 listed `None` among the hosts); the name
    /// is empty.
    NoHost,
}

impl NameKind {
    /// As stored (`stacky_names.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Host => "host",
            Self::NoHost => "no_host",
        }
    }
}

/// The API-entry-to-last-`.end` clock of one request (v2 `RequestTracker`; one per request id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracker {
    pub request_id: String,
    /// The lifecycle's instance.
    pub instance: String,
    /// When the API's `compute.instance.update` was seen.
    pub start: i64,
    /// The latest completed timing with this request id.
    pub last_timing: Option<RowRef>,
    /// `last_timing.end_when - start`, µs.
    pub duration: i64,
    /// The tenant and deployment of `last_timing`'s end event: what v2's KPIs read from that
    /// event (`/stacky/kpi` lists a day of trackers; reading each end event was a random read
    /// of `raw_events` per row).
    pub end_tenant: Option<String>,
    pub end_deployment_id: Option<i64>,
}

/// A stored tracker's new last timing, duration and end event's tenant and deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerUpdate {
    pub id: i64,
    pub last_timing: Option<RowRef>,
    pub duration: i64,
    pub end_tenant: Option<String>,
    pub end_deployment_id: Option<i64>,
}

/// What an instance was launched as, per request (v2 `InstanceUsage`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Usage {
    pub instance: String,
    pub request_id: String,
    pub launched_at: Option<i64>,
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    pub tenant: Option<String>,
    pub rax_options: Option<String>,
    pub os_architecture: Option<String>,
    pub os_version: Option<String>,
    pub os_distro: Option<String>,
}

/// An instance deletion (v2 `InstanceDeletes`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceDelete {
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    pub raw_id: Option<i64>,
}

/// One `compute.instance.exists` (v2 `InstanceExists`); stored with status `pending`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceExists {
    pub message_id: Option<String>,
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: i64,
    pub audit_period_ending: i64,
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    pub tenant: Option<String>,
    pub rax_options: Option<String>,
    pub os_architecture: Option<String>,
    pub os_version: Option<String>,
    pub os_distro: Option<String>,
    pub bandwidth_public_out: i64,
    pub raw_id: i64,
    pub usage: Option<RowRef>,
    pub delete: Option<RowRef>,
}

/// An `image.activate` (v2 `ImageUsage`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageUsage {
    pub uuid: Option<String>,
    pub created_at: Option<i64>,
    pub owner: Option<String>,
    pub size: Option<i64>,
    pub last_raw_id: i64,
}

/// An `image.delete` (v2 `ImageDeletes`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageDelete {
    pub uuid: Option<String>,
    pub deleted_at: Option<i64>,
    pub raw_id: i64,
}

/// One image of an `image.exists` (v2 `ImageExists`); stored with status `pending`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageExists {
    pub message_id: Option<String>,
    pub uuid: Option<String>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    /// The notification's owner (not the image's).
    pub owner: Option<String>,
    pub size: Option<i64>,
    pub raw_id: i64,
    pub usage: Option<RowRef>,
    pub delete: Option<RowRef>,
}

/// One table as a batch sees it: the stored rows it loaded, then the rows it creates, in the
/// order v2 would have found them (stored by id, then new in event order).
#[derive(Debug)]
pub(super) struct Rows<T> {
    items: Vec<(Option<i64>, T, bool)>,
}

/// A [`Rows`] at the end of a batch.
#[derive(Debug)]
pub(super) struct Finished<T> {
    /// Rows to insert, in creation order.
    pub new: Vec<T>,
    /// Stored rows the batch changed, with their ids.
    pub changed: Vec<(i64, T)>,
    /// The final reference of every row, by position in the table.
    pub refs: Vec<RowRef>,
}

impl<T> Rows<T> {
    pub fn stored(rows: impl IntoIterator<Item = (i64, T)>) -> Self {
        let items = rows.into_iter().map(|(id, t)| (Some(id), t, false));
        Self {
            items: items.collect(),
        }
    }

    /// Adds a new row; returns its position.
    pub fn push(&mut self, row: T) -> usize {
        self.items.push((None, row, true));
        self.items.len() - 1
    }

    /// Every row with its position.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items.iter().map(|(_, row, _)| row).enumerate()
    }

    pub fn get(&self, position: usize) -> &T {
        &self.items[position].1
    }

    /// The row at `position`, marked as changed.
    pub fn get_mut(&mut self, position: usize) -> &mut T {
        let item = &mut self.items[position];
        item.2 = true;
        &mut item.1
    }

    /// The position of the first row matching `wanted`.
    pub fn first(&self, wanted: impl Fn(&T) -> bool) -> Option<usize> {
        self.items.iter().position(|(_, row, _)| wanted(row))
    }

    pub fn finish(self) -> Finished<T> {
        let mut done = Finished {
            new: Vec::new(),
            changed: Vec::new(),
            refs: Vec::with_capacity(self.items.len()),
        };
        for (id, row, dirty) in self.items {
            match id {
                Some(id) => {
                    done.refs.push(RowRef::Stored(id));
                    if dirty {
                        done.changed.push((id, row));
                    }
                }
                None => {
                    done.refs.push(RowRef::New(done.new.len()));
                    done.new.push(row);
                }
            }
        }
        done
    }
}

/// Turns a position placeholder (`RowRef::New(position)`) into the final reference.
pub(super) fn resolve(placeholder: Option<RowRef>, refs: &[RowRef]) -> Option<RowRef> {
    match placeholder? {
        RowRef::New(position) => refs.get(position).copied(),
        stored => Some(stored),
    }
}
