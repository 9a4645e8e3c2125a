//! The benchmark's queue: a durable queue of its own bound to exchange `nova` with a routing key
//! of its own (so nothing else receives what the benchmark publishes and the real consumer
//! parses it with the nova rules), filled with confirms before anything consumes it, and the
//! no-op consumer (a) that measures the broker's own delivery rate.

use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueDeleteOptions};
use lapin::types::FieldTable;
use lapin::uri::{AMQPScheme, AMQPUri};
use lapin::Connection;

use crate::amqp::publish::{Publisher, DEFAULT_WINDOW};
use crate::amqp::{connect, declare};
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::config::{redact_url, DeploymentConfig, ExchangeTopics, QueueBinding, Secret};

/// The no-op consumer's prefetch and ack interval: those of the reference consumer whose
/// drain rate the printed ceilings quote (prefetch 200, multiple-ack every 100).
pub const NOOP_PREFETCH: u16 = 200;
const NOOP_ACK_EVERY: u64 = 100;

/// The broker options of the benchmarks that run the real consumer.
#[derive(Debug, clap::Args)]
pub struct BrokerArgs {
    /// The broker; the benchmark uses queues of its own bound to exchange `nova` there.
    #[arg(long, default_value = "amqp://guest:guest@127.0.0.1:5672/%2f")]
    pub amqp: Secret,
    /// The consumer's prefetch (a deployment's `prefetch`; a batch is at most half of it).
    #[arg(long, default_value_t = crate::config::DEFAULT_PREFETCH)]
    pub prefetch: u16,
}

/// A deployment with one exchange (`nova`) and the benchmark's queue, on the broker of `amqp`.
///
/// # Errors
/// An AMQP URL that does not parse (named with its password masked).
pub fn deployment(amqp: &str, name: &str, prefetch: u16) -> anyhow::Result<DeploymentConfig> {
    // lapin's "Invalid URL: '…'" quotes the text whole.
    let uri = AMQPUri::from_str(amqp)
        .map_err(|e| anyhow::anyhow!(e.replace(amqp, &redact_url(amqp))))
        .with_context(|| format!("--amqp {:?} is not an AMQP URL", redact_url(amqp)))?;
    let mut cfg = DeploymentConfig::with_defaults(name);
    cfg.rabbit_host = uri.authority.host;
    cfg.rabbit_port = uri.authority.port;
    cfg.rabbit_userid = uri.authority.userinfo.username;
    cfg.rabbit_password = Secret::new(uri.authority.userinfo.password);
    cfg.rabbit_virtual_host = uri.vhost;
    cfg.rabbit_tls = uri.scheme == AMQPScheme::AMQPS;
    cfg.prefetch = prefetch;
    cfg.topics = vec![ExchangeTopics {
        exchange: "nova".into(),
        bindings: vec![QueueBinding {
            queue: name.into(),
            routing_key: name.into(),
        }],
    }];
    Ok(cfg)
}

/// What a fill published.
#[derive(Debug, Clone, Copy)]
pub struct Filled {
    pub count: u64,
    pub bytes: u64,
    pub secs: f64,
}

/// Publishes `count` nova notifications from the generator (seeded, so every fill is the same)
/// as persistent messages with confirms; returns once the broker confirmed them all.
///
/// # Errors
/// Broker errors.
pub async fn fill(cfg: &DeploymentConfig, count: u64, seed: u64) -> anyhow::Result<Filled> {
    let connection = connect(cfg, &format!("{}-fill", cfg.name)).await?;
    let mut publisher = Publisher::open(&connection, DEFAULT_WINDOW, true).await?;
    declare(publisher.channel(), cfg, &cfg.topics[0]).await?;
    let options = GeneratorOptions {
        max_in_flight: 500,
        ..GeneratorOptions::default()
    };
    let mut generator = Generator::new(seed, options, 1_700_000_000_000_000);
    let key = &cfg.topics[0].bindings[0].routing_key;
    let (mut published, mut bytes) = (0u64, 0u64);
    let started = Instant::now();
    while published < count {
        for o in generator.take(1000) {
            if o.exchange != "nova" || published == count {
                continue;
            }
            publisher
                .publish("nova", key, &o.message_id, o.body.as_bytes())
                .await?;
            published += 1;
            bytes += o.body.len() as u64;
        }
    }
    publisher.close().await?;
    let secs = started.elapsed().as_secs_f64();
    close(connection).await;
    Ok(Filled {
        count: published,
        bytes,
        secs,
    })
}

/// Drains `count` messages with a consumer that does nothing but ack (prefetch
/// [`NOOP_PREFETCH`], a multiple-ack every [`NOOP_ACK_EVERY`]); returns the seconds it took.
///
/// # Errors
/// Broker errors, or the queue running dry before `count`.
pub async fn drain_noop(cfg: &DeploymentConfig, count: u64) -> anyhow::Result<f64> {
    let connection = connect(cfg, &format!("{}-noop", cfg.name)).await?;
    let channel = connection.create_channel().await?;
    channel
        .basic_qos(NOOP_PREFETCH, BasicQosOptions::default())
        .await?;
    let started = Instant::now();
    let queue = cfg.topics[0].bindings[0].queue.as_str();
    let mut consumer = channel
        .basic_consume(
            queue.into(),
            "stacktach-bench-noop".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut received = 0u64;
    while received < count {
        let next = tokio::time::timeout(Duration::from_secs(30), consumer.next()).await;
        let delivery = next
            .context("the queue ran dry before the no-op consumer got every message")?
            .context("the broker cancelled the no-op consumer")??;
        received += 1;
        if received.is_multiple_of(NOOP_ACK_EVERY) || received == count {
            let multiple = BasicAckOptions { multiple: true };
            channel.basic_ack(delivery.delivery_tag, multiple).await?;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    close(connection).await;
    Ok(secs)
}

/// Deletes the benchmark's queue.
///
/// # Errors
/// Broker errors.
pub async fn delete_queue(cfg: &DeploymentConfig) -> anyhow::Result<()> {
    let connection = connect(cfg, &format!("{}-cleanup", cfg.name)).await?;
    let channel = connection.create_channel().await?;
    let queue = cfg.topics[0].bindings[0].queue.as_str();
    channel
        .queue_delete(queue.into(), QueueDeleteOptions::default())
        .await?;
    close(connection).await;
    Ok(())
}

/// Closes a benchmark connection politely (a dropped one makes lapin log an error).
pub async fn close(connection: Connection) {
    let _ = connection.close(200, "benchmark".into()).await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bad_amqp_url_is_named_without_its_password() {
        for amqp in [
            "amqp://u:SECRET@h:notaport/",
            "http://u:SECRET@h/",
            "u:SECRET@h",
        ] {
            let e = super::deployment(amqp, "q", 10).expect_err("not an AMQP URL");
            let (display, debug) = (format!("{e:#}"), format!("{e:?}"));
            assert!(
                !display.contains("SECRET") && !debug.contains("SECRET"),
                "{debug}"
            );
        }
    }
}
