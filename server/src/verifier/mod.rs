//! The usage verifier (inventory §1.g): every `.exists` row checked against the launches and
//! deletes StackTach saw, marked verified, reconciled or failed, and re-published as a
//! `*.exists.verified` notification for the billing feed.
//!
//! Everything here but `run` is **pure**: the store loads the rows a check reads
//! ([`model`]), the checks decide ([`verify_nova`], [`verify_glance_group`]), the runner writes
//! the outcome back and publishes [`verified_body`]. The `fail_reason` texts are v2's, byte for
//! byte (including the Python 2 way values were printed), so reports and dashboards built on
//! v2's reasons keep working.
//!
//! # Layout
//! - [`model`]: the typed rows a check reads and the outcome it returns (pure data).
//! - `checks`: [`Checks`], [`ValidationLevel`], [`FlavorField`]: the settings a verdict depends on.
//! - `nova`: [`verify_nova`] (launch, delete and validity rules; the reconcile fallback).
//! - `glance`: [`verify_glance_group`], [`glance_group_key`], [`glance_group_verified`].
//! - `validity`: the validity checks of both services, with v2's field order.
//! - `reasons`: v2's `VerificationException` kinds as [`Failure`] and their exact texts;
//!   [`truncate_reason`] (300 characters) and [`mark_failed_status`].
//! - `rules`: truthiness and same-second comparisons shared by the checks.
//! - `pyfmt`: how Python 2 printed values into those texts.
//! - `notify`: [`verified_body`], the verified notification with its deterministic id.
//! - [`run`]: the runner (I/O): the loop per service, publishing with confirms, metrics.
//! - `tests/`: the observable assertions of v2's verifier tests, ported.

mod checks;
mod glance;
pub mod model;
mod notify;
mod nova;
mod pyfmt;
mod reasons;
mod rules;
pub mod run;
mod validity;

#[cfg(test)]
mod tests;

pub use checks::{Checks, FlavorField, ValidationLevel};
pub use glance::{
    glance_group_key, glance_group_verified, verify_glance_group, verify_glance_group_at,
};
pub use notify::{verified_body, verified_message_id, VerifyError};
pub use nova::{verify_nova, verify_nova_at};
pub use reasons::{mark_failed_status, truncate_reason, Failure, FAIL_REASON_MAX_CHARS};
