//! The ingest pipeline, top to bottom: parse ([`Parsed::push`], as messages arrive) → begin
//! the batch's transaction → insert the raw events (redeliveries skipped) → lock the aggregate
//! rows they touch → per round of at most `EVENTS_PER_ROUND` new events: aggregation keys →
//! load the stored state → aggregate (pure) → write → quarantine → commit → live hub.
//!
//! Callers ack the broker only after [`Ingestor::ingest`] (or [`Ingestor::commit`]) returns
//! `Ok`: then every message of the batch is durably stored, as an event or in the quarantine,
//! and what it aggregates into with it. The store offers the steps ([`BatchTx`]); this module
//! decides their order, and [`crate::aggregate`] decides what to write.
//!
//! A batch is one transaction, unless the database refuses it for a message's data
//! ([`StoreError::is_permanent`]: a `\u0000` in text on PostgreSQL, a value over a limit, a
//! constraint): then it is stored in halves, down to the messages refused alone, which are
//! quarantined with the database's reason (`bisect`). Only transient errors reach the caller,
//! which retries, resuming where the batch stopped ([`Progress`]).
//!
//! # Layout
//! - `parse`: [`Incoming`] and [`Parsed`]: messages → rows to insert or quarantine.
//! - `oversize`: bodies over the database's packet limit (MySQL) → quarantine.
//! - `bisect`: [`Progress`], a batch stored in parts around the messages the database refuses.
//! - here: [`Ingestor`], the pipeline after parsing.

mod bisect;
mod oversize;
mod parse;

pub use bisect::Progress;
pub use parse::{Incoming, Parsed};

use app::model::{EventRow, Micros};

use bisect::{part, reason, refused_row, Part, Refused};

use crate::aggregate::{self, Input};
use crate::live::Hub;
use crate::notification::Redaction;
use crate::store::{BatchTx, Committed, NewEvent, NewQuarantine, Store, StoreError};

/// Events aggregated per keys → load → aggregate → write round: bounds every `IN` list and
/// every round's memory. Each round sees the previous one's writes, so the result is the same
/// as one round.
const EVENTS_PER_ROUND: usize = 1_000;

/// The deployment a batch belongs to.
#[derive(Debug, Clone)]
pub struct DeploymentRef {
    pub id: i64,
    pub name: String,
}

/// Parses and stores batches, then tells the live hub. Cheap to clone.
#[derive(Clone)]
pub struct Ingestor {
    store: Store,
    hub: Hub,
    /// The credential keys blanked in every body before it is stored.
    redaction: Redaction,
}

impl Ingestor {
    /// An ingestor writing to `store` and publishing to `hub`.
    pub fn new(store: Store, hub: Hub) -> Self {
        Self {
            store,
            hub,
            redaction: Redaction::default(),
        }
    }

    /// This ingestor redacting `redaction`'s keys (the default list unless set).
    #[must_use]
    pub fn with_redaction(mut self, redaction: Redaction) -> Self {
        self.redaction = redaction;
        self
    }

    /// The keys redacted before a body is stored (for [`Parsed::push`]).
    pub fn redaction(&self) -> &Redaction {
        &self.redaction
    }

    /// The store this ingestor writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stores one batch received on `exchange` in one transaction: [`Parsed::push`] for each
    /// message, then [`Ingestor::commit`].
    ///
    /// # Errors
    /// Transient store errors, as [`Ingestor::commit`]: the batch must not be acked.
    /// Unparseable messages, and messages the database refuses, are not errors; they are
    /// quarantined.
    pub async fn ingest(
        &self,
        deployment: &DeploymentRef,
        exchange: &str,
        messages: &[Incoming],
    ) -> Result<Committed, StoreError> {
        let mut parsed = Parsed::default();
        for m in messages {
            parsed.push(deployment.id, exchange, m, &self.redaction);
        }
        self.commit(deployment, &parsed).await
    }

