//! Running the verifier: the loop per service (tick, settle, the `sent_unverified` pass before
//! the `pending` one, batch by batch), publishing the verified notifications with publisher
//! confirms before recording anything as sent, and the state each pass leaves in the metrics.
//!
//! Each batch is decided and written before the next is claimed, so at most one batch per
//! service is in flight: that is v2's back-pressure (it waited while more than ¾ of a batch of
//! results was outstanding) without a pool. The checks are pure and take microseconds per
//! row, so `pool_size` has nothing to parallelise; the database and the broker set the pace.
//!
//! # Layout
//! - `settings`: [`RunSettings`], what the runner reads of the verifier config.
//! - `verdict`: a batch's outcomes → status writes and the notices they wait for (pure).
//! - `notifier`: [`Notifier`], confirm-mode publishing with capped exponential backoff.
//! - `pass`: [`Verifier`] and one pass of one service; `service`: the loops, the stuck-row
//!   reset and the metrics of a pass.

mod notifier;
mod pass;
mod service;
mod settings;
mod verdict;

pub use notifier::{Notifier, NotifyError, Publication};
pub use pass::{PassReport, RunError, Verifier};
pub use settings::RunSettings;
