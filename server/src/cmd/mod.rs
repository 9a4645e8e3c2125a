//! The `stacktach` subcommands, sharing one configuration (the deployments file and the
//! database URL).
//!
//! # Layout
//! - `cli`: [`Cli`], the subcommands, and [`run`], which dispatches one until Ctrl-C/SIGTERM.
//! - `args`: the options several subcommands share ([`CommonArgs`], [`DatabaseArgs`]).
//! - [`serve`]: `serve` and `worker`, the [`serve::Application`] (store, consumers, demo, web).
//! - [`import`]: `import`, JSON lines through the ingest pipeline.
//! - [`simulate`]: `simulate`, and the notification generator behind it, the demo and the bench.
//! - [`prune`]: `prune`, retention's deletes (and the schedule `serve`/`worker` run).
//! - [`verify`]: `verify`, the usage verifier on its own (or once, for cron).
//! - [`bench`]: `bench` (ingest throughput) and `bench-queries` (the read side).
//! - [`user`]: `user add|remove|list`, the users file of `serve --auth basic`.

mod args;
pub mod bench;
mod cli;
pub mod import;
pub mod prune;
pub mod report;
pub mod serve;
pub mod simulate;
pub mod user;
pub mod verify;

pub use args::{CommonArgs, DatabaseArgs, DbApiTokenArg, DeploymentsArg, VerifierConfigArg};
pub use cli::{run, Cli, Command, ServeArgs, WorkerArgs};