    /// Stores a parsed batch in one transaction (events, what they aggregate into, quarantined
    /// messages), then tells the live hub about the new events; in parts around the messages
    /// the database refuses, which are quarantined (see [`Ingestor::resume`]).
    ///
    /// # Errors
    /// Transient store errors: the batch was not stored whole and must not be acked (a retry
    /// with [`Ingestor::resume`] continues where it stopped; this call again starts over,
    /// which dedupes the events already stored but may quarantine a refused message twice).
    pub async fn commit(
        &self,
        deployment: &DeploymentRef,
        parsed: &Parsed,
    ) -> Result<Committed, StoreError> {
        self.resume(deployment, parsed, &mut Progress::new(parsed))
            .await
    }

    /// Stores what of `parsed` `progress` has not stored yet: the rest of the batch in one
    /// transaction, unless the database refuses it for a message's data
    /// ([`StoreError::is_permanent`]). Then each half is stored in its own transaction, in
    /// batch order, recursively; a single message the database still refuses is quarantined
    /// with its reason, in a transaction of its own. Parts stored stay stored.
    ///
    /// # Errors
    /// Transient store errors: call again with the same `progress` (and the same `parsed`).
    /// Also a permanent error of a refused message's quarantine row, which only an operator
    /// can resolve (logged at ERROR); retrying then loses nothing.
    pub async fn resume(
        &self,
        deployment: &DeploymentRef,
        parsed: &Parsed,
        progress: &mut Progress,
    ) -> Result<Committed, StoreError> {
        while let Some(range) = progress.next() {
            let part = part(parsed, range.clone());
            match self.commit_part(deployment, &part).await {
                Ok(c) => progress.stored(c, part.event_offset),
                Err(e) if !e.is_permanent() => return Err(e),
                Err(_) if range.len() > 1 => progress.split(),
                Err(e) => {
                    let why = reason(&e);
                    self.quarantine_refused(deployment, parsed, range.start, &why)
                        .await?;
                    progress.quarantined(why);
                }
            }
        }
        let (committed, refused) = progress.finish();
        warn_refused(deployment, &refused);
        Ok(committed)
    }

    /// Quarantines unit `unit` of `parsed`, which the database refused alone for `why`, in a
    /// transaction of its own.
    ///
    /// # Errors
    /// Store errors; a permanent one (the database refuses even the quarantine row, whose
    /// text is cleaned of what a database refuses) is logged at ERROR: an operator must act.
    async fn quarantine_refused(
        &self,
        deployment: &DeploymentRef,
        parsed: &Parsed,
        unit: usize,
        why: &str,
    ) -> Result<(), StoreError> {
        let row = refused_row(parsed, unit, why);
        let stored = self.quarantine(std::slice::from_ref(&row)).await;
        if let Err(e) = &stored {
            if e.is_permanent() {
                tracing::error!(
                    deployment = %deployment.name,
                    exchange = %row.exchange,
                    reason = %why,
                    error = %e,
                    "The database refuses a notification and its quarantine row; the batch is \
                     retried until an operator resolves it."
                );
            }
        }
        stored.map(drop)
    }

    /// Stores one part of a batch in one transaction, then tells the live hub; `inserted`
    /// indexes `part.events`.
    async fn commit_part(
        &self,
        deployment: &DeploymentRef,
        part: &Part<'_>,
    ) -> Result<Committed, StoreError> {
        let mut tx = self.store.begin_batch().await?;
        // Known only now: the database's packet limit, read as the batch began.
        let fitted = oversize::fit(part.events, part.quarantined, tx.max_packet());
        let (events, quarantined) = (&*fitted.events, &*fitted.quarantined);
        let inserted = tx.insert_events(events).await?;
        aggregate_rounds(&mut tx, events, &inserted).await?;
        tx.insert_quarantine(quarantined).await?;
        tx.commit().await?;
        warn_quarantined(deployment, quarantined, fitted.oversize);
        self.hub.committed(inserted.iter().map(|&(_, id)| id), || {
            inserted
                .iter()
                .map(|&(i, id)| to_row(id, &deployment.name, &events[i]))
                .collect()
        });
        Ok(Committed {
            duplicates: events.len() - inserted.len(),
            inserted: inserted
                .into_iter()
                .map(|(i, id)| (fitted.batch_index(i), id))
                .collect(),
            quarantined: quarantined.len(),
        })
    }

