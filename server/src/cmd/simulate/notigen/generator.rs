//! The operation scheduler: starts operations at random intervals, interleaves the notifications
//! of every operation in flight in time order, and keeps the pool of live instances that
//! operations other than creates act on (so nothing is deleted before it was created).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::billing::{BillingDay, BillingOptions};
use super::extras::{Catalog, World};
use super::operation::Operation;
use super::options::GeneratorOptions;
use super::outgoing::Outgoing;
use super::pools::{Instance, Pools};
use super::queue::TimeQueue;
use super::scripted::{Running, Scripted};
use super::templates::{self, Kind, Template};

/// Above this many live instances a create is replaced by a delete, to bound memory.
const MAX_LIVE_INSTANCES: usize = 2_000;
/// A follow-up (resize confirm, unrescue) starts this many template seconds after its parent.
const FOLLOW_UP_DELAY_SECONDS: std::ops::Range<f64> = 30.0..600.0;

/// An operation that must follow another one on the same instance.
struct FollowUp {
    template: &'static Template,
    instance: Instance,
}

/// Generates interleaved Nova notifications from the embedded templates.
///
/// Deterministic: the same seed, options and calls give the same notifications. [`due`] and
/// [`take`] share one timeline: `take` jumps it forward as far as the notifications it returns.
///
/// [`due`]: Generator::due
/// [`take`]: Generator::take
pub struct Generator {
    rng: StdRng,
    options: GeneratorOptions,
    templates: &'static [Template],
    pools: Pools,
    /// Time of the last event processed; nothing is scheduled before it.
    now: i64,
    next_start: i64,
    operations: Vec<Option<Running>>,
    free_slots: Vec<usize>,
    in_flight: usize,
    /// Slots of `operations`, by the time of their next notification.
    pending: TimeQueue<usize>,
    follow_ups: TimeQueue<FollowUp>,
    live: Vec<Instance>,
    /// Glance images, for image operations.
    catalog: Catalog,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("options", &self.options)
            .field("now", &self.now)
            .field("in_flight", &self.in_flight)
            .field("live_instances", &self.live.len())
            .finish_non_exhaustive()
    }
}

impl Generator {
    /// A generator whose first operation starts at `start_micros` (UTC microseconds), after
    /// the billing day before it ([`BillingDay`], all of whose notifications are earlier).
    ///
    /// Out-of-range options are clamped: a rate that is not positive becomes one operation in
    /// 1,000 minutes, a negative or NaN time scale becomes 0 (whole operations at one instant),
    /// `max_in_flight` at least 1.
    pub fn new(seed: u64, options: GeneratorOptions, start_micros: i64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let pools = Pools::new(&mut rng);
        let rate = options.operations_per_minute;
        let options = GeneratorOptions {
            operations_per_minute: if rate > 0.0 { rate } else { 0.001 },
            time_scale: if options.time_scale >= 0.0 {
                options.time_scale
            } else {
                0.0
            },
            max_in_flight: options.max_in_flight.max(1),
        };
        let mut generator = Self {
            rng,
            options,
            templates: templates::all(),
            pools,
            now: start_micros,
            next_start: start_micros,
            operations: Vec::new(),
            free_slots: Vec::new(),
            in_flight: 0,
            pending: TimeQueue::new(),
            follow_ups: TimeQueue::new(),
            live: Vec::new(),
            catalog: Catalog::default(),
        };
        // Yesterday's billing day comes first: every notification of it is before the start.
        let day = BillingDay::generate(seed, &BillingOptions::default(), start_micros);
        generator.schedule(Running::Scripted(Box::new(day.into_scripted())));
        generator
    }

    /// Every notification whose scheduled time is <= now_micros, in time order; starts new
    /// operations as time advances.
    pub fn due(&mut self, now_micros: i64) -> Vec<Outgoing> {
        let mut out = Vec::new();
        while self.step(now_micros, &mut out) {}
        out
    }

