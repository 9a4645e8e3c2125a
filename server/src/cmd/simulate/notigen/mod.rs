//! A realistic OpenStack notification generator (`stacktach simulate`, `serve --demo`,
//! `stacktach bench`).
//!
//! Nova operations (instance create, delete, resize, rebuild, rescue, snapshot, reboot, power
//! off, end-of-day `.exists`) are instances of real, scrubbed notification sequences from
//! openstack-archive/stacktach-notigen, embedded from `server/fixtures/notigen`. Many operations
//! run at once; their notifications come out interleaved in time order. Operations other than
//! creates act on instances that earlier creates made, reusing their uuid, tenant, user, host and
//! launch time, so lifecycles, request timings and usage aggregate the way they do in production.
//! Besides them run glance image uploads, deletes and end-of-day `image.exists` (exchange
//! `glance`), failed uploads, and failed Nova operations with exception payloads on
//! `monitor.error`.
//!
//! The generator is pure: no I/O, no clock reads (time is passed in), deterministic for a seed.
//! Publishing or writing the notifications is the caller's job.
//!
//! # Layout
//! - `generator`: [`Generator`], the scheduler of operations and the pool of live instances.
//! - `operation`: one template being played on one instance; `scripted`: any other operation,
//!   written out in full when it starts.
//! - `extras`: which non-template operations start, and the glance images they act on;
//!   `glance`: image notifications; `errors`: failed Nova operations.
//! - `queue`: the time-ordered queue behind the interleaving.
//! - `templates`: the embedded templates, parsed once into literal chunks and slots.
//! - `body`: one pre-split notification of a template.
//! - `binding`: which slots of a template carry the instance's identity.
//! - `slots`: the placeholder syntax (`[[[[UUID_3]]]]`, `[[[[tenant_id]]]]`, ...).
//! - `values`: the values one operation substitutes, and rendering.
//! - `pools`: tenants, users, hosts, images and instances; fresh ids and addresses.
//! - `civil`: Nova's `%Y-%m-%d %H:%M:%S.%f` timestamps from microseconds.

mod binding;
mod body;
mod civil;
mod errors;
mod extras;
mod generator;
mod glance;
mod operation;
mod pools;
mod queue;
mod scripted;
mod slots;
mod templates;
mod values;

#[cfg(test)]
mod extras_tests;
#[cfg(test)]
mod tests;

pub use generator::Generator;

/// One notification ready to publish.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The exchange the service publishes to (`nova` or `glance`).
    pub exchange: String,
    /// `monitor.error` (glance: `monitor_glance.error`) for `*.error` events and `ERROR`
    /// priority, else `monitor.info` (`monitor_glance.info`).
    pub routing_key: String,
    /// The body's `message_id` (unique per notification).
    pub message_id: String,
    /// The body's `event_type`, e.g. `compute.instance.create.end`.
    pub event_type: String,
    /// JSON text of an oslo v1 body (the plain notification object).
    pub body: String,
}

/// How fast and how densely the generator produces operations.
#[derive(Debug, Clone)]
pub struct GeneratorOptions {
    /// How often a new operation starts, on average (starts are randomly spaced).
    pub operations_per_minute: f64,
    /// Multiplies the template time offsets: 1.0 = real durations, 0.01 = 100x faster.
    pub time_scale: f64,
    /// At most this many operations in progress at once; further starts wait for one to end.
    pub max_in_flight: usize,
}

impl Default for GeneratorOptions {
    /// Demo-friendly: about two operations a second, each running 50 times faster than in a
    /// real cloud, so a fresh install shows a moving feed with complete lifecycles.
    fn default() -> Self {
        Self {
            operations_per_minute: 120.0,
            time_scale: 0.02,
            max_in_flight: 50,
        }
    }
}

impl GeneratorOptions {
    /// Options for about `per_second` notifications a second once operations are under way,
    /// each operation running `time_scale` times its real duration, with no limit on how many
    /// run at once (so the rate holds whatever the durations).
    pub fn for_rate(per_second: f64, time_scale: f64) -> Self {
        let per_operation = mean_notifications_per_operation();
        Self {
            operations_per_minute: per_second.max(0.0) * 60.0 / per_operation,
            time_scale,
            max_in_flight: 1_000_000,
        }
    }
}

/// The mean number of notifications of one operation started at random.
pub fn mean_notifications_per_operation() -> f64 {
    extras::mean_notifications(templates::mean_notifications())
}
