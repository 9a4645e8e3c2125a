//! The verifier's loops: [`Verifier::run`] (one task per configured service, a pass every
//! `tick_time` until shutdown) and [`Verifier::once`] (one pass per service, for cron), both
//! after putting rows a crash left in progress back in line; and the state each pass leaves in
//! the metrics (counts per status from the database, last pass, lag).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use app::model::now_micros;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::pass::{PassReport, RunError, Verifier};
use crate::store::StoreError;
use crate::telemetry::verifier as m;
use crate::verifier::model::{ExistsStatus, Service};

impl Verifier {
    /// Puts every service's rows a crash left in progress back in line; returns how many.
    ///
    /// # Errors
    /// Database errors.
    pub async fn reset_stuck(&self) -> Result<u64, StoreError> {
        let mut moved = 0;
        for &service in &self.settings.services {
            let n = self.store.verifier_reset_stuck(service).await?;
            if n > 0 {
                tracing::warn!(
                    service = service.as_str(),
                    rows = n,
                    "Verifier: rows left in progress by an earlier run are pending again."
                );
            }
            moved += n;
        }
        Ok(moved)
    }

    /// The stuck-row reset, then one pass per service, in order.
    ///
    /// # Errors
    /// The first database or publishing error.
    pub async fn once(&self) -> Result<Vec<(Service, PassReport)>, RunError> {
        self.reset_stuck().await?;
        let mut reports = Vec::new();
        for &service in &self.settings.services {
            let mut notifier = self.notifier();
            let started = Instant::now();
            let result = self.pass(service, &mut notifier, || false).await;
            notifier.close().await;
            self.record_state(service, started.elapsed()).await?;
            reports.push((service, result?));
        }
        Ok(reports)
    }

    /// The stuck-row reset, then one task per service until `shutdown`.
    ///
    /// # Errors
    /// The reset's database error (the loops themselves log their errors and go on).
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), StoreError> {
        self.reset_stuck().await?;
        let mut tasks = JoinSet::new();
        for &service in &self.settings.services {
            tasks.spawn(self.clone().service_loop(service, shutdown.clone()));
        }
        while tasks.join_next().await.is_some() {}
        Ok(())
    }

    /// Passes of one service every `tick_time` until `shutdown`; a failed pass is logged, the
    /// rows it had claimed are put back, and the next tick tries again (a lost broker is
    /// reconnected then). One verifier per database is assumed, as in v2.
    async fn service_loop(self, service: Service, shutdown: CancellationToken) {
        let mut notifier = self.notifier();
        let name = service.as_str();
        while !shutdown.is_cancelled() {
            let started = Instant::now();
            match self
                .pass(service, &mut notifier, || shutdown.is_cancelled())
                .await
            {
                Ok(r) if r.batches > 0 => tracing::info!(
                    service = name,
                    verified = r.verified,
                    reconciled = r.reconciled,
                    failed = r.failed,
                    published = r.published,
                    "Verifier pass done."
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(service = name, error = %e, "Verifier pass failed; retrying next tick.");
                    // A batch claimed before the failure must not wait for the next start.
                    if let Err(e) = self.store.verifier_reset_stuck(service).await {
                        tracing::warn!(service = name, error = %e, "Verifier: cannot reset its claimed rows.");
                    }
                }
            }
            if let Err(e) = self.record_state(service, started.elapsed()).await {
                tracing::warn!(service = name, error = %e, "Verifier: cannot count the exists.");
            }
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(self.settings.tick) => {}
            }
        }
        notifier.close().await;
    }

    /// Records a finished pass: the counts per status, when it ended, how long it took, and
    /// the lag (now minus the oldest pending period end past the settle time).
    ///
    /// # Errors
    /// Database errors.
    pub async fn record_state(&self, service: Service, took: Duration) -> Result<(), StoreError> {
        // Both reads first, then every gauge: a scrape between the sets would otherwise see
        // this pass's counts beside the previous pass's lag (or none yet).
        let counts = self.store.verifier_counts(service).await?;
        let now = now_micros();
        let settle = i64::try_from(self.settings.settle.as_micros()).unwrap_or(i64::MAX);
        let oldest = self
            .store
            .verifier_oldest_pending(service, now.saturating_sub(settle))
            .await?;
        let name = service.as_str();
        let lag = oldest.map_or(0.0, |at| (now - at).max(0) as f64 / 1e6);
        self.metrics.set(&m::LAG, &[name], lag);
        for status in ExistsStatus::ALL {
            let n = counts.get(status.as_str()).copied().unwrap_or(0);
            self.metrics
                .set(&m::EXISTS, &[name, status.as_str()], n as f64);
        }
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.metrics.set(&m::LAST_PASS, &[name], unix);
        self.metrics
            .set(&m::PASS_SECONDS, &[name], took.as_secs_f64());
        Ok(())
    }
}
