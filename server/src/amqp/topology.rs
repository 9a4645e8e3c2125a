//! Declares what the deployments file configures: a topic exchange per `topics` key, its
//! queues (durable per `durable_queue`, with `queue_arguments`) and their bindings.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, ExchangeKind};
use serde_json::{Map, Value};

use crate::config::{DeploymentConfig, ExchangeTopics};

/// Declares `topics.exchange` and its queues and bindings on `channel`.
///
/// # Errors
/// The broker refuses a declaration (e.g. PRECONDITION_FAILED when an existing exchange or
/// queue has other flags).
pub async fn declare(
    channel: &Channel,
    cfg: &DeploymentConfig,
    topics: &ExchangeTopics,
) -> Result<(), lapin::Error> {
    let durable = cfg.durable_queue;
    channel
        .exchange_declare(
            topics.exchange.as_str().into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable,
                auto_delete: false,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    for binding in &topics.bindings {
        channel
            .queue_declare(
                binding.queue.as_str().into(),
                QueueDeclareOptions {
                    durable,
                    auto_delete: false,
                    exclusive: false,
                    ..QueueDeclareOptions::default()
                },
                field_table(&cfg.queue_arguments),
            )
            .await?;
        channel
            .queue_bind(
                binding.queue.as_str().into(),
                topics.exchange.as_str().into(),
                binding.routing_key.as_str().into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    Ok(())
}

/// `queue_arguments` from JSON to AMQP: strings, booleans, integers, floats and nested objects
/// map to their AMQP types; anything else is passed as its JSON text.
pub fn field_table(args: &Map<String, Value>) -> FieldTable {
    let mut table = FieldTable::default();
    for (key, value) in args {
        table.insert(key.as_str().into(), amqp_value(value));
    }
    table
}

fn amqp_value(value: &Value) -> AMQPValue {
    match value {
        Value::Bool(b) => AMQPValue::Boolean(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => AMQPValue::LongLongInt(i),
            (None, Some(f)) => AMQPValue::Double(f),
            _ => AMQPValue::LongString(LongString::from(n.to_string())),
        },
        Value::String(s) => AMQPValue::LongString(LongString::from(s.as_str())),
        Value::Object(map) => AMQPValue::FieldTable(field_table(map)),
        other => AMQPValue::LongString(LongString::from(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_arguments_keep_their_types() {
        let args: Map<String, Value> = serde_json::from_str(
            r#"{"x-ha-policy": "all", "x-message-ttl": 60000, "x-flag": true}"#,
        )
        .unwrap();
        let table = field_table(&args);
        let inner = table.inner();
        assert_eq!(
            inner.get(&lapin::types::ShortString::from("x-ha-policy")),
            Some(&AMQPValue::LongString("all".into()))
        );
        assert_eq!(
            inner.get(&lapin::types::ShortString::from("x-message-ttl")),
            Some(&AMQPValue::LongLongInt(60000))
        );
        assert_eq!(
            inner.get(&lapin::types::ShortString::from("x-flag")),
            Some(&AMQPValue::Boolean(true))
        );
    }
}
