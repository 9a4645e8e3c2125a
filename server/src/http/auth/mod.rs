//! Authentication of every HTTP surface `serve` offers (issue 14): one router-level layer,
//! so pages, server functions, static files, the live websocket's upgrade, `/stacky`,
//! `/api/v1`, `/db` and `/metrics` are all behind the same check; `/healthz` stays open.
//! The mode comes from `config::auth` (`none`, `basic`, `proxy`); bearer tokens work in every
//! mode, and the `/db` writes need one whatever the mode (`dbapi/auth.rs`).
//!
//! # Layout
//! - `middleware`: [`require`], the layer: answers 401/403/429 and logs refusals.
//! - `authenticator`: [`Authenticator`], the decision (tokens, Basic, the proxy header).
//! - `tokens`: [`BearerTokens`] and the constant-time comparison.
//! - `basic`: the Basic header decoded; `users`: the users file (argon2id hashes, the edits
//!   `stacktach user` makes); `user_db`: the file as `serve` holds it, re-read on change.
//! - `cache`: verified Basic headers (salted SHA-256 keys, never the plaintext), so a page's
//!   assets cost no argon2 each; `limiter`: failures per client → 429 with `Retry-After`.

mod authenticator;
mod basic;
mod cache;
mod limiter;
mod middleware;
mod tokens;
mod user_db;
mod users;

#[cfg(test)]
mod authenticator_tests;

pub use authenticator::{AuthSetupError, Authenticator, Decision, Identity, Refusal};
pub use middleware::require;
pub use tokens::{bearer, BearerTokens};
pub use users::{
    check_name, hash_password, user_names, with_user, without_user, Users, UsersFileError,
};
