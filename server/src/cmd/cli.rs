//! The `stacktach` command line: the subcommands, and [`run`], which dispatches a parsed one
//! and stops it on Ctrl-C or SIGTERM.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use super::args::{
    database_url, CommonArgs, DatabaseArgs, DbApiTokenArg, DeploymentSelection, RedactionArgs,
    VerifierConfigArg,
};
use super::bench::{BenchArgs, LatencyBenchArgs, QueryBenchArgs, VerifyBenchArgs};
use super::bench::{PruneBenchArgs, ReportBenchArgs, TailBenchArgs, WorkersBenchArgs};
use super::import::ImportArgs;
use super::prune::{PruneArgs, RetentionArg};
use super::report::ReportArgs;
use super::serve::{default_site_root, Application, AuthArgs, BillingSettings, Settings};
use super::simulate::SimulateArgs;
use super::user::UserArgs;
use super::verify::VerifyArgs;
use crate::config::auth::AuthSettings;
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
    /// readiness `/healthz` and `/metrics` for the orchestrator and Prometheus. Exits non-zero
    /// once every deployment it runs has stopped (`exit_on_exception`), for its supervisor to
    /// restart it; `--deployment NAME` runs one deployment per process, as v2 did.
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
    /// Verify usage: check the `.exists` rows against the launches and deletes, mark them
    /// verified or failed, publish the verified notifications (v2's verifier).
    Verify(VerifyArgs),
    /// Measure the usage verifier: fill a database with N exists and their launches and
    /// deletes, time the verifier's passes.
    BenchVerify(VerifyBenchArgs),
    /// Build one of v2's reports (usage audits, KPI summary, error details, instance hours,
    /// bandwidth) for a period; print its JSON or store it (`--store`); `--list` names them.
    Report(ReportArgs),
    /// Measure the reports: fill a database with a day of N notifications, time each report.
    BenchReports(ReportBenchArgs),
    /// Measure ingest while retention prunes: fill N events (M of them expired), compare the
    /// ingest rate alone and during the prune.
    BenchPrune(PruneBenchArgs),
    /// Measure the live feed across processes: commit at a steady rate through one pool, time
    /// each row's arrival at a web node's feed fed by the database tail.
    BenchTail(TailBenchArgs),
    /// Measure whether ingest scales with consumers: one consumer draining a queue alone, then
    /// two draining two queues into one database at once.
    BenchWorkers(WorkersBenchArgs),
    /// Measure publish → committed at a trickle (10 notifications/s): what a quiet region's
    /// notifications wait.
    BenchLatency(LatencyBenchArgs),
    /// Delete what the retention policy no longer keeps (`--dry-run`: count it), in small
    /// chunks, printing per table the rows and the time.
    Prune(PruneArgs),
    /// Manage the users file of `serve --auth basic` (add a user or set a password, remove,
    /// list).
    User(UserArgs),
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
    #[command(flatten)]
    pub verifier: VerifierConfigArg,
    #[command(flatten)]
    pub db_api_token: DbApiTokenArg,
    /// Build and store every report for the previous UTC day, at start and daily at 01:00 UTC.
    #[arg(long)]
    pub daily_reports: bool,
    #[command(flatten)]
    pub redaction: RedactionArgs,
    #[command(flatten)]
    pub retention: RetentionArg,
    #[command(flatten)]
    pub auth: AuthArgs,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub only: DeploymentSelection,
    /// Serve `/healthz` (200 once the database answers and every enabled consumer is
    /// connected, else 503 saying what is not) and `/metrics` on this address.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    #[command(flatten)]
    pub verifier: VerifierConfigArg,
    #[command(flatten)]
    pub redaction: RedactionArgs,
    #[command(flatten)]
    pub retention: RetentionArg,
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
                billing: BillingSettings {
                    verifier_config: args.verifier.path_or_demo(args.demo),
                    db_api_token: args.db_api_token.token()?,
                    daily_reports: args.daily_reports,
                },
                redaction: args.redaction.redaction()?,
                retention: args.retention.policy()?,
            };
            serve(settings, args.auth.settings()?).await
        }
        Command::Worker(args) => {
            let settings = Settings {
                deployments: args.only.select(args.common.deployments.load()?)?,
                database_url: database_url(&args.common.database)?,
                listen: args.listen,
                web: false,
                consumers: true,
                demo: false,
                site_root: default_site_root(),
                billing: BillingSettings {
                    verifier_config: args.verifier.path(),
                    ..BillingSettings::default()
                },
                redaction: args.redaction.redaction()?,
                retention: args.retention.policy()?,
            };
            serve(settings, AuthSettings::default()).await
        }
        Command::Migrate(args) => migrate(&args).await,
        Command::Simulate(args) => {
            let shutdown = CancellationToken::new();
            tokio::spawn(stop_on_signal(shutdown.clone()));
            super::simulate::run(args, shutdown).await
        }
        Command::Import(args) => super::import::run(args).await,
        Command::Bench(args) => super::bench::run(args).await,
        Command::BenchQueries(args) => super::bench::run_queries(args).await,
        Command::BenchVerify(args) => super::bench::run_verify(args).await,
        Command::Report(args) => super::report::run(args).await,
        Command::BenchReports(args) => super::bench::run_reports(args).await,
        Command::BenchPrune(args) => super::bench::run_prune(args).await,
        Command::BenchTail(args) => super::bench::run_tail_bench(args).await,
        Command::BenchWorkers(args) => super::bench::run_workers(args).await,
        Command::BenchLatency(args) => super::bench::run_latency(args).await,
        Command::Verify(args) => super::verify::run(args).await,
        Command::Prune(args) => super::prune::run(args).await,
        Command::User(args) => super::user::run(args).await,
    }
}

/// `stacktach migrate`.
async fn migrate(args: &DatabaseArgs) -> anyhow::Result<()> {
    let url = database_url(args)?;
    let store = Store::connect(url.expose())
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    store.migrate().await?;
    // PostgreSQL: the coming week's raw_events partitions, so events stored before a server
    // starts do not land in the default partition.
    store
        .ensure_partitions(app::model::now_micros())
        .await
        .context("cannot create the raw_events partitions")?;
    println!("Database {url} is up to date.");
    Ok(())
}

async fn serve(settings: Settings, auth: AuthSettings) -> anyhow::Result<()> {
    let web = settings.web;
    let retention = settings.retention.clone();
    let app = Application::build_with_auth(settings, auth).await?;
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
    // `run` cancels `shutdown` when it ends, which stops the schedule.
    let schedule = super::prune::run_schedule(app.store().clone(), retention, shutdown.clone());
    let prune = tokio::spawn(schedule);
    let outcome = app.run(shutdown).await;
    let _ = prune.await;
    outcome
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
