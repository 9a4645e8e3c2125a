//! [`Notifier`]: publishes the verified notifications of a batch to the verifier's broker with
//! publisher confirms, retrying the whole batch with capped exponential backoff (v2's
//! `exponential_backoff_limit`), reconnecting after a lost connection. A batch counts as
//! published only when the broker confirmed every message of it; the runner writes the final
//! statuses only then.
//!
//! Messages are not `mandatory`: as in v2, a verified notification no queue is bound for is the
//! billing consumer's business, not a reason to stop verifying.

use std::time::Duration;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{
    BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, ExchangeKind,
};
use rand::Rng;

use crate::amqp::CONNECT_TIMEOUT;

/// One message to publish: the exchange is the service's name (`nova`, `glance`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub exchange: &'static str,
    pub routing_key: String,
    pub message_id: String,
    pub body: Vec<u8>,
}

/// Why a batch's notifications could not be published.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("broker error: {0}")]
    Lapin(#[from] lapin::Error),
    #[error("connecting to the verifier's broker timed out after {0} s")]
    Timeout(u64),
    #[error("the broker refused (nacked) a verified notification")]
    Nacked,
}

/// A confirm-mode channel to the verifier's broker, opened on first use and again after an
/// error.
pub struct Notifier {
    uri: String,
    durable: bool,
    backoff_limit: u32,
    open: Option<(Connection, Channel)>,
    /// Exchanges declared on the current channel.
    declared: Vec<&'static str>,
}

impl Notifier {
    /// A notifier for `uri` (with credentials: never logged), declaring the service exchanges
    /// `durable` or not, trying a batch up to `backoff_limit` times.
    pub fn new(uri: String, durable: bool, backoff_limit: u32) -> Self {
        Self {
            uri,
            durable,
            backoff_limit: backoff_limit.max(1),
            open: None,
            declared: Vec::new(),
        }
    }

    /// Publishes every message and waits for the broker's confirms, retrying the whole batch
    /// (same message ids) after `2^attempt ms + rand(0..1 s)`.
    ///
    /// # Errors
    /// The last attempt's error when every attempt failed.
    pub async fn publish(&mut self, messages: &[Publication]) -> Result<u64, NotifyError> {
        if messages.is_empty() {
            return Ok(0);
        }
        let mut attempt = 0;
        loop {
            match self.try_publish(messages).await {
                Ok(()) => return Ok(messages.len() as u64),
                Err(e) => {
                    self.close().await;
                    attempt += 1;
                    if attempt >= self.backoff_limit {
                        return Err(e);
                    }
                    tracing::warn!(error = %e, attempt, "Publishing verified notifications failed; retrying.");
                    tokio::time::sleep(retry_delay(attempt)).await;
                }
            }
        }
    }

    /// Closes the connection (after an error, or at shutdown).
    pub async fn close(&mut self) {
        if let Some((connection, _)) = self.open.take() {
            let _ = connection.close(200, "verifier done".into()).await;
        }
        self.declared.clear();
    }

    async fn try_publish(&mut self, messages: &[Publication]) -> Result<(), NotifyError> {
        let channel = self.channel().await?;
        for m in messages {
            if !self.declared.contains(&m.exchange) {
                let options = ExchangeDeclareOptions {
                    durable: self.durable,
                    ..ExchangeDeclareOptions::default()
                };
                channel
                    .exchange_declare(
                        m.exchange.into(),
                        ExchangeKind::Topic,
                        options,
                        FieldTable::default(),
                    )
                    .await?;
                self.declared.push(m.exchange);
            }
        }
        let mut confirms = Vec::with_capacity(messages.len());
        for m in messages {
            let properties = BasicProperties::default()
                .with_content_type("application/json".into())
                .with_delivery_mode(if self.durable { 2 } else { 1 })
                .with_message_id(m.message_id.as_str().into());
            let confirm = channel
                .basic_publish(
                    m.exchange.into(),
                    m.routing_key.as_str().into(),
                    BasicPublishOptions::default(),
                    &m.body,
                    properties,
                )
                .await?;
            confirms.push(confirm);
        }
        for confirm in confirms {
            match confirm.await? {
                Confirmation::Nack(_) => return Err(NotifyError::Nacked),
                Confirmation::Ack(_) | Confirmation::NotRequested => {}
            }
        }
        Ok(())
    }

    /// The open channel, connecting first when there is none (or the old one was lost).
    async fn channel(&mut self) -> Result<Channel, NotifyError> {
        if let Some((connection, channel)) = &self.open {
            if connection.status().connected() && channel.status().connected() {
                return Ok(channel.clone());
            }
            self.close().await;
        }
        let properties =
            ConnectionProperties::default().with_connection_name("stacktach:verifier".into());
        let connection =
            tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(&self.uri, properties))
                .await
                .map_err(|_| NotifyError::Timeout(CONNECT_TIMEOUT.as_secs()))??;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        self.open = Some((connection, channel.clone()));
        Ok(channel)
    }
}

/// v2's retry delay: `2^attempt` ms plus up to a second of jitter (the exponent capped so the
/// wait stays bounded however large the configured limit).
fn retry_delay(attempt: u32) -> Duration {
    let base = 1u64 << attempt.min(16);
    Duration::from_millis(base + rand::rng().random_range(0..1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_with_jitter_and_caps() {
        for _ in 0..50 {
            let first = retry_delay(1).as_millis();
            assert!((2..1002).contains(&first), "{first}");
            let capped = retry_delay(40).as_millis();
            assert!((65_536..66_536).contains(&capped), "{capped}");
        }
    }
}
