//! `stacktach simulate`: runs the notification generator ([`notigen`]) and publishes
//! what it produces to every enabled deployment's broker with publisher confirms (the real
//! path), or writes it as JSON lines for `stacktach import`.
//!
//! With `--rate` the generator runs on the wall clock (timestamps are "now"); without it,
//! notifications come as fast as the broker confirms them, on a simulated clock that starts now.
//!
//! # Layout
//! - `args`: [`SimulateArgs`]; `run`: [`run`], the options checked and the outputs started;
//! - `source`: the generator paced or not, up to `--count`;
//! - `output`: publishing with confirms per deployment, and the JSON lines writer;
//! - [`notigen`]: the generator itself (also behind `serve --demo` and the benchmarks).

mod args;
pub mod notigen;
mod output;
mod run;
mod source;

pub use args::SimulateArgs;
pub use output::jsonl_line;
pub use run::run;
