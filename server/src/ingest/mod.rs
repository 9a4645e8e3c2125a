//! The ingest pipeline: parse → one transaction (events, their aggregates, quarantine) →
//! commit → live hub.
//!
//! Callers ack the broker only after [`Ingestor::ingest`] returns `Ok`: then every message of
//! the batch is durably stored, either as an event or in the quarantine.

use app::model::{now_micros, EventRow, Micros};
use sha2::{Digest, Sha256};

use crate::live::Hub;
use crate::notification::{self, Notification};
use crate::store::{Committed, NewEvent, NewQuarantine, Store, StoreError};

/// A message as received from the broker (or replayed from a file).
#[derive(Debug, Clone)]
pub struct Incoming {
    pub routing_key: String,
    pub body: Vec<u8>,
}

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
}

impl Ingestor {
    /// An ingestor writing to `store` and publishing to `hub`.
    pub fn new(store: Store, hub: Hub) -> Self {
        Self { store, hub }
    }

    /// The store this ingestor writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stores one batch received on `exchange` in one transaction: [`Parsed::push`] for each
    /// message, then [`Ingestor::commit`].
    ///
    /// # Errors
    /// Only transient store errors: the batch was not stored and must not be acked.
    /// Unparseable messages are not errors; they are quarantined.
    pub async fn ingest(
        &self,
        deployment: &DeploymentRef,
        exchange: &str,
        messages: &[Incoming],
    ) -> Result<Committed, StoreError> {
        let mut parsed = Parsed::default();
        for m in messages {
            parsed.push(deployment.id, exchange, m);
        }
        self.commit(deployment, &parsed).await
    }

    /// Stores a parsed batch in one transaction, then tells the live hub.
    ///
    /// # Errors
    /// Only transient store errors: the batch was not stored and must not be acked.
    pub async fn commit(
        &self,
        deployment: &DeploymentRef,
        parsed: &Parsed,
    ) -> Result<Committed, StoreError> {
        let Parsed {
            events,
            quarantined,
        } = parsed;
        let committed = self.store.store_batch(events, quarantined).await?;
        if let Some(first) = quarantined.first() {
            tracing::warn!(
                deployment = %deployment.name,
                exchange = %first.exchange,
                count = quarantined.len(),
                first_error = %first.error,
                "Quarantined unparseable notifications."
            );
        }
        let rows = committed
            .inserted
            .iter()
            .map(|&(i, id)| to_row(id, &deployment.name, &events[i]))
            .collect();
        self.hub.publish(rows);
        Ok(committed)
    }
}

/// A batch of messages parsed one by one as they arrive (so a consumer parses batch n+1 while
/// batch n is being stored), ready for [`Ingestor::commit`].
#[derive(Debug, Default)]
pub struct Parsed {
    events: Vec<NewEvent>,
    quarantined: Vec<NewQuarantine>,
}

impl Parsed {
    /// Parses `message` received on `exchange`: an event, or a quarantine row saying why not.
    pub fn push(&mut self, deployment_id: i64, exchange: &str, message: &Incoming) {
        let received_us = now_micros();
        match notification::parse(exchange, &message.body) {
            Ok(n) => self
                .events
                .push(new_event(deployment_id, exchange, message, n, received_us)),
            Err(e) => self.quarantined.push(NewQuarantine {
                deployment_id,
                exchange: exchange.to_string(),
                routing_key: message.routing_key.clone(),
                error: e.to_string(),
                body: message.body.clone(),
                received_us,
            }),
        }
    }

    /// Messages pushed so far.
    pub fn len(&self) -> usize {
        self.events.len() + self.quarantined.len()
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn new_event(
    deployment_id: i64,
    exchange: &str,
    m: &Incoming,
    n: Notification,
    received_us: i64,
) -> NewEvent {
    let dedupe_key = match &n.message_id {
        Some(id) if !id.is_empty() => id.clone(),
        _ => format!("sha256:{:x}", Sha256::digest(&m.body)),
    };
    NewEvent {
        deployment_id,
        exchange: exchange.to_string(),
        routing_key: m.routing_key.clone(),
        event: n.event,
        publisher: n.publisher,
        service: n.service,
        host: n.host,
        when_us: n.when,
        request_id: n.request_id,
        instance: n.instance,
        tenant: n.tenant,
        message_id: n.message_id,
        dedupe_key,
        received_us,
        json: n.body,
        detail: n.detail,
    }
}

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