    /// Stores messages that never reached the parser (an import's unreadable lines) in the
    /// quarantine, in one transaction.
    ///
    /// # Errors
    /// Store errors: nothing was stored.
    pub async fn quarantine(&self, rows: &[NewQuarantine]) -> Result<Committed, StoreError> {
        let mut tx = self.store.begin_batch().await?;
        let fitted = oversize::fit(&[], rows, tx.max_packet());
        tx.insert_quarantine(&fitted.quarantined).await?;
        tx.commit().await?;
        Ok(Committed {
            quarantined: rows.len(),
            ..Committed::default()
        })
    }
}

/// Logs the messages of a batch the database refused, if any: once per batch, without their
/// bodies (the reason is the database's message and code).
fn warn_refused(deployment: &DeploymentRef, refused: &Refused) {
    if let Some(reason) = &refused.first_reason {
        tracing::warn!(
            deployment = %deployment.name,
            count = refused.count,
            transactions = refused.transactions,
            first_reason = %reason,
            "Quarantined notifications the database refuses; the rest of their batch is stored."
        );
    }
}

/// Logs a batch's quarantined messages, if any (`oversize` of them for their size).
fn warn_quarantined(deployment: &DeploymentRef, quarantined: &[NewQuarantine], oversize: usize) {
    if let Some(first) = quarantined.first() {
        tracing::warn!(
            deployment = %deployment.name,
            exchange = %first.exchange,
            count = quarantined.len(),
            oversize,
            first_error = %first.error,
            "Quarantined notifications that cannot be stored as events (unparseable or too large)."
        );
    }
}

/// Aggregates the newly stored `inserted` events (`(index into events, id)`, in id order), in
/// rounds of at most [`EVENTS_PER_ROUND`]: keys → load → aggregate → write; first it locks
/// every aggregate row the events touch, all at once (batches run concurrently on PostgreSQL).
async fn aggregate_rounds(
    tx: &mut BatchTx,
    events: &[NewEvent],
    inserted: &[(usize, i64)],
) -> Result<(), StoreError> {
    let all: Vec<Input<'_>> = inserted
        .iter()
        .map(|&(index, raw_id)| input(&events[index], raw_id))
        .collect();
    tx.lock_keys(&aggregate::lock_keys(&all)).await?;
    for inputs in all.chunks(EVENTS_PER_ROUND) {
        let keys = aggregate::keys(inputs);
        let stored = tx.load(&keys).await?;
        let writes = aggregate::aggregate(inputs, stored);
        if !writes.skipped.is_empty() {
            tracing::debug!(
                count = writes.skipped.len(),
                first = ?writes.skipped[0],
                "Skipped aggregation steps v2 would have abandoned."
            );
        }
        tx.write(&writes).await?;
    }
    Ok(())
}

/// What aggregation reads of a stored event.
fn input(event: &NewEvent, raw_id: i64) -> Input<'_> {
    Input {
        raw_id,
        deployment_id: event.deployment_id,
        exchange: &event.exchange,
        event: &event.event,
        service: &event.service,
        routing_key: &event.routing_key,
        when: event.when_us,
        request_id: &event.request_id,
        instance: event.instance.as_deref(),
        host: event.host.as_deref(),
        tenant: event.tenant.as_deref(),
        message_id: event.message_id.as_deref(),
        detail: &event.detail,
    }
}

/// The live hub's row of a newly stored event (the same fields the `EVENT` projection reads).
fn to_row(id: i64, deployment: &str, e: &NewEvent) -> EventRow {
    EventRow {
        id,
        deployment_id: e.deployment_id,
        deployment: deployment.to_string(),
        exchange: e.exchange.clone(),
        routing_key: e.routing_key.clone(),
        event: e.event.clone(),
        publisher: e.publisher.clone(),
        service: e.service.clone(),
        host: e.host.clone().unwrap_or_default(),
        when: Micros(e.when_us),
        request_id: e.request_id.clone(),
        instance: e.instance.clone().unwrap_or_default(),
        tenant: e.tenant.clone().unwrap_or_default(),
    }
}
