//! Pure parsing: raw message bytes → a typed [`Notification`] or a typed [`ParseError`].
//!
//! Total by construction: every input gives one or the other, never a panic, so a poison
//! message can always be quarantined and acked. The rules are StackTach v2's
//! (`stacktach/notification.py`): the exchange picks the flavour (`nova`, `glance`, anything
//! else generic), oslo.messaging v2 envelopes are unwrapped first.
//!
//! Payload times follow one rule: a time v2 parsed *before* storing the row (the envelope's
//! `timestamp`, glance `payload.created_at`) makes the message fail, so it is quarantined; a
//! time v2 parsed only while aggregating (`launched_at`, `deleted_at`, audit periods, ...) is
//! kept as a [`time::PayloadTime`], the row is stored, and only the aggregation step that needed
//! it is skipped (see [`crate::aggregate`]). Likewise a nova payload that is present but not
//! an object is quarantined (v2 raised on it); glance keeps its string error payloads (v2 rule)
//! and generic tolerates any payload (nothing of it is aggregated).
//!
//! # Layout
//! - `parse`: [`parse`], the entry point, and the [`Notification`] it builds; `error`:
//!   [`ParseError`].
//! - `json`: the borrowed JSON tree bodies are parsed into (3× faster than `serde_json::Value`).
//! - `envelope`: oslo.messaging v2 unwrapping; `fields`: the column rules all flavours share.
//! - `nova`, `glance`: the per-exchange columns ([`Detail`]).
//! - `timestamp`: v2's six timestamp formats ([`parse_timestamp`]); [`time`]: payload times and
//!   decimal seconds.
//! - [`image_type`]: image bit codes; [`ids`]: uuid and request-id shapes.
//! - `redact`: [`Redaction`], credentials replaced by `"***"` before a body is stored.

mod envelope;
mod error;
mod fields;
mod glance;
pub mod ids;
pub mod image_type;
pub(crate) mod json;
mod nova;
mod parse;
mod redact;
pub mod time;
mod timestamp;

pub use error::ParseError;
pub use glance::{GlanceDetail, ImageEntry, Images};
pub use nova::{ImageMeta, NovaDetail};
pub use parse::{parse, Detail, Flavour, Notification};
pub use redact::{Redaction, DEFAULT_KEYS};
pub use timestamp::parse_timestamp;

#[cfg(test)]
mod flavour_tests;
#[cfg(test)]
mod tests;
