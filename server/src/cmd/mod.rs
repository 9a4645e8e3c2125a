//! The `stacktach` command line: subcommands sharing one configuration.

pub mod bench;
pub mod import;
pub mod serve;
pub mod simulate;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use crate::cmd::bench::{BenchArgs, QueryBenchArgs};
use crate::cmd::import::ImportArgs;
use crate::cmd::serve::{default_site_root, redact, Application, Settings};
use crate::cmd::simulate::SimulateArgs;
use crate::config;
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
    /// Consumers only, no web server (to scale ingest apart from the web).
    Worker(CommonArgs),
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

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite://FILE or postgres://…; else v2's STACKTACH_DB_* variables; else sqlite://stacktach.db.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// The database URL: the option, else v2's variables, else the embedded default.
    ///
    /// # Errors
    /// Incomplete or unsupported v2 variables.
    pub fn url(&self) -> anyhow::Result<String> {
        database_url(self)
    }
}

/// Where the deployments file is.
#[derive(Debug, Args)]
pub struct DeploymentsArg {
    /// The v2 deployments JSON file [env: STACKTACH_DEPLOYMENTS_FILE] [default: etc/stacktach_worker_config.json]
    #[arg(long)]
    pub deployments: Option<PathBuf>,
}

impl DeploymentsArg {
    /// Loads the deployments file and logs its warnings.
    ///
    /// # Errors
    /// A missing or invalid file (one line naming file, key and reason).
    pub fn load(&self) -> anyhow::Result<config::DeploymentsFile> {
        let path = config::resolve_deployments_path(
            self.deployments.clone(),
            std::env::var("STACKTACH_DEPLOYMENTS_FILE").ok(),
        );
        let file = config::load(&path)?;
        file.log_warnings();
        Ok(file)
    }
}

/// Options every long-running subcommand reads.
#[derive(Debug, Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub deployments: DeploymentsArg,
    #[command(flatten)]
    pub database: DatabaseArgs,
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

fn database_url(args: &DatabaseArgs) -> anyhow::Result<String> {
    Ok(config::resolve_database_url(
        args.database_url.clone(),
        |k| std::env::var(k).ok(),
    )?)
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
                consumers: !args.no_consumers,
                demo: args.demo,
                site_root: default_site_root(),
            };
            serve(settings).await
        }
        Command::Worker(args) => {
            let settings = Settings {
                deployments: args.deployments.load()?,
                database_url: database_url(&args.database)?,
                listen: None,
                consumers: true,
                demo: false,
                site_root: default_site_root(),
            };
            serve(settings).await
        }
        Command::Migrate(args) => {
            let url = database_url(&args)?;
            let store = Store::connect(&url)
                .await
                .with_context(|| format!("cannot open the database {}", redact(&url)))?;
            store.migrate().await?;
            println!("Database {} is up to date.", redact(&url));
            Ok(())
        }
        Command::Simulate(args) => {
            let shutdown = CancellationToken::new();
            tokio::spawn(stop_on_signal(shutdown.clone()));
            crate::cmd::simulate::run(args, shutdown).await
        }
        Command::Import(args) => crate::cmd::import::run(args).await,
        Command::Bench(args) => crate::cmd::bench::run(args).await,
        Command::BenchQueries(args) => crate::cmd::bench::run_queries(args).await,
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    if let Some(port) = app.port() {
        println!("StackTach is running at http://127.0.0.1:{port}/ (Ctrl-C to stop)");
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
