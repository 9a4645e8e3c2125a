//! The walk over one request's nova events (in time order) that v2's `pretty.py` and
//! `error_details.py` both make: when it started and ended, which operation it was, the image
//! type bits, and whether it failed — an error queue (`http`), a transition into the `error`
//! state (`state`), cleared when the instance leaves `error` for anything but `deleted` — and
//! which event each report blames.

use crate::store::report_inputs::{ReportRaw, WalkRow, WALK_OPERATIONS};

/// How a request failed, before the duration and the exception code are considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// An event on an `error` queue.
    Http,
    /// A transition into the `error` state.
    State,
}

impl Failure {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::State => "state",
        }
    }
}

/// What the walk learnt of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestWalk {
    pub start: i64,
    pub end: i64,
    /// The last operation matched, with the deployment of the event it matched in.
    pub operation: Option<(&'static str, i64)>,
    pub image_type: i64,
    pub failure: Option<Failure>,
    /// `pretty.py`'s error event: the last one on an error queue (never cleared).
    pub error_queue_raw: Option<i64>,
    /// `error_details.py`'s error event: the last one on an error queue or into the error
    /// state, cleared with the failure.
    pub blamed_raw: Option<i64>,
    /// The last non-empty tenant.
    pub tenant: Option<String>,
}

impl RequestWalk {
    /// The duration in µs.
    pub(crate) fn diff(&self) -> i64 {
        self.end - self.start
    }

    /// A walk whose first event is `first` (then stepped over it).
    pub(crate) fn start(first: &WalkRow) -> Self {
        let mut walk = Self {
            start: first.when_us,
            end: first.when_us,
            operation: None,
            image_type: 0,
            failure: None,
            error_queue_raw: None,
            blamed_raw: None,
            tenant: None,
        };
        walk.step(first);
        walk
    }

    /// Walks `raws` (one request's events, in time order); `None` for no events.
    #[cfg(test)]
    pub(crate) fn of(raws: &[WalkRow]) -> Option<Self> {
        let (first, rest) = raws.split_first()?;
        let mut walk = Self::start(first);
        for raw in rest {
            walk.step(raw);
        }
        Some(walk)
    }

    /// The walk's step over the request's next event.
    pub(crate) fn step(&mut self, raw: &WalkRow) {
        self.end = raw.when_us;
        let state_error = raw.has(WalkRow::STATE_ERROR);
        let old_state_error = raw.has(WalkRow::OLD_STATE_ERROR);
        if raw.has(WalkRow::ERROR_QUEUE) {
            self.error_queue_raw = Some(raw.id);
            self.blamed_raw = Some(raw.id);
            self.failure = Some(Failure::Http);
        }
        if self.failure != Some(Failure::State) && !old_state_error && state_error {
            self.failure = Some(Failure::State);
            self.blamed_raw = Some(raw.id);
        }
        if old_state_error && !(state_error || raw.has(WalkRow::STATE_DELETED)) {
            self.failure = None;
            self.blamed_raw = None;
        }
        if let Some(t) = raw.tenant.as_deref().filter(|t| !t.is_empty()) {
            if self.tenant.as_deref() != Some(t) {
                self.tenant = Some(t.to_owned());
            }
        }
        if let Some(cmd) = raw.operation() {
            self.operation = Some((cmd, raw.deployment_id));
        }
        if let Some(bits) = raw.image_type.filter(|b| *b != 0) {
            self.image_type |= bits;
        }
    }
}

