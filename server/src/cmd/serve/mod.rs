//! `stacktach serve` and `stacktach worker`: the long-running application.
//!
//! # Layout
//! - `startup`: [`Settings`] and [`Application`] (build, then run until shutdown).
//! - `consumers`: one task per deployment, and what their end means: `serve` goes on,
//!   `worker` exits non-zero once every deployment stopped ([`WorkerStopped`]).
//! - [`site`]: where the web app's static site is, and the Leptos options that serve it.
//! - `billing`: [`BillingSettings`], the verifier, `/db` token and daily reports switches.
//! - `auth`: [`AuthArgs`], the authentication options and variables → `AuthSettings`.
//! - [`demo`]: `serve --demo`, simulated notifications so a fresh install shows a moving feed.

mod auth;
mod billing;
mod consumers;
pub mod demo;
pub mod site;
mod startup;

pub use auth::AuthArgs;
pub use billing::BillingSettings;
pub use consumers::{DeploymentStopped, WorkerStopped};
pub use site::{default_site_root, leptos_options};
pub use startup::{Application, Settings};
