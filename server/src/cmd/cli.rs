//! The `stacktach` command line: the subcommands, and [`run`], which dispatches a parsed one
//! and stops it on Ctrl-C or SIGTERM.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use super::args::{database_url, CommonArgs, DatabaseArgs};
use super::bench::{BenchArgs, QueryBenchArgs};
use super::import::ImportArgs;
use super::serve::{default_site_root, Application, Settings};
use super::simulate::SimulateArgs;
use crate::store::Store;

/// StackTach: OpenStack notification monitor.
#[derive(Debug, Parser)]
#[command(name = "stacktach", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Web app, HTTP APIs, live feed and the consumers of every enabled deployment.
    Serve(ServeArgs),
    /// Consumers only, no web app (to scale ingest apart from the web); with `--listen`,
    /// readiness `/healthz` and `/metrics` for the orchestrator and Prometheus.
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Publish realistic simulated OpenStack notifications to the deployments' brokers (or
    /// write them as JSON lines).
    Simulate(SimulateArgs),
    /// Replay JSON lines of notifications through the ingest pipeline.
    Import(ImportArgs),
    /// Measure ingest throughput: broker → committed rows → acked, against a no-op consumer.
    Bench(BenchArgs),
    /// Measure the read side: fill a database with N notifications, print query plans and
    /// each /api/v1 endpoint's latency.
    BenchQueries(QueryBenchArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Address of the web server.
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Publish simulated Nova notifications so the feed moves at once.
    #[arg(long)]
    pub demo: bool,
    /// Web only: start no consumers.
    #[arg(long)]
    pub no_consumers: bool,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Serve `/healthz` (200 once the database answers and every enabled consumer is
    /// connected, else 503 saying what is not) and `/metrics` on this address.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
}

/// Runs the parsed command until it finishes or Ctrl-C / SIGTERM.
///
/// # Errors
/// Bad configuration (one line naming file, key and reason) or a fatal runtime failure.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let settings = Settings {
                deployments: args.common.deployments.load()?,
                database_url: database_url(&args.common.database)?,
                listen: Some(args.listen),
                web: true,
                consumers: !args.no_consumers,
                demo: args.demo,
                site_root: default_site_root(),
            };
            serve(settings).await
        }
        Command::Worker(args) => {
            let settings = Settings {
                deployments: args.common.deployments.load()?,
                database_url: database_url(&args.common.database)?,
                listen: args.listen,
                web: false,
                consumers: true,
                demo: false,
                site_root: default_site_root(),
            };
            serve(settings).await
        }
        Command::Migrate(args) => {
            let url = database_url(&args)?;
            let store = Store::connect(url.expose())
                .await
                .with_context(|| format!("cannot open the database {url}"))?;
            store.migrate().await?;
            println!("Database {url} is up to date.");
            Ok(())
        }
        Command::Simulate(args) => {
            let shutdown = CancellationToken::new();
            tokio::spawn(stop_on_signal(shutdown.clone()));
            super::simulate::run(args, shutdown).await
        }
        Command::Import(args) => super::import::run(args).await,
        Command::Bench(args) => super::bench::run(args).await,
        Command::BenchQueries(args) => super::bench::run_queries(args).await,
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let web = settings.web;
    let app = Application::build(settings).await?;
    match app.port() {
        Some(port) if web => {
            println!("StackTach is running at http://127.0.0.1:{port}/ (Ctrl-C to stop)");
        }
        Some(port) => println!(
            "StackTach worker: readiness at http://127.0.0.1:{port}/healthz, metrics at \
             /metrics (Ctrl-C to stop)"
        ),
        None => {}
    }
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    app.run(shutdown).await
}

async fn stop_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(term) => term,
            Err(e) => {
                tracing::warn!(error = %e, "Cannot watch SIGTERM; only Ctrl-C stops the server.");
                let _ = ctrl_c.await;
                shutdown.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("Shutting down: finishing the current batches.");
    shutdown.cancel();
}
