//! `serve --demo`: a steady stream of simulated Nova notifications so a fresh install shows a
//! moving live feed at once.
//!
//! It publishes to the first enabled deployment's RabbitMQ (the real path: the consumers
//! ingest what it publishes). When that broker is unreachable it feeds the ingest pipeline
//! directly, says so in the UI, and tries the broker again every [`BROKER_RETRY`].

use std::time::Duration;

use app::model::DemoMode;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel};
use tokio_util::sync::CancellationToken;

use crate::amqp::{connect, declare, AmqpError};
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions, Outgoing};
use crate::config::DeploymentConfig;
use crate::http::web::DemoStatus;
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use app::model::now_micros;

/// How often the generator is asked for due notifications.
const TICK: Duration = Duration::from_millis(100);
/// How long the demo feeds the store directly before trying the broker again.
const BROKER_RETRY: Duration = Duration::from_secs(30);

/// Everything the demo task needs.
pub struct Demo {
    pub config: DeploymentConfig,
    pub deployment: DeploymentRef,
    pub ingestor: Ingestor,
    pub status: DemoStatus,
    pub shutdown: CancellationToken,
}

impl Demo {
    /// Runs until shutdown.
    pub async fn run(self) {
        let seed = now_micros() as u64;
        let mut generator = Generator::new(seed, GeneratorOptions::default(), now_micros());
        while !self.shutdown.is_cancelled() {
            match self.open_channel().await {
                Ok(channel) => {
                    self.status.set(DemoMode::Broker);
                    tracing::info!(deployment = %self.deployment.name, "Demo publishing simulated notifications to RabbitMQ.");
                    if let Err(e) = self.publish_loop(&channel, &mut generator).await {
                        tracing::warn!(error = %e, "Demo lost its broker.");
                    }
                }
                Err(e) => {
                    self.status.set(DemoMode::Direct);
                    tracing::warn!(deployment = %self.deployment.name, error = %e, "Demo found no broker; feeding the store directly.");
                    self.direct_loop(&mut generator).await;
                }
            }
        }
    }

    async fn open_channel(&self) -> Result<Channel, AmqpError> {
        let connection = connect(&self.config, &format!("{}-demo", self.deployment.name)).await?;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        // Declare what the consumers declare, so nothing published early is unroutable.
        for topics in &self.config.topics {
            declare(&channel, &self.config, topics).await?;
        }
        Ok(channel)
    }

    fn configured(&self, exchange: &str) -> bool {
        self.config.topics.iter().any(|t| t.exchange == exchange)
    }

    async fn publish_loop(
        &self,
        channel: &Channel,
        generator: &mut Generator,
    ) -> Result<(), AmqpError> {
        let delivery_mode = if self.config.durable_queue { 2 } else { 1 };
        loop {
            tokio::select! {
                _ = self.shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(TICK) => {}
            }
            for o in generator.due(now_micros()) {
                if !self.configured(&o.exchange) {
                    continue;
                }
                let properties = BasicProperties::default()
                    .with_content_type("application/json".into())
                    .with_delivery_mode(delivery_mode)
                    .with_message_id(o.message_id.as_str().into());
                channel
                    .basic_publish(
                        o.exchange.as_str().into(),
                        o.routing_key.as_str().into(),
                        BasicPublishOptions::default(),
                        o.body.as_bytes(),
                        properties,
                    )
                    .await?
                    .await?;
            }
        }
    }

    async fn direct_loop(&self, generator: &mut Generator) {
        let until = tokio::time::Instant::now() + BROKER_RETRY;
        while tokio::time::Instant::now() < until {
            tokio::select! {
                _ = self.shutdown.cancelled() => return,
                _ = tokio::time::sleep(TICK) => {}
            }
            let due = generator.due(now_micros());
            let mut by_exchange: Vec<(String, Vec<Incoming>)> = Vec::new();
            for Outgoing {
                exchange,
                routing_key,
                body,
                ..
            } in due
            {
                let incoming = Incoming {
                    routing_key,
                    body: body.into_bytes(),
                };
                match by_exchange.iter_mut().find(|(e, _)| *e == exchange) {
                    Some((_, batch)) => batch.push(incoming),
                    None => by_exchange.push((exchange, vec![incoming])),
                }
            }
            for (exchange, batch) in by_exchange {
                if let Err(e) = self
                    .ingestor
                    .ingest(&self.deployment, &exchange, &batch)
                    .await
                {
                    tracing::warn!(error = %e, "Demo could not store simulated notifications.");
                }
            }
        }
    }
}
