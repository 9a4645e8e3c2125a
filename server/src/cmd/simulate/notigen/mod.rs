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
//! Before all of that comes a billing day ([`BillingDay`]): the previous UTC day's launches,
//! resizes, deletes and uploads, then its end-of-day `compute.instance.exists` and `image.exists`,
//! which the usage verifier passes except for a few planted, declared failures.
//!
//! The generator is pure: no I/O, no clock reads (time is passed in), deterministic for a seed.
//! Publishing or writing the notifications is the caller's job.
//!
//! # Layout
//! - `generator`: [`Generator`], the scheduler of operations and the pool of live instances;
//!   `options`: [`GeneratorOptions`]; `outgoing`: [`Outgoing`], what it produces.
//! - `operation`: one template being played on one instance; `scripted`: any other operation,
//!   written out in full when it starts.
//! - `extras`: which non-template operations start, and the glance images they act on;
//!   `glance`: image notifications; `errors`: failed Nova operations.
//! - `billing`: [`BillingDay`], the day of launches, resizes, deletes and end-of-day exists the
//!   generator starts with, with its planted failures; `billing_nova`: its Nova notifications.
//! - `queue`: the time-ordered queue behind the interleaving.
//! - `templates`: the embedded templates, parsed once into literal chunks and slots.
//! - `body`: one pre-split notification of a template.
//! - `binding`: which slots of a template carry the instance's identity.
//! - `slots`: the placeholder syntax (`[[[[UUID_3]]]]`, `[[[[tenant_id]]]]`, ...).
//! - `values`: the values one operation substitutes, and rendering.
//! - `pools`: tenants, users, hosts, images and instances; fresh ids and addresses.

mod billing;
mod billing_nova;
mod binding;
mod body;
mod errors;
mod extras;
mod generator;
mod glance;
mod operation;
mod options;
mod outgoing;
mod pools;
mod queue;
mod scripted;
mod slots;
mod templates;
mod values;

#[cfg(test)]
mod billing_tests;
#[cfg(test)]
mod extras_tests;
#[cfg(test)]
mod tests;

pub use billing::{BillingDay, BillingOptions, FailureKind, PlantedFailure};
pub use generator::Generator;
pub use options::{mean_notifications_per_operation, GeneratorOptions};
pub use outgoing::Outgoing;