    /// The next `n` notifications regardless of wall time (advances a simulated clock); for
    /// benchmarks and JSON-lines output.
    pub fn take(&mut self, n: usize) -> Vec<Outgoing> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n && self.step(i64::MAX, &mut out) {}
        out
    }

    /// Processes the earliest event (an operation start or a notification) if it is due by
    /// `limit`; false when nothing is.
    fn step(&mut self, limit: i64, out: &mut Vec<Outgoing>) -> bool {
        let emit_at = self.pending.next_time();
        let start_at = (self.in_flight < self.options.max_in_flight).then(|| {
            let follow_up = self.follow_ups.next_time().unwrap_or(i64::MAX);
            follow_up.min(self.next_start).max(self.now)
        });
        let start_first = match (emit_at, start_at) {
            (Some(emit), Some(start)) => start < emit,
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let Some(at) = (if start_first { start_at } else { emit_at }) else {
            return false;
        };
        if at > limit {
            return false;
        }
        self.now = at;
        if !start_first {
            self.emit(out);
        } else if self
            .follow_ups
            .next_time()
            .is_some_and(|time| time <= self.next_start)
        {
            if let Some(follow_up) = self.follow_ups.pop() {
                self.launch(follow_up.template, follow_up.instance, false);
            }
        } else {
            self.start_random();
        }
        true
    }

    fn start_random(&mut self) {
        let mean_micros = 60_000_000.0 / self.options.operations_per_minute;
        let uniform: f64 = self.rng.random();
        let interval = (-(1.0 - uniform).ln() * mean_micros).round() as i64;
        self.next_start = self.now.saturating_add(interval.max(1));
        let world = World {
            rng: &mut self.rng,
            pools: &self.pools,
            live: &mut self.live,
            timing: (self.now, self.options.time_scale),
        };
        if let Some(scripted) = self.catalog.maybe_start(world) {
            self.schedule(Running::Scripted(Box::new(scripted)));
            return;
        }
        let mut template = self.pick(|k| !k.follow_up_only());
        if template.kind == Kind::Create && self.live.len() >= MAX_LIVE_INSTANCES {
            template = self.pick(|k| k == Kind::Delete);
        }
        if template.kind != Kind::Create && self.live.is_empty() {
            template = self.pick(|k| k == Kind::Create);
        }
        if template.kind == Kind::Create {
            let instance = Instance::new(&mut self.rng, &self.pools);
            self.launch(template, instance, true);
        } else {
            let index = self.rng.random_range(0..self.live.len());
            let instance = self.live.swap_remove(index);
            self.launch(template, instance, false);
        }
    }

    /// A random template among those whose kind passes `wanted`, by weight.
    fn pick(&mut self, wanted: impl Fn(Kind) -> bool) -> &'static Template {
        let templates = self.templates;
        let total: u32 = templates
            .iter()
            .filter(|t| wanted(t.kind))
            .map(|t| t.weight)
            .sum();
        let mut ticket = self.rng.random_range(0..total.max(1));
        for template in templates.iter().filter(|t| wanted(t.kind)) {
            if ticket < template.weight {
                return template;
            }
            ticket -= template.weight;
        }
        &templates[0]
    }

    fn launch(&mut self, template: &'static Template, instance: Instance, new_instance: bool) {
        let timing = (self.now, self.options.time_scale);
        let operation = Operation::start(
            template,
            instance,
            new_instance,
            &self.pools,
            &mut self.rng,
            timing,
        );
        self.schedule(Running::Template(Box::new(operation)));
    }

    /// Puts an operation in flight, due at its first notification.
    fn schedule(&mut self, running: Running) {
        let first = running.next_time().unwrap_or(self.now).max(self.now);
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                self.operations[slot] = Some(running);
                slot
            }
            None => {
                self.operations.push(Some(running));
                self.operations.len() - 1
            }
        };
        self.in_flight += 1;
        self.pending.push(first, slot);
    }

    /// Emits the earliest pending notification and schedules its operation's next one.
    fn emit(&mut self, out: &mut Vec<Outgoing>) {
        let Some(slot) = self.pending.pop() else {
            return;
        };
        let Some(operation) = self.operations[slot].as_mut() else {
            return;
        };
        out.extend(operation.emit());
        if let Some(time) = operation.next_time() {
            self.pending.push(time.max(self.now), slot);
        } else if let Some(done) = self.operations[slot].take() {
            self.free_slots.push(slot);
            self.in_flight -= 1;
            match done {
                Running::Template(operation) => self.finish(*operation),
                Running::Scripted(scripted) => {
                    let Scripted { effect, .. } = *scripted;
                    self.catalog.finish(effect, &mut self.live);
                }
            }
        }
    }

    /// Decides what becomes of the instance once its operation has emitted everything: gone
    /// (deleted, or a failed build), back in the live pool, or on to a follow-up operation.
    fn finish(&mut self, operation: Operation) {
        let template = operation.template;
        let relaunched = operation.relaunched_at();
        let mut instance = operation.instance;
        if template.deletes_instance
            || (template.kind == Kind::Create && !template.creates_instance)
        {
            return;
        }
        if let Some(launched_at) = relaunched {
            instance.launched_at = launched_at;
        } else if template.kind == Kind::Create {
            instance.launched_at = self.now;
        }
        let Some(kind) = template.follow_up else {
            self.live.push(instance);
            return;
        };
        let template = self.pick(|k| k == kind);
        let delay = self.rng.random_range(FOLLOW_UP_DELAY_SECONDS) * 1e6 * self.options.time_scale;
        let time = self.now.saturating_add(delay.round() as i64);
        self.follow_ups.push(time, FollowUp { template, instance });
    }
}
