//! [`Verifier`]: one pass of one service — the `sent_unverified` rows first (verified without
//! publishing), then the `pending` ones — batch by batch: claim (moved to the in-progress
//! status in the claiming transaction), load the evidence, decide, publish the verified
//! notifications and wait for the broker's confirms, and only then write the final statuses.
//!
//! A crash between the confirm and the write leaves the rows `verifying`; the next start puts
//! them back to `pending`, and the re-publish carries the same message ids (derived from the
//! exists row), so the billing feed sees one message per exists, maybe twice, never two.

use std::collections::HashSet;
use std::sync::Arc;

use app::model::now_micros;

use super::notifier::{Notifier, NotifyError, Publication};
use super::settings::RunSettings;
use super::verdict::{glance_verdict, nova_verdict, Notice, Verdict};
use crate::store::{Claim, Store, StoreError};
use crate::telemetry::metrics::Metrics;
use crate::telemetry::verifier as m;
use crate::verifier::model::{ExistsStatus, Service};
use crate::verifier::verified_body;

/// Why a pass stopped early.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("database error: {0}")]
    Store(#[from] StoreError),
    #[error("cannot publish verified notifications: {0}")]
    Notify(#[from] NotifyError),
}

/// What one pass of one service did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub batches: u64,
    /// Rows marked verified or reconciled.
    pub verified: u64,
    /// Of them, reconciled.
    pub reconciled: u64,
    pub failed: u64,
    /// Verified notifications the broker confirmed.
    pub published: u64,
}

impl PassReport {
    fn add(&mut self, verdict: &Verdict) {
        self.batches += 1;
        self.verified += verdict.verified();
        self.reconciled += verdict.reconciled();
        self.failed += verdict.failed();
    }
}

/// The verifier of one process: its store, settings and metrics. Cheap to clone.
#[derive(Clone)]
pub struct Verifier {
    pub(super) store: Store,
    pub(super) settings: Arc<RunSettings>,
    pub(super) metrics: Metrics,
}

impl Verifier {
    pub fn new(store: Store, settings: RunSettings, metrics: Metrics) -> Self {
        Self {
            store,
            settings: Arc::new(settings),
            metrics,
        }
    }

    /// The settings it runs with.
    pub fn settings(&self) -> &RunSettings {
        &self.settings
    }

    /// A notifier for the configured broker.
    pub fn notifier(&self) -> Notifier {
        let s = &self.settings;
        Notifier::new(s.amqp_uri.clone(), s.durable, s.backoff_limit)
    }

    /// One pass of `service` over everything past the settle time, batch by batch, until
    /// nothing is left or `stop()` says so.
    ///
    /// # Errors
    /// A database error, or notifications that could not be published (their rows are back
    /// to `pending` then).
    pub async fn pass(
        &self,
        service: Service,
        notifier: &mut Notifier,
        stop: impl Fn() -> bool,
    ) -> Result<PassReport, RunError> {
        let settle = i64::try_from(self.settings.settle.as_micros()).unwrap_or(i64::MAX);
        let ending_max = now_micros().saturating_sub(settle);
        let mut report = PassReport::default();
        let passes = [
            (
                ExistsStatus::SentUnverified,
                ExistsStatus::SentVerifying,
                false,
            ),
            (
                ExistsStatus::Pending,
                ExistsStatus::Verifying,
                self.settings.notifications,
            ),
        ];
        for (from, to, notify) in passes {
            let mut claim = Claim {
                from,
                to,
                ending_max,
                after: 0,
                limit: self.settings.batchsize,
            };
            while !stop() {
                let started = std::time::Instant::now();
                let Some(verdict) = self.decide(service, &mut claim, notify).await? else {
                    break;
                };
                let decided = started.elapsed();
                report.add(&verdict);
                report.published += self.finish(service, verdict, notifier).await?;
                tracing::debug!(
                    service = service.as_str(),
                    batch = report.batches,
                    decide_ms = decided.as_millis() as u64,
                    total_ms = started.elapsed().as_millis() as u64,
                    "Verifier batch done."
                );
            }
        }
        Ok(report)
    }

