//! The parse step of ingest: each message received, as it arrives, becomes a row to insert
//! ([`NewEvent`], with its dedupe key) or a quarantine row saying why it could not be parsed.
//! Pure apart from the receive time; [`crate::notification`] does the parsing itself.

use app::model::now_micros;
use sha2::{Digest, Sha256};

use crate::notification::{self, Notification, Redaction};
use crate::store::{NewEvent, NewQuarantine};

/// A message as received from the broker (or replayed from a file).
#[derive(Debug, Clone)]
pub struct Incoming {
    pub routing_key: String,
    pub body: Vec<u8>,
}

/// A batch of messages parsed one by one as they arrive (so a consumer parses batch n+1 while
/// batch n is being stored), ready for [`crate::ingest::Ingestor::commit`].
#[derive(Debug, Default)]
pub struct Parsed {
    pub(super) events: Vec<NewEvent>,
    pub(super) quarantined: Vec<NewQuarantine>,
}

impl Parsed {
    /// The events parsed so far, in arrival order (what a batch inserts).
    pub fn events(&self) -> &[NewEvent] {
        &self.events
    }

    /// The messages quarantined so far, in arrival order.
    pub fn quarantined(&self) -> &[NewQuarantine] {
        &self.quarantined
    }

    /// Parses `message` received on `exchange`: an event, or a quarantine row saying why not
    /// (it does not parse, or a value is longer than the database stores: see
    /// [`NewEvent::over_limit`]). Either way, the body is stored with `redaction` applied (the
    /// dedupe key still hashes the bytes received, so a redelivery is recognised whatever the
    /// key list).
    pub fn push(
        &mut self,
        deployment_id: i64,
        exchange: &str,
        message: &Incoming,
        redaction: &Redaction,
    ) {
        let received_us = now_micros();
        let error = match notification::parse(exchange, &message.body) {
            Ok(n) => {
                let event = new_event(deployment_id, exchange, message, n, received_us, redaction);
                // A value longer than its column would fail the batch on MySQL, forever:
                // quarantined instead, on every backend alike.
                let Some(why) = event.over_limit() else {
                    self.events.push(event);
                    return;
                };
                why
            }
            Err(e) => e.to_string(),
        };
        self.quarantined.push(NewQuarantine {
            deployment_id,
            exchange: exchange.to_string(),
            routing_key: message.routing_key.clone(),
            error,
            body: redaction.bytes(&message.body).into_owned(),
            received_us,
        });
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
    redaction: &Redaction,
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
        json: redaction.string(n.body),
        detail: n.detail,
    }
}
