//! The `stacktach` binary: parse the command line, run, and exit non-zero with one line on error.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = server::cli::Cli::parse();
    server::telemetry::init();
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stacktach: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
