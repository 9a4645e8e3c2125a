//! The walk over one request's nova events (in time order) that v2's `pretty.py` and
//! `error_details.py` both make: when it started and ended, which operation it was, the image
//! type bits, and whether it failed — an error queue (`http`), a transition into the `error`
//! state (`state`), cleared when the instance leaves `error` for anything but `deleted` — and
//! which event each report blames.

use crate::store::report_inputs::ReportRaw;

/// The operations a request is classified as, first match per event, in v2's order.
const CMDS: [&str; 5] = ["create", "rebuild", "rescue", "resize", "snapshot"];

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

    /// Walks `raws` (one request's events, in time order); `None` for no events.
    pub(crate) fn of(raws: &[ReportRaw]) -> Option<Self> {
        let first = raws.first()?;
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
        for raw in raws {
            walk.step(raw);
        }
        Some(walk)
    }

    fn step(&mut self, raw: &ReportRaw) {
        self.end = raw.when_us;
        let state = raw.state.as_deref();
        let old_state = raw.old_state.as_deref();
        if raw.routing_key.contains("error") {
            self.error_queue_raw = Some(raw.id);
            self.blamed_raw = Some(raw.id);
            self.failure = Some(Failure::Http);
        }
        if self.failure != Some(Failure::State)
            && old_state != Some("error")
            && state == Some("error")
        {
            self.failure = Some(Failure::State);
            self.blamed_raw = Some(raw.id);
        }
        if old_state == Some("error") && !matches!(state, Some("deleted" | "error")) {
            self.failure = None;
            self.blamed_raw = None;
        }
        if let Some(t) = raw.tenant.as_deref().filter(|t| !t.is_empty()) {
            self.tenant = Some(t.to_owned());
        }
        if let Some(cmd) = CMDS.into_iter().find(|c| raw.event.contains(c)) {
            self.operation = Some((cmd, raw.deployment_id));
        }
        if let Some(bits) = raw.image_type.filter(|b| *b != 0) {
            self.image_type |= bits;
        }
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
        let w = RequestWalk::of(&raws).expect("events");
        assert_eq!((w.failure, w.blamed_raw), (Some(Failure::State), Some(2)));
        assert_eq!(w.operation, Some(("create", 1)));
        assert_eq!((w.diff(), w.image_type), (20_000_000, 0x11));
        let mut recovered = raws.to_vec();
        recovered.push(raw(4, 40, "compute.instance.update", ("error", "active")));
        let w = RequestWalk::of(&recovered).expect("events");
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
        let w = RequestWalk::of(&[e.clone()]).expect("events");
        assert_eq!(w.failure, Some(Failure::Http));
        assert_eq!(
            (w.error_queue_raw, w.operation),
            (Some(5), Some(("resize", 1)))
        );
        e.state = Some("error".into());
        let w = RequestWalk::of(&[e]).expect("events");
        assert_eq!(w.failure, Some(Failure::State));
        assert!(RequestWalk::of(&[]).is_none());
    }
}
