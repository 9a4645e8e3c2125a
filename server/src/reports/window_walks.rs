//! The request walks of a report window, assembled from one read of the window in time order
//! and lookups of its requests' other events. A request's events must be walked in its own
//! time order; the window — nearly all the rows — is read once, in the order its index keeps,
//! with no sort by request, and walked as it comes. Then the pairs' requests' events outside
//! the window are looked up by request: events after it step on; a request with events
//! before it (one that began earlier: few) is walked again from all its events.
//! The same read yields the window's (instance, request) pairs and updated instances.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::requests::RequestWalk;
use crate::store::report_inputs::{WalkRow, WindowRow};

/// What the reads of a window add up to.
pub(crate) struct Walked {
    /// The window's (instance, request) pairs whose instance had a `compute.instance.update`
    /// in it, ordered by instance then request.
    pub pairs: Vec<(String, String)>,
    /// The walk over all the events but the `.exists` of every request with a nova event in
    /// the window (those of `pairs` over their events outside it too).
    pub walks: HashMap<String, RequestWalk>,
}

/// Fed in order: [`Self::window`] rows; [`Self::pairs`]; for their requests,
/// [`Self::outside`] rows; for [`Self::restarts`], [`Self::again`] rows; [`Self::finish`].
pub(crate) struct WindowWalks {
    /// The window's start: events at or before it began their request earlier.
    from: i64,
    /// The deployments whose updates count (all when `None`).
    deployments: Option<HashSet<i64>>,
    walks: HashMap<String, RequestWalk>,
    pairs: HashSet<(String, String)>,
    updated: HashSet<String>,
    /// Requests with events before the window, to walk again from all their events.
    restarts: BTreeSet<String>,
}

impl WindowWalks {
    /// For the window `(from, …]`, counting updates from `deployments` only, when given.
    pub(crate) fn new(from: i64, deployments: Option<&[i64]>) -> Self {
        Self {
            from,
            deployments: deployments.map(|ids| ids.iter().copied().collect()),
            walks: HashMap::new(),
            pairs: HashSet::new(),
            updated: HashSet::new(),
            restarts: BTreeSet::new(),
        }
    }

    /// An event of the window (in time order).
    pub(crate) fn window(&mut self, row: WindowRow) {
        let WindowRow {
            walk,
            instance,
            kind,
        } = row;
        let counted = self
            .deployments
            .as_ref()
            .is_none_or(|ids| ids.contains(&walk.deployment_id));
        if let (WindowRow::UPDATE, Some(instance), true) = (kind, &instance, counted) {
            if !self.updated.contains(instance) {
                self.updated.insert(instance.clone());
            }
        }
        // An empty request id names no request (v2 would have read every event without one
        // as one request).
        if walk.request_id.is_empty() {
            return;
        }
        if let Some(instance) = instance {
            self.pairs.insert((instance, walk.request_id.clone()));
        }
        if kind != WindowRow::EXISTS {
            self.step(walk);
        }
    }

    /// The window is read: its (instance, request) pairs whose instance was updated in it,
    /// ordered by instance then request. Only their requests' walks matter from here on.
    pub(crate) fn pairs(&mut self) -> Vec<(String, String)> {
        let pairs: BTreeSet<(String, String)> = std::mem::take(&mut self.pairs)
            .into_iter()
            .filter(|(instance, _)| self.updated.contains(instance))
            .collect();
        pairs.into_iter().collect()
    }

    /// An event outside the window of one of the pairs' requests (in request and time order).
    pub(crate) fn outside(&mut self, row: WalkRow) {
        if row.when_us <= self.from {
            self.walks.remove(&row.request_id);
            self.restarts.insert(row.request_id);
        } else if !self.restarts.contains(&row.request_id) {
            self.step(row);
        }
    }

    /// The requests that began before the window, in order: each is walked again with
    /// [`Self::again`] from all its events.
    pub(crate) fn restarts(&self) -> Vec<String> {
        self.restarts.iter().cloned().collect()
    }

    /// An event of one of [`Self::restarts`] (all of them, in request and time order).
    pub(crate) fn again(&mut self, row: WalkRow) {
        self.step(row);
    }

    /// Every walk.
    pub(crate) fn finish(self) -> HashMap<String, RequestWalk> {
        self.walks
    }