    /// Claims the next batch and decides it; `None` when there is none. Moves the claim's
    /// cursor past the batch.
    async fn decide(
        &self,
        service: Service,
        claim: &mut Claim,
        notify: bool,
    ) -> Result<Option<Verdict>, StoreError> {
        let (verdict, last) = match service {
            Service::Nova => {
                let batch = self.store.claim_nova_batch(claim).await?;
                let Some(last) = batch.last().map(|e| e.id) else {
                    return Ok(None);
                };
                let instances: HashSet<&str> = batch.iter().map(|e| e.instance.as_str()).collect();
                let instances: Vec<&str> = instances.into_iter().collect();
                let evidence = self.store.nova_evidence(&instances).await?;
                let checks = &self.settings.checks;
                (
                    nova_verdict(&batch, &evidence, checks, claim.to, notify),
                    last,
                )
            }
            Service::Glance => {
                let batch = self.store.claim_glance_batch(claim).await?;
                let Some(last) = batch.iter().map(|e| e.id).max() else {
                    return Ok(None);
                };
                let uuids: HashSet<&str> = batch.iter().filter_map(|e| e.uuid.as_deref()).collect();
                let uuids: Vec<&str> = uuids.into_iter().collect();
                let evidence = self.store.glance_evidence(&uuids).await?;
                (glance_verdict(&batch, &evidence, claim.to, notify), last)
            }
        };
        claim.after = last;
        Ok(Some(verdict))
    }

    /// Publishes the verdict's notices (waiting for the confirms), then writes its statuses;
    /// when publishing fails, the waiting rows go back to `pending` and the error is returned.
    /// Returns the notifications published.
    async fn finish(
        &self,
        service: Service,
        verdict: Verdict,
        notifier: &mut Notifier,
    ) -> Result<u64, RunError> {
        let publications = self.publications(service, &verdict.notices).await?;
        let published = match notifier.publish(&publications).await {
            Ok(n) => n,
            Err(e) => {
                self.store
                    .verifier_write(service, &verdict.unpublished().writes)
                    .await?;
                return Err(e.into());
            }
        };
        self.store.verifier_write(service, &verdict.writes).await?;
        let label = [service.as_str()];
        self.metrics
            .add_to(&m::VERIFIED, &label, verdict.verified() as f64);
        self.metrics
            .add_to(&m::FAILED, &label, verdict.failed() as f64);
        self.metrics.add_to(&m::PUBLISHED, &label, published as f64);
        Ok(published)
    }

    /// The messages of `notices`: each stored notification made verified, once per routing
    /// key. A notification that is gone or unusable is logged and skipped, as v2 did (its
    /// rows are still verified).
    async fn publications(
        &self,
        service: Service,
        notices: &[Notice],
    ) -> Result<Vec<Publication>, StoreError> {
        if notices.is_empty() {
            return Ok(Vec::new());
        }
        let raw_ids: Vec<i64> = notices.iter().map(|n| n.raw_id).collect();
        let bodies = self.store.verifier_raw_bodies(&raw_ids).await?;
        let event_type = self.settings.event_type(service);
        let mut out = Vec::with_capacity(notices.len());
        for notice in notices {
            let Some(raw) = bodies.get(&notice.raw_id) else {
                tracing::error!(
                    service = service.as_str(),
                    exists = notice.exists_id,
                    raw = notice.raw_id,
                    "The exists' stored notification is gone; no verified notification sent."
                );
                continue;
            };
            let body = match verified_body(service, notice.exists_id, &raw.json, event_type) {
                Ok(body) => body,
                Err(e) => {
                    tracing::error!(service = service.as_str(), exists = notice.exists_id, error = %e, "Cannot build the verified notification; none sent.");
                    continue;
                }
            };
            let message_id = message_id_of(&body);
            for routing_key in self.settings.publish_keys(service, &raw.routing_key) {
                out.push(Publication {
                    exchange: service.as_str(),
                    routing_key,
                    message_id: message_id.clone(),
                    body: body.clone(),
                });
            }
        }
        Ok(out)
    }
}

/// The `message_id` member [`verified_body`] wrote (for the AMQP property).
fn message_id_of(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Id {
        message_id: String,
    }
    serde_json::from_slice::<Id>(body).map_or_else(|_| String::new(), |id| id.message_id)
}
