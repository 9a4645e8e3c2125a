//! `stacktach report NAME`: builds one of v2's reports for a period and prints its JSON, or
//! with `--store` stores it in `json_reports` (where `/stacky/reports/` and
//! `/stacky/report/<id>/` serve it) and prints the new id. `--list` names the reports.

use clap::Args;

use super::args::{open_migrated, DatabaseArgs};
use crate::reports::{
    build, parse_date, store_report, BuildOptions, PeriodLength, ReportError, ReportKind,
};
use app::model::now_micros;

/// `stacktach report` options.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report: nova_usage_audit, glance_usage_audit, image_events_audit, summary,
    /// error_details, instance_hours, public_outbound_bandwidth.
    #[arg(required_unless_present = "list")]
    pub name: Option<String>,
    /// List the reports and exit.
    #[arg(long)]
    pub list: bool,
    /// The period length (v2's --period_length).
    #[arg(long, value_enum, default_value_t = PeriodLength::Day)]
    pub period: PeriodLength,
    /// UTC `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`. The usage audits, instance hours and
    /// bandwidth report the period before it (v2's --utcdatetime); summary and error_details
    /// report the period starting at it (v2's --utcdate). Default: the previous day (hour).
    #[arg(long)]
    pub date: Option<String>,
    /// summary only: the deployments whose name contains this (any case); default all.
    #[arg(long)]
    pub region: Option<String>,
    /// Store the report and print its id instead of printing it.
    #[arg(long)]
    pub store: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Runs `stacktach report`.
///
/// # Errors
/// An unknown report, a bad date, an unreachable database or a failing query.
pub async fn run(args: ReportArgs) -> anyhow::Result<()> {
    if args.list {
        for kind in ReportKind::ALL {
            print(&format!("{:<26} {}", kind.cli_name(), kind.describe()))?;
        }
        return Ok(());
    }
    let name = args.name.as_deref().unwrap_or_default();
    let kind =
        ReportKind::from_cli(name).ok_or_else(|| ReportError::UnknownReport(name.to_owned()))?;
    let date = args.date.as_deref().map(parse_date).transpose()?;
    let url = args.database.url()?;
    let store = open_migrated(&url).await?;
    let opts = BuildOptions {
        length: args.period,
        date,
        region: if kind == ReportKind::Summary {
            args.region
        } else {
            None
        },
        now: now_micros(),
    };
    let result = async {
        let report = build(&store, kind, &opts).await?;
        if args.store {
            let id = store_report(&store, &report, now_micros()).await?;
            print(&id.to_string())?;
        } else {
            print(&serde_json::to_string_pretty(&report.json)?)?;
        }
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    result
}

/// Prints a line to stdout; a closed pipe (`stacktach report … | head`) is no error.
fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
