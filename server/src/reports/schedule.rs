//! The daily run inside `serve --daily-reports`: every report for the previous UTC day, built
//! and stored once. v2 ran its report scripts from cron; here the server runs them at start
//! (catching up a day missed while it was down) and then every day at [`DAILY_RUN_AT_US`]
//! past midnight UTC, late enough for the verifier to have settled the day's exists. A report
//! already stored for that day (same name and period start) is not built again, so restarts
//! and several servers on one database store each report once per day in the common case.

use std::time::Duration;

use app::model::now_micros;
use tokio_util::sync::CancellationToken;

use super::build::{build, store_report};
use super::error::ReportError;
use super::kind::ReportKind;
use super::options::BuildOptions;
use super::period::PeriodLength;
use crate::store::stacky::ReportFilter;
use crate::store::Store;

/// When the daily run starts, after midnight UTC (µs): 01:00.
pub const DAILY_RUN_AT_US: i64 = 3_600_000_000;
const DAY_US: i64 = 86_400_000_000;

/// Builds and stores the previous day's reports not stored yet; returns the new ids.
///
/// # Errors
/// The first database error; a report that fails to build is logged and skipped.
pub async fn run_once(store: &Store, now: i64) -> Result<Vec<i64>, ReportError> {
    let opts = BuildOptions {
        length: PeriodLength::Day,
        date: None,
        region: None,
        now,
    };
    let mut ids = Vec::new();
    for kind in ReportKind::ALL {
        let name = kind.stored_name(None);
        let start = opts.period(kind).start;
        let filters = [
            ReportFilter::Name(name.clone()),
            ReportFilter::PeriodStart(start),
        ];
        if !store.json_reports_search(&filters, 1, 0).await?.is_empty() {
            continue;
        }
        match build(store, kind, &opts).await {
            Ok(report) => {
                let id = store_report(store, &report, now_micros()).await?;
                tracing::info!(report = %name, id, "Stored the daily report.");
                ids.push(id);
            }
            Err(ReportError::Store(e)) => return Err(ReportError::Store(e)),
            Err(e) => tracing::warn!(report = %name, error = %e, "Cannot build the daily report."),
        }
    }
    Ok(ids)
}

/// How long from `now` until the next daily run.
fn until_next_run(now: i64) -> Duration {
    let today = now.div_euclid(DAY_US) * DAY_US + DAILY_RUN_AT_US;
    let next = if today > now { today } else { today + DAY_US };
    Duration::from_micros(u64::try_from(next - now).unwrap_or(0))
}

/// Runs the daily reports until `shutdown`: once now, then every day at 01:00 UTC.
pub async fn run_daily(store: Store, shutdown: CancellationToken) {
    loop {
        if let Err(e) = run_once(&store, now_micros()).await {
            tracing::warn!(error = %e, "The daily reports failed; retrying at the next run.");
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(until_next_run(now_micros())) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_run_is_one_oclock_utc() {
        let midnight = 1_388_534_400_000_000;
        assert_eq!(until_next_run(midnight), Duration::from_secs(3600));
        assert_eq!(
            until_next_run(midnight + DAILY_RUN_AT_US),
            Duration::from_secs(86_400)
        );
        assert_eq!(
            until_next_run(midnight + 2 * DAILY_RUN_AT_US),
            Duration::from_secs(23 * 3600)
        );
    }
}
