//! The status page's verifier section: exists per status per service from the database (so a
//! web node without a verifier shows them too), and the last pass and lag from this process's
//! metrics when its verifier runs here.

use app::model::{Micros, VerifierService, VerifierStatus};

use crate::store::{Store, StoreError};
use crate::telemetry::metrics::Metrics;
use crate::telemetry::verifier as vm;
use crate::verifier::model::Service;

/// The verifier section: both services, counted now.
pub(super) async fn verifier_status(
    store: &Store,
    metrics: &Metrics,
) -> Result<VerifierStatus, StoreError> {
    let mut status = VerifierStatus::default();
    for service in [Service::Nova, Service::Glance] {
        let counts = store.verifier_counts(service).await?;
        let name = [service.as_str()];
        let mut s = VerifierService::from_counts(
            service.as_str(),
            counts.iter().map(|(k, n)| (k.as_str(), *n)),
        );
        if let Some(at) = metrics.gauge(&vm::LAST_PASS, &name) {
            status.running = true;
            s.last_pass = Some(Micros((at * 1e6) as i64));
        }
        s.last_pass_ms = metrics
            .gauge(&vm::PASS_SECONDS, &name)
            .map(|secs| (secs * 1000.0).round() as i64);
        s.lag_secs = metrics
            .gauge(&vm::LAG, &name)
            .map(|secs| secs.round() as i64);
        status.services.push(s);
    }
    Ok(status)
}
