//! The StackTach web application: wire types, server functions, pages and components.
//!
//! # Layout
//! - [`model`]: wire types shared by the server and the browser (events, deployments, live
//!   messages) and the one place timestamps are formatted.
//! - [`api`]: Leptos server functions, one resource per file. They are the page data loaders,
//!   not the public API (that is `/stacky` and `/api/v1`, served by the `server` crate).
//! - [`pages`]: one component per route; [`components`]: the pieces pages share.
//! - [`ssr`] (server only): the port trait the `server` crate implements and hands in through
//!   Leptos context, so this crate never depends on SQL or AMQP.
//! - `live_client` (browser only): the websocket client behind the live feed.
//!
//! The `ssr` and `hydrate` features pick the side; the wasm bundle never sees server crates.

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
