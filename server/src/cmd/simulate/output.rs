//! Where `stacktach simulate` sends notifications: each enabled deployment's broker (publisher
//! confirms, the deployment's exchanges declared first, each notification with a routing key
//! the deployment binds for its exchange, exchanges it does not configure or bind skipped and
//! reported once), or a JSON lines file for `stacktach import`.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use super::args::SimulateArgs;
use super::notigen::Outgoing;
use super::source::Source;
use crate::amqp::publish::{routing_key_for, Publisher, DEFAULT_WINDOW};
use crate::amqp::{connect, declare};
use crate::config::DeploymentConfig;

/// Publishes what `source` generates to one deployment until it runs out or shutdown.
pub(crate) async fn publish_deployment(
    cfg: DeploymentConfig,
    mut source: Source,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let name = cfg.name.clone();
    let connection = connect(&cfg, &format!("{name}-simulate"))
        .await
        .with_context(|| format!("deployment {name}: cannot reach {}", cfg.redacted_uri()))?;
    let mut publisher = Publisher::open(&connection, DEFAULT_WINDOW, cfg.durable_queue).await?;
    for topics in &cfg.topics {
        declare(publisher.channel(), &cfg, topics).await?;
    }
    let started = Instant::now();
    let mut sent: BTreeMap<String, u64> = BTreeMap::new();
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    loop {
        let batch = source.next(&shutdown).await;
        if batch.is_empty() {
            break;
        }
        for o in batch {
            // The key the file binds for this exchange (the generator says `monitor.info`; a
            // file may bind `notifications.info`), so what is published reaches the queues.
            let routed = cfg
                .topics
                .iter()
                .find(|t| t.exchange == o.exchange)
                .and_then(|t| routing_key_for(&t.bindings, &o.routing_key));
            let Some(routing_key) = routed else {
                let n = skipped.entry(o.exchange.clone()).or_default();
                if *n == 0 {
                    tracing::warn!(deployment = %name, exchange = %o.exchange, "Skipping notifications for an exchange this deployment does not configure or bind.");
                }
                *n += 1;
                source.give_back(1);
                continue;
            };
            publisher
                .publish(&o.exchange, &routing_key, &o.message_id, o.body.as_bytes())
                .await
                .with_context(|| format!("deployment {name}: publishing failed"))?;
            *sent.entry(o.exchange).or_default() += 1;
        }
    }
    let confirmed = publisher.close().await?;
    let _ = connection.close(200, "simulation done".into()).await;
    let secs = started.elapsed().as_secs_f64();
    let detail: Vec<String> = sent.iter().map(|(e, n)| format!("{e}: {n}")).collect();
    println!(
        "Deployment {name}: published {confirmed} notifications ({}) in {secs:.1} s, {:.0}/s, every one confirmed.",
        detail.join(", "),
        confirmed as f64 / secs.max(1e-9)
    );
    for (exchange, n) in skipped {
        println!(
            "Deployment {name}: skipped {n} {exchange} notifications (exchange not configured or without a bound queue)."
        );
    }
    Ok(())
}

/// One line of `--jsonl`: `{"exchange":…,"routing_key":…,"body":<the notification object>}`.
pub fn jsonl_line(o: &Outgoing) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    format!(
        r#"{{"exchange":{},"routing_key":{},"body":{}}}"#,
        text(&o.exchange),
        text(&o.routing_key),
        o.body
    )
}

/// Writes what a generator produces as JSON lines to `path` ("-": stdout).
pub(crate) async fn write_jsonl(
    args: &SimulateArgs,
    path: &std::path::Path,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mut out: Box<dyn Write + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::BufWriter::new(std::io::stdout()))
    } else {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Box::new(std::io::BufWriter::new(file))
    };
    let mut source = Source::new(args, 0);
    let mut written = 0u64;
    loop {
        let batch = source.next(&shutdown).await;
        if batch.is_empty() {
            break;
        }
        for o in &batch {
            writeln!(out, "{}", jsonl_line(o)).context("cannot write the JSON lines")?;
        }
        written += batch.len() as u64;
        if source.paced {
            out.flush().context("cannot write the JSON lines")?;
        }
    }
    out.flush().context("cannot write the JSON lines")?;
    if path.as_os_str() != "-" {
        println!("Wrote {written} notifications to {}.", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};

    #[test]
    fn json_lines_carry_the_body_as_an_object() {
        let mut generator = Generator::new(1, GeneratorOptions::default(), 1_700_000_000_000_000);
        for o in generator.take(500) {
            let line: serde_json::Value = serde_json::from_str(&jsonl_line(&o)).unwrap();
            assert_eq!(line["exchange"], o.exchange.as_str());
            assert_eq!(line["routing_key"], o.routing_key.as_str());
            assert_eq!(line["body"]["message_id"], o.message_id.as_str());
            assert!(!jsonl_line(&o).contains('\n'));
        }
    }
}
