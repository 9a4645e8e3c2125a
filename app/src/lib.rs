//! The StackTach web application: wire types, server functions, pages and components.
//!
//! # Layout
//! - [`model`]: wire types shared by the server and the browser (events, filters, searches,
//!   lifecycles, timings, status, live messages), typed, and the one time module: the calendar
//!   the server also uses, and the formats the components show.
//! - [`routes`]: typed URL builders; every link is made there, values percent-encoded.
//! - [`api`]: Leptos server functions, one resource per file: the page data loaders, run on
//!   the server while it renders (not the public API: that is `/stacky` and `/api/v1`).
//! - [`pages`]: one component per route; [`components`]: the pieces pages share, including
//!   the two islands (the live feed and the copy button) — the only code the browser runs.
//! - [`ssr`] (server only): the port the `server` crate implements (complete answers) and
//!   hands in through Leptos context, so this crate never depends on SQL, AMQP or the hub.
//! - `live_client` (browser only): the live feed's websocket and table.
//!
//! The `ssr` and `hydrate` features pick the side; the wasm bundle never sees server crates.

// Release builds (without `--cfg erase_components`) type every view statically; the event
// page's nested view types exceed the default query depth.
#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod components;
#[cfg(feature = "hydrate")]
mod live_client;
pub mod model;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{shell, App};
