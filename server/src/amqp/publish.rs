//! Publishing notifications with publisher confirms, many in flight at once (the simulator,
//! `serve --demo`, the benchmark and the tests): a message counts as published only once the
//! broker confirmed it, and a nack or an unroutable message is an error, never a silent loss.
//! [`routing_key_for`] picks, for a generated notification, a routing key the deployments file
//! binds, so what is published reaches the queues the consumers read.

use std::collections::VecDeque;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel, Confirmation, Connection, PublisherConfirm};

use crate::config::QueueBinding;
use crate::telemetry::metrics::Gauge;

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

/// Messages published with `mandatory` that the broker returned because no queue was bound
/// to their routing key (`serve --demo` counts them), by deployment, exchange and routing key
/// (all three from configuration or the generator's fixed set, so the series stay few).
pub static UNROUTABLE: Gauge = Gauge {
    name: "stacktach_publish_unroutable_total",
    help: "Published messages the broker returned as unroutable (no queue bound to their \
           routing key).",
    labels: &["deployment", "exchange", "routing_key"],
    kind: "counter",
};

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

/// The routing key to publish a generated notification with, so that it reaches a queue of
/// `bindings` (one exchange's `topics` entry): `generated` itself when a binding's pattern
/// matches it; else the first binding whose key, its wildcards filled in with `generated`'s
/// priority (its last word, `info` or `error`), ends in that priority; else the first
/// binding's key filled in the same way. `None` when the exchange binds no queue.
///
/// oslo publishes `<topic>.<priority>`; a deployment may bind `notifications.info` where the
/// generator says `monitor.info`, and the consumers only see what their bindings route.
#[must_use]
pub fn routing_key_for(bindings: &[QueueBinding], generated: &str) -> Option<String> {
    if bindings
        .iter()
        .any(|b| topic_matches(&b.routing_key, generated))
    {
        return Some(generated.to_owned());
    }
    let priority = generated.rsplit('.').next().unwrap_or(generated);
    let filled: Vec<String> = bindings
        .iter()
        .map(|b| fill_wildcards(&b.routing_key, priority))
        .collect();
    let same_priority = filled
        .iter()
        .find(|key| key.rsplit('.').next() == Some(priority));
    same_priority.or(filled.first()).cloned()
}

/// Whether a topic exchange routes `key` to a binding with `pattern`: words split on `.`,
/// `*` one word, `#` zero or more.
#[must_use]
pub fn topic_matches(pattern: &str, key: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('.').collect();
    let key: Vec<&str> = key.split('.').collect();
    words_match(&pattern, &key)
}

fn words_match(pattern: &[&str], key: &[&str]) -> bool {
    match pattern.split_first() {
        None => key.is_empty(),
        Some((&"#", rest)) => (0..=key.len()).any(|skip| words_match(rest, &key[skip..])),
        Some((&"*", rest)) => !key.is_empty() && words_match(rest, &key[1..]),
        Some((word, rest)) => key.first() == Some(word) && words_match(rest, &key[1..]),
    }
}

/// A binding key made concrete: each `*` or `#` word replaced by `word` (which both match).
fn fill_wildcards(pattern: &str, word: &str) -> String {
    pattern
        .split('.')
        .map(|w| if w == "*" || w == "#" { word } else { w })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(keys: &[&str]) -> Vec<QueueBinding> {
        keys.iter()
            .map(|k| QueueBinding {
                queue: format!("q.{k}"),
                routing_key: (*k).to_owned(),
            })
            .collect()
    }

    #[test]
    fn topic_patterns_match_as_rabbitmq_routes() {
        for (pattern, key, expected) in [
            ("monitor.info", "monitor.info", true),
            ("monitor.info", "monitor.error", false),
            ("notifications.*", "notifications.info", true),
            ("notifications.*", "notifications.info.x", false),
            ("notifications.#", "notifications", true),
            ("notifications.#", "notifications.a.b", true),
            ("#", "monitor.info", true),
            ("#.error", "monitor.error", true),
            ("#.error", "monitor.info", false),
            ("*.info", "info", false),
        ] {
            assert_eq!(topic_matches(pattern, key), expected, "{pattern} ~ {key}");
        }
    }

    #[test]
    fn a_bound_generated_key_is_kept() {
        let v2 = bindings(&["monitor.info", "monitor.error"]);
        assert_eq!(
            routing_key_for(&v2, "monitor.error").as_deref(),
            Some("monitor.error")
        );
        let all = bindings(&["#"]);
        assert_eq!(
            routing_key_for(&all, "monitor.info").as_deref(),
            Some("monitor.info")
        );
    }

    #[test]
    fn an_unbound_key_becomes_the_binding_of_the_same_priority() {
        let oslo = bindings(&["notifications.info", "notifications.error"]);
        let key = |generated| routing_key_for(&oslo, generated);
        assert_eq!(key("monitor.info").as_deref(), Some("notifications.info"));
        assert_eq!(key("monitor.error").as_deref(), Some("notifications.error"));
        assert_eq!(
            key("monitor_glance.error").as_deref(),
            Some("notifications.error")
        );
        let wildcard = bindings(&["notifications.*"]);
        assert_eq!(
            routing_key_for(&wildcard, "monitor.error").as_deref(),
            Some("notifications.error")
        );
    }

    #[test]
    fn without_a_binding_of_that_priority_the_first_binding_is_used() {
        let info_only = bindings(&["notifications.info", "audit.info"]);
        let key = routing_key_for(&info_only, "monitor.error");
        assert_eq!(key.as_deref(), Some("notifications.info"));
        assert_eq!(routing_key_for(&[], "monitor.info"), None);
        for generated in ["monitor.info", "monitor.error", "monitor_glance.info"] {
            for b in [&info_only, &bindings(&["notifications.#", "x.*.y"])] {
                let key = routing_key_for(b, generated).expect("a key");
                assert!(
                    b.iter().any(|b| topic_matches(&b.routing_key, &key)),
                    "{key} is routed by {b:?}"
                );
            }
        }
    }
}
