//! The usage verifier's SQL (inventory §1.g): claiming a batch of `.exists` rows (moved to the
//! in-progress status in the same transaction), the evidence a batch's checks read (every
//! usage, delete and reconcile row of its instances or images, a few statements per batch),
//! writing the outcomes, resetting rows a crash left in progress, the counts per status and
//! the stored bodies the verified notifications are made from.
//!
//! # Layout
//! - `shared`: what both services use: the table of a service, integer `IN` lists, outcome
//!   writes, counts, lag, stuck-row reset, raw bodies ([`RawBody`], [`StatusWrite`]).
//! - `nova`: `instance_exists` batches and their evidence (`instance_usages`,
//!   `instance_deletes`, `instance_reconcile`).
//! - `glance`: `image_exists` batches (whole notifications) and their evidence
//!   (`image_usages`, `image_deletes`).

mod glance;
mod nova;
mod shared;

pub(crate) use shared::exists_table;
pub use shared::{Claim, ExistsState, RawBody, StatusWrite};
