//! `serve --demo`: a steady stream of simulated Nova notifications so a fresh install shows a
//! moving live feed at once.
//!
//! It publishes to the first enabled deployment's RabbitMQ (the real path: the consumers
//! ingest what it publishes), each notification with a routing key that deployment's `topics`
//! bind for its exchange ([`routing_key_for`]: the generator says `monitor.info`, a file may
//! bind `notifications.info`), `mandatory` and with confirms. A message the broker returns as
//! unroutable all the same (a binding removed on the broker) is counted — the
//! `stacktach_publish_unroutable_total` metric and the home page's demo banner — and logged
//! once per exchange and routing key. When the broker is unreachable it feeds the ingest
//! pipeline directly, says so in the UI, and tries the broker again every [`BROKER_RETRY`].

use std::collections::HashSet;
use std::time::Duration;

use app::model::DemoMode;
use lapin::Connection;
use tokio_util::sync::CancellationToken;

use crate::amqp::publish::{routing_key_for, PublishError, Publisher, DEFAULT_WINDOW, UNROUTABLE};
use crate::amqp::{connect, declare, AmqpError};
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions, Outgoing};
use crate::config::DeploymentConfig;
use crate::http::web::DemoStatus;
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::telemetry::metrics::Metrics;
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
    /// Where unroutable publishes are counted ([`UNROUTABLE`]).
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
}

/// Why the demo cannot publish to the broker right now (it then feeds the store directly).
#[derive(Debug, thiserror::Error)]
enum NoBroker {
    #[error(transparent)]
    Connect(#[from] AmqpError),
    #[error(transparent)]
    Channel(#[from] PublishError),
}

/// The (exchange, routing key) pairs already logged as unroutable: each is logged once.
type Warned = HashSet<(String, String)>;

impl Demo {
    /// Runs until shutdown.
    pub async fn run(self) {
        let seed = now_micros() as u64;
        let mut generator = Generator::new(seed, GeneratorOptions::default(), now_micros());
        let mut warned = Warned::new();
        while !self.shutdown.is_cancelled() {
            match self.open().await {
                Ok((connection, mut publisher)) => {
                    self.status.set(DemoMode::Broker);
                    tracing::info!(deployment = %self.deployment.name, "Demo publishing simulated notifications to RabbitMQ.");
                    let published = self.publish_loop(&mut publisher, &mut generator, &mut warned);
                    if let Err(e) = published.await {
                        tracing::warn!(error = %e, "Demo lost its broker.");
                    }
                    let _ = connection.close(200, "demo stopped".into()).await;
                }
                Err(e) => {
                    self.status.set(DemoMode::Direct);
                    tracing::warn!(deployment = %self.deployment.name, error = %e, "Demo found no broker; feeding the store directly.");
                    self.direct_loop(&mut generator).await;
                }
            }
        }
    }

    async fn open(&self) -> Result<(Connection, Publisher), NoBroker> {
        let connection = connect(&self.config, &format!("{}-demo", self.deployment.name)).await?;
        let persistent = self.config.durable_queue;
        let publisher = Publisher::open(&connection, DEFAULT_WINDOW, persistent).await?;
        // Declare what the consumers declare, so nothing published early is unroutable.
        for topics in &self.config.topics {
            declare(publisher.channel(), &self.config, topics)
                .await
                .map_err(AmqpError::Lapin)?;
        }
        Ok((connection, publisher))
    }

    /// The routing key `o` is published (or, directly, stored) with: one the deployment binds
    /// for its exchange; `None` for an exchange the deployment does not consume.
    fn route(&self, o: &Outgoing) -> Option<String> {
        let topics = self
            .config
            .topics
            .iter()
            .find(|t| t.exchange == o.exchange)?;
        routing_key_for(&topics.bindings, &o.routing_key)
    }

    async fn publish_loop(
        &self,
        publisher: &mut Publisher,
        generator: &mut Generator,
        warned: &mut Warned,
    ) -> Result<(), PublishError> {
        loop {
            tokio::select! {
                _ = self.shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(TICK) => {}
            }
            for o in generator.due(now_micros()) {
                let Some(key) = self.route(&o) else {
                    continue;
                };
                // A full window first settles older messages; one of them being unroutable
                // is counted, and this message is then published all the same.
                loop {
                    let body = o.body.as_bytes();
                    let sent = publisher.publish(&o.exchange, &key, &o.message_id, body);
                    if self.settled(sent.await, warned)? {
                        break;
                    }
                }
            }
            while !self.settled(publisher.flush().await, warned)? {}
        }
    }

    /// `Ok(true)`: `result` is a success; `Ok(false)`: a message came back unroutable (counted
    /// and, the first time for its exchange and key, logged), so settle again.
    ///
    /// # Errors
    /// A broker error or a nack: the demo reconnects.
    fn settled(
        &self,
        result: Result<(), PublishError>,
        warned: &mut Warned,
    ) -> Result<bool, PublishError> {
        let (exchange, routing_key) = match result {
            Ok(()) => return Ok(true),
            Err(PublishError::Unroutable {
                exchange,
                routing_key,
            }) => (exchange, routing_key),
            Err(e) => return Err(e),
        };
        let deployment = &self.deployment.name;
        let labels = [deployment.as_str(), &exchange, &routing_key];
        self.metrics.add_to(&UNROUTABLE, &labels, 1.0);
        self.status.record_unroutable(&exchange, &routing_key);
        if warned.insert((exchange.clone(), routing_key.clone())) {
            tracing::warn!(deployment = %deployment, exchange = %exchange, routing_key = %routing_key, "Demo notification matched no queue: nothing on the broker binds this routing key to this exchange; it is lost (counted in stacktach_publish_unroutable_total, logged once).");
        }
        Ok(false)
    }

    async fn direct_loop(&self, generator: &mut Generator) {
        let until = tokio::time::Instant::now() + BROKER_RETRY;
        while tokio::time::Instant::now() < until {
            tokio::select! {
                _ = self.shutdown.cancelled() => return,
                _ = tokio::time::sleep(TICK) => {}
            }
            let mut by_exchange: Vec<(String, Vec<Incoming>)> = Vec::new();
            for o in generator.due(now_micros()) {
                let Some(routing_key) = self.route(&o) else {
                    continue;
                };
                let incoming = Incoming {
                    routing_key,
                    body: o.body.into_bytes(),
                };
                match by_exchange.iter_mut().find(|(e, _)| *e == o.exchange) {
                    Some((_, batch)) => batch.push(incoming),
                    None => by_exchange.push((o.exchange, vec![incoming])),
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
