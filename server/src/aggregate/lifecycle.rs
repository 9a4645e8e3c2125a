//! Lifecycles, `.start`/`.end` timings and request KPI trackers (v2 `aggregate_lifecycle`,
//! `start_kpi_tracking`, `update_kpi`).

use std::collections::{HashMap, VecDeque};

use super::batch::{Input, Writes};
use super::rollup;
use super::rows::{
    resolve, LifecycleWrite, RowRef, Rows, Timing, TimingEnd, Tracker, TrackerUpdate,
};
use crate::notification::NovaDetail;

/// The event that starts a request's KPI clock when an API node sends it.
const KPI_START_EVENT: &str = "compute.instance.update";

/// v2 `start_kpi_tracking`'s test: an update whose *service* (not host) contains `api`.
pub(super) fn starts_tracker(input: &Input<'_>) -> bool {
    input.event == KPI_START_EVENT && input.service.contains("api")
}

/// The lifecycle, timing and tracker tables as a batch sees them.
pub(super) struct Lifecycles {
    lifecycles: Vec<LifecycleWrite>,
    lifecycle_of: HashMap<String, usize>,
    timings: Rows<Timing>,
    /// Positions of timings with a start and no end, oldest first, by (instance, name).
    open: HashMap<(String, String), VecDeque<usize>>,
    trackers: Rows<Tracker>,
    tracker_of: HashMap<String, usize>,
}

impl Lifecycles {
    pub fn new(open_timings: Vec<(i64, Timing)>, trackers: Vec<(i64, String, i64)>) -> Self {
        let timings = Rows::stored(open_timings);
        let mut open: HashMap<(String, String), VecDeque<usize>> = HashMap::new();
        for (position, t) in timings.iter() {
            open.entry((t.instance.clone(), t.name.clone()))
                .or_default()
                .push_back(position);
        }
        let stored_trackers = trackers.into_iter().map(|(id, request_id, start)| {
            let tracker = Tracker {
                request_id,
                instance: String::new(),
                start,
                last_timing: None,
                duration: 0,
                end_tenant: None,
                end_deployment_id: None,
            };
            (id, tracker)
        });
        let trackers = Rows::stored(stored_trackers);
        let tracker_of = trackers
            .iter()
            .map(|(position, t)| (t.request_id.clone(), position))
            .collect();
        Self {
            lifecycles: Vec::new(),
            lifecycle_of: HashMap::new(),
            timings,
            open,
            trackers,
            tracker_of,
        }
    }

    /// v2 `aggregate_lifecycle` for a nova event with an instance.
    pub fn apply(&mut self, input: &Input<'_>, instance: &str, nova: &NovaDetail) {
        let write = LifecycleWrite {
            instance: instance.to_string(),
            last_raw_id: input.raw_id,
            last_state: nova.state.clone(),
            last_task_state: nova.old_task.clone(),
        };
        match self.lifecycle_of.get(instance) {
            Some(&i) => self.lifecycles[i] = write,
            None => {
                self.lifecycle_of
                    .insert(instance.to_string(), self.lifecycles.len());
                self.lifecycles.push(write);
            }
        }
        let (name, step) = input.event.rsplit_once('.').unwrap_or(("", input.event));
        match step {
            "start" => self.start(input, instance, name),
            "end" => self.end(input, instance, name),
            _ if starts_tracker(input) => self.start_tracker(input, instance),
            _ => {}
        }
    }

    /// `.start` always opens a new timing.
    fn start(&mut self, input: &Input<'_>, instance: &str, name: &str) {
        let position = self.timings.push(Timing {
            instance: instance.to_string(),
            name: name.to_string(),
            start_raw_id: Some(input.raw_id),
            start_when: Some(input.when),
            ..Timing::default()
        });
        self.open
            .entry((instance.to_string(), name.to_string()))
            .or_default()
            .push_back(position);
    }

    /// `.end` closes the oldest open timing of (instance, name), or records an end alone; a
    /// closed pair updates the request's tracker.
    fn end(&mut self, input: &Input<'_>, instance: &str, name: &str) {
        let key = (instance.to_string(), name.to_string());
        let Some(position) = self.open.get_mut(&key).and_then(VecDeque::pop_front) else {
            self.timings.push(Timing {
                instance: key.0,
                name: key.1,
                end_raw_id: Some(input.raw_id),
                end_when: Some(input.when),
                ..Timing::default()
            });
            return;
        };
        let timing = self.timings.get_mut(position);
        timing.end_raw_id = Some(input.raw_id);
        timing.end_when = Some(input.when);
        timing.diff = timing.start_when.map(|start| input.when - start);
        if timing.start_when.is_some() {
            self.update_tracker(input, position);
        }
    }

    /// v2 `start_kpi_tracking`, one tracker per request id: the first API update starts it.
    fn start_tracker(&mut self, input: &Input<'_>, instance: &str) {
        if input.request_id.is_empty() || self.tracker_of.contains_key(input.request_id) {
            return;
        }
        let position = self.trackers.push(Tracker {
            request_id: input.request_id.to_string(),
            instance: instance.to_string(),
            start: input.when,
            last_timing: None,
            duration: 0,
            end_tenant: None,
            end_deployment_id: None,
        });
        self.tracker_of
            .insert(input.request_id.to_string(), position);
    }

    /// v2 `update_kpi`: the request's tracker now ends at this timing.
    fn update_tracker(&mut self, input: &Input<'_>, timing: usize) {
        let Some(&position) = self.tracker_of.get(input.request_id) else {
            return;
        };
        let tracker = self.trackers.get_mut(position);
        tracker.last_timing = Some(RowRef::New(timing));
        tracker.duration = input.when - tracker.start;
        tracker.end_tenant = input.tenant.map(str::to_string);
        tracker.end_deployment_id = Some(input.deployment_id);
    }

    pub fn finish(self, writes: &mut Writes) {
        writes.lifecycles = self.lifecycles;
        let timings = self.timings.finish();
        writes.timing_rollups = rollup::rollups(
            timings
                .new
                .iter()
                .chain(timings.changed.iter().map(|(_, t)| t)),
        );
        writes.timing_day_rollups = rollup::by_day(&writes.timing_rollups);
        writes.timings = timings.new;
        writes.timing_ends = timings
            .changed
            .into_iter()
            .filter_map(|(id, t)| {
                Some(TimingEnd {
                    id,
                    end_raw_id: t.end_raw_id?,
                    end_when: t.end_when?,
                    diff: t.diff,
                })
            })
            .collect();
        let trackers = self.trackers.finish();
        writes.trackers = trackers
            .new
            .into_iter()
            .map(|t| Tracker {
                last_timing: resolve(t.last_timing, &timings.refs),
                ..t
            })
            .collect();
        writes.tracker_updates = trackers
            .changed
            .into_iter()
            .map(|(id, t)| TrackerUpdate {
                id,
                last_timing: resolve(t.last_timing, &timings.refs),
                duration: t.duration,
                end_tenant: t.end_tenant,
                end_deployment_id: t.end_deployment_id,
            })
            .collect();
    }
}