    /// Steps `row`'s request, starting its walk when this is its first event here.
    fn step(&mut self, row: WalkRow) {
        match self.walks.get_mut(&row.request_id) {
            Some(walk) => walk.step(&row),
            None => {
                let walk = RequestWalk::start(&row);
                self.walks.insert(row.request_id, walk);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000_000;

    /// A nova event: request `r`, instance `i`, at hour `h`, with `flags`.
    fn row(id: i64, r: &str, h: i64, flags: i64) -> WalkRow {
        WalkRow {
            id,
            request_id: r.into(),
            when_us: h * HOUR,
            flags,
            tenant: Some(format!("t{id}")),
            image_type: Some(1 << (id % 5)),
            deployment_id: 1 + id % 2,
        }
    }

    fn window(walk: WalkRow, instance: Option<&str>, kind: i64) -> WindowRow {
        WindowRow {
            walk,
            instance: instance.map(str::to_owned),
            kind,
        }
    }

    /// The walk of `rows` sorted by time then id, as one request's events.
    fn reference(rows: &[WalkRow]) -> RequestWalk {
        let mut sorted = rows.to_vec();
        sorted.sort_by_key(|r| (r.when_us, r.id));
        RequestWalk::of(&sorted).expect("events")
    }

    /// The walks and pairs of `events` (every nova event, exists or not) in the window
    /// `(from, to]`, fed as the reads feed them.
    fn assemble(events: &[WindowRow], (from, to): (i64, i64)) -> Walked {
        let mut sorted = events.to_vec();
        sorted.sort_by_key(|r| (r.walk.when_us, r.walk.id));
        let inside = |r: &&WindowRow| r.walk.when_us > from && r.walk.when_us <= to;
        let of_requests = |requests: &[String], outside: bool| -> Vec<WalkRow> {
            let mut rows: Vec<WalkRow> = sorted
                .iter()
                .filter(|r| r.kind != WindowRow::EXISTS && requests.contains(&r.walk.request_id))
                .filter(|r| !outside || !inside(r))
                .map(|r| r.walk.clone())
                .collect();
            rows.sort_by(|a, b| {
                (&a.request_id, a.when_us, a.id).cmp(&(&b.request_id, b.when_us, b.id))
            });
            rows
        };
        let mut walks = WindowWalks::new(from, None);
        sorted
            .iter()
            .filter(inside)
            .for_each(|r| walks.window(r.clone()));
        let pairs = walks.pairs();
        let requests: Vec<String> = pairs.iter().map(|(_, r)| r.clone()).collect();
        of_requests(&requests, true)
            .into_iter()
            .for_each(|r| walks.outside(r));
        of_requests(&walks.restarts(), false)
            .into_iter()
            .for_each(|r| walks.again(r));
        Walked {
            pairs,
            walks: walks.finish(),
        }
    }

    #[test]
    fn walks_match_each_requests_events_in_time_order() {
        let error = WalkRow::STATE_ERROR;
        let recover = WalkRow::OLD_STATE_ERROR;
        let queue = WalkRow::ERROR_QUEUE;
        let create = WalkRow::OPERATION_UNIT;
        // Window (10, 20]: "a" began before it and ends after it; "b" is inside; "c" has only
        // an `.exists` inside and events on both sides; "d" is inside, on an error queue and
        // goes on after it; "e" began before it on an instance never updated.
        let events = [
            window(row(1, "a", 5, create), Some("ia"), 0),
            window(row(2, "a", 9, error), Some("ia"), 0),
            window(row(3, "c", 8, 0), Some("ic"), 0),
            window(row(4, "b", 11, create), Some("ib"), WindowRow::UPDATE),
            window(row(5, "a", 12, recover), Some("ia"), 0),
            window(row(6, "c", 13, 0), Some("ic"), WindowRow::EXISTS),
            window(row(7, "b", 14, error), Some("ib"), 0),
            window(row(8, "d", 15, queue), Some("id"), WindowRow::UPDATE),
            window(row(9, "a", 16, 0), Some("ia"), WindowRow::UPDATE),
            window(row(10, "", 17, 0), Some("ic"), WindowRow::UPDATE),
            window(row(11, "a", 25, error), Some("ia"), 0),
            window(row(12, "c", 30, recover), Some("ic"), 0),
            window(row(13, "d", 21, recover), Some("id"), 0),
            window(row(14, "e", 2, create), Some("ie"), 0),
            window(row(15, "e", 18, 0), Some("ie"), 0),
        ];
        let walked = assemble(&events, (10 * HOUR, 20 * HOUR));
        let of = |request: &str| -> Vec<WalkRow> {
            events
                .iter()
                .filter(|r| r.kind != WindowRow::EXISTS && r.walk.request_id == request)
                .map(|r| r.walk.clone())
                .collect()
        };
        for request in ["a", "b", "c", "d"] {
            assert_eq!(walked.walks[request], reference(&of(request)), "{request}");
        }
        assert_eq!(walked.walks["a"].start, 5 * HOUR);
        assert_eq!(walked.walks["c"].end, 30 * HOUR);
        assert_eq!(
            walked.walks["d"].failure, None,
            "recovered after the window"
        );
        // "e" is walked over its window events only: no pair needs its earlier ones.
        assert_eq!(walked.walks["e"].start, 18 * HOUR);
        assert!(!walked.walks.contains_key(""));
        // Instance "ic" was updated only by the event without a request: it still counts.
        let pairs: Vec<(&str, &str)> = walked
            .pairs
            .iter()
            .map(|(i, r)| (i.as_str(), r.as_str()))
            .collect();
        assert_eq!(pairs, [("ia", "a"), ("ib", "b"), ("ic", "c"), ("id", "d")]);
    }

    #[test]
    fn only_the_given_deployments_updates_count() {
        let mut walks = WindowWalks::new(10 * HOUR, Some(&[2]));
        // Id 1 is deployment 2, ids 2 and 4 deployment 1 (see `row`).
        walks.window(window(row(1, "a", 11, 0), Some("ia"), WindowRow::UPDATE));
        walks.window(window(row(2, "b", 12, 0), Some("ib"), WindowRow::UPDATE));
        walks.window(window(row(4, "b", 13, 0), Some("ib"), 0));
        assert_eq!(walks.pairs(), [("ia".to_owned(), "a".to_owned())]);
        assert_eq!(walks.finish().len(), 2);
    }
}
