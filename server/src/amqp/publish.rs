//! Publishing notifications with publisher confirms, many in flight at once (the simulator,
//! the benchmark and the tests): a message counts as published only once the broker confirmed
//! it, and a nack or an unroutable message is an error, never a silent loss.

use std::collections::VecDeque;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel, Confirmation, Connection, PublisherConfirm};

/// Unconfirmed messages allowed in flight before `publish` waits for the oldest confirm.
pub const DEFAULT_WINDOW: usize = 1000;

/// Why a message may not have reached its queues.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("broker error: {0}")]
    Lapin(#[from] lapin::Error),
    #[error("the broker refused (nacked) a message")]
    Nacked,
    #[error(
        "a message to exchange {exchange:?} with routing key {routing_key:?} matched no queue"
    )]
    Unroutable {
        exchange: String,
        routing_key: String,
    },
}

/// A confirm-mode channel with a window of unconfirmed messages.
pub struct Publisher {
    channel: Channel,
    in_flight: VecDeque<PublisherConfirm>,
    window: usize,
    delivery_mode: u8,
    confirmed: u64,
}

impl Publisher {
    /// Opens a channel on `connection` in confirm mode. `persistent` messages survive a broker
    /// restart (delivery mode 2), as Nova's do on durable queues.
    ///
    /// # Errors
    /// The broker refuses the channel or confirm mode.
    pub async fn open(
        connection: &Connection,
        window: usize,
        persistent: bool,
    ) -> Result<Self, PublishError> {
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Self {
            channel,
            in_flight: VecDeque::new(),
            window: window.max(1),
            delivery_mode: if persistent { 2 } else { 1 },
            confirmed: 0,
        })
    }

    /// The channel, e.g. to declare the topology before publishing.
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Publishes one message (mandatory, so an unroutable one is reported), waiting for the
    /// oldest confirm first when the window is full.
    ///
    /// # Errors
    /// A broker error, or an earlier message that was nacked or unroutable.
    pub async fn publish(
        &mut self,
        exchange: &str,
        routing_key: &str,
        message_id: &str,
        body: &[u8],
    ) -> Result<(), PublishError> {
        while self.in_flight.len() >= self.window {
            self.confirm_oldest().await?;
        }
        let properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_delivery_mode(self.delivery_mode)
            .with_message_id(message_id.into());
        let confirm = self
            .channel
            .basic_publish(
                exchange.into(),
                routing_key.into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                body,
                properties,
            )
            .await?;
        self.in_flight.push_back(confirm);
        Ok(())
    }

    /// Waits for every message in flight to be confirmed.
    ///
    /// # Errors
    /// A broker error, or a message that was nacked or unroutable.
    pub async fn flush(&mut self) -> Result<(), PublishError> {
        while !self.in_flight.is_empty() {
            self.confirm_oldest().await?;
        }
        Ok(())
    }

    /// Messages the broker confirmed so far.
    pub fn confirmed(&self) -> u64 {
        self.confirmed
    }

    /// Flushes, then closes the channel.
    ///
    /// # Errors
    /// As [`Publisher::flush`].
    pub async fn close(mut self) -> Result<u64, PublishError> {
        self.flush().await?;
        self.channel.close(200, "published".into()).await?;
        Ok(self.confirmed)
    }

    async fn confirm_oldest(&mut self) -> Result<(), PublishError> {
        let Some(confirm) = self.in_flight.pop_front() else {
            return Ok(());
        };
        match confirm.await? {
            Confirmation::Ack(None) | Confirmation::NotRequested => {
                self.confirmed += 1;
                Ok(())
            }
            Confirmation::Ack(Some(returned)) => Err(PublishError::Unroutable {
                exchange: returned.delivery.exchange.to_string(),
                routing_key: returned.delivery.routing_key.to_string(),
            }),
            Confirmation::Nack(_) => Err(PublishError::Nacked),
        }
    }
}
