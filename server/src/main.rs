//! The `stacktach` binary: parse the command line, run, and exit non-zero with one line on error.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = server::cmd::Cli::parse();
    server::telemetry::init();
    match server::cmd::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stacktach: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
