//! The observable assertions of v2's verifier tests, ported (`test_nova_verifier.py`,
//! `test_glance_verifier.py`, `test_verification_exception.py`, the notification parts of
//! both): every check rule, every reason text, every validity level. v2's tests mocked the ORM
//! and asserted calls; these build the rows and assert the outcome and its exact text.
//!
//! - `support`: the rows and the clock the tests share.
//! - `nova`: launch, delete and reconcile rules; `validity`: both services' validity checks;
//!   `glance`: usage, delete, grouping; `reasons`: the exception texts, truncation, statuses;
//!   `notify`: the verified notification.

mod glance;
mod notify;
mod nova;
mod reasons;
mod support;
mod validity;