/// What [`crate::store::Store::walk_window_requests`] reads of `raw`, computed here from the
/// whole row: the same rules as that query's SQL, written once more for the rows the pure
/// tests build and to check the SQL against (`reports` integration tests).
pub fn walk_row(raw: &ReportRaw) -> WalkRow {
    let bit = |on: bool, bit: i64| if on { bit } else { 0 };
    let operation = WALK_OPERATIONS
        .iter()
        .position(|c| raw.event.contains(c))
        .map_or(0, |i| i as i64 + 1);
    WalkRow {
        id: raw.id,
        request_id: raw.request_id.clone(),
        when_us: raw.when_us,
        flags: bit(raw.routing_key.contains("error"), WalkRow::ERROR_QUEUE)
            + bit(raw.state.as_deref() == Some("error"), WalkRow::STATE_ERROR)
            + bit(
                raw.old_state.as_deref() == Some("error"),
                WalkRow::OLD_STATE_ERROR,
            )
            + bit(
                raw.state.as_deref() == Some("deleted"),
                WalkRow::STATE_DELETED,
            )
            + operation * WalkRow::OPERATION_UNIT,
        tenant: raw.tenant.clone(),
        image_type: raw.image_type,
        deployment_id: raw.deployment_id,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A nova event of request `req-1`.
    pub(crate) fn raw(id: i64, when_s: i64, event: &str, states: (&str, &str)) -> ReportRaw {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        ReportRaw {
            id,
            request_id: "req-1".into(),
            when_us: when_s * 1_000_000,
            routing_key: "monitor.info".into(),
            event: event.into(),
            service: "compute".into(),
            host: Some("compute-1".into()),
            tenant: Some("t1".into()),
            old_state: opt(states.0),
            state: opt(states.1),
            task: None,
            old_task: None,
            image_type: Some(0x11),
            deployment_id: 1,
        }
    }

    /// The walk over these whole rows.
    pub(crate) fn walk(raws: &[ReportRaw]) -> RequestWalk {
        let rows: Vec<WalkRow> = raws.iter().map(walk_row).collect();
        RequestWalk::of(&rows).expect("events")
    }

    #[test]
    fn flags_name_the_first_operation_and_exact_states() {
        let mut r = raw(
            1,
            1,
            "compute.instance.resize.prep.create",
            ("error", "deleted"),
        );
        r.routing_key = "monitor.error".into();
        let row = walk_row(&r);
        assert_eq!(row.operation(), Some("create"));
        assert!(row.has(WalkRow::ERROR_QUEUE | WalkRow::OLD_STATE_ERROR | WalkRow::STATE_DELETED));
        assert!(!row.has(WalkRow::STATE_ERROR));
        r.event = "compute.instance.Snapshot.start".into();
        r.state = Some("Error".into());
        r.routing_key = "monitor.info".into();
        let row = walk_row(&r);
        assert_eq!(
            (row.operation(), row.flags),
            (None, WalkRow::OLD_STATE_ERROR)
        );
        r.event = "compute.instance.snapshot.start".into();
        assert_eq!(walk_row(&r).operation(), Some("snapshot"));
    }

    #[test]
    fn state_failure_is_cleared_when_the_instance_recovers() {
        let raws = [
            raw(1, 10, "compute.instance.update", ("", "building")),
            raw(
                2,
                20,
                "compute.instance.create.start",
                ("building", "error"),
            ),
            raw(3, 30, "compute.instance.update", ("error", "error")),
        ];
        let w = walk(&raws);
        assert_eq!((w.failure, w.blamed_raw), (Some(Failure::State), Some(2)));
        assert_eq!(w.operation, Some(("create", 1)));
        assert_eq!((w.diff(), w.image_type), (20_000_000, 0x11));
        let mut recovered = raws.to_vec();
        recovered.push(raw(4, 40, "compute.instance.update", ("error", "active")));
        let w = walk(&recovered);
        assert_eq!((w.failure, w.blamed_raw), (None, None));
    }

    #[test]
    fn error_queue_is_http_then_state() {
        let mut e = raw(
            5,
            10,
            "compute.instance.resize.prep.start",
            ("active", "active"),
        );
        e.routing_key = "monitor.error".into();
        let w = walk(&[e.clone()]);
        assert_eq!(w.failure, Some(Failure::Http));
        assert_eq!(
            (w.error_queue_raw, w.operation),
            (Some(5), Some(("resize", 1)))
        );
        e.state = Some("error".into());
        let w = walk(&[e]);
        assert_eq!(w.failure, Some(Failure::State));
        assert!(RequestWalk::of(&[]).is_none());
    }
}
