//! `stacktach import FILE`: replays JSON lines (`{"exchange":…,"routing_key":…,"body":…}`, as
//! `stacktach simulate --jsonl` writes them) through the same ingest pipeline as the consumers:
//! batches of up to [`BATCH`] lines per exchange, each in one transaction, idempotent (a line
//! imported twice is stored once), unparseable bodies quarantined. A line that is not such an
//! object at all is quarantined too, byte for byte (but for credentials, redacted as bodies
//! are: `--redact-keys`, `--keep-credentials`), and the import goes on.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::args::{open_migrated, CommonArgs, RedactionArgs};
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::Hub;
use crate::store::NewQuarantine;
use app::model::now_micros;

/// Lines stored per transaction.
pub const BATCH: usize = 1000;

/// `stacktach import` options.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The JSON lines file ("-" for stdin).
    pub file: PathBuf,
    /// The deployment to store the notifications under; default: the first enabled one.
    #[arg(long)]
    pub deployment: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub redaction: RedactionArgs,
}

/// What an import stored.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub quarantined: u64,
}

/// One line as `simulate --jsonl` writes it; `body` may also be a JSON string holding the body.
#[derive(Deserialize)]
struct Line<'a> {
    exchange: String,
    #[serde(default)]
    routing_key: String,
    #[serde(borrow)]
    body: &'a RawValue,
}

/// A line, decoded into the message it carries, or why it could not be.
fn decode(line: &[u8]) -> Result<(String, Incoming), String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8: {e}"))?;
    let parsed: Line<'_> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let raw = parsed.body.get();
    let body = if raw.starts_with('"') {
        serde_json::from_str::<String>(raw)
            .map_err(|e| e.to_string())?
            .into_bytes()
    } else {
        raw.as_bytes().to_vec()
    };
    let incoming = Incoming {
        routing_key: parsed.routing_key,
        body,
    };
    Ok((parsed.exchange, incoming))
}

/// Runs `stacktach import`.
///
/// # Errors
/// Bad configuration, an unknown deployment, an unreadable file, or a database failure.
pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let file = args.common.deployments.load()?;
    let redaction = args.redaction.redaction()?;
    let url = args.common.database.url()?;
    let cfg = match &args.deployment {
        Some(name) => file
            .get(name)
            .with_context(|| format!("{}: no deployment named {name:?}", file.path.display()))?,
        None => file.enabled().next().with_context(|| {
            format!(
                "{}: no enabled deployment (use --deployment)",
                file.path.display()
            )
        })?,
    };
    let store = open_migrated(&url).await?;
    let deployment = DeploymentRef {
        id: store.ensure_deployment(&cfg.name).await?,
        name: cfg.name.clone(),
    };
    let ingestor = Ingestor::new(store.clone(), Hub::new()).with_redaction(redaction);
    let reader: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(&args.file)
                .with_context(|| format!("cannot open {}", args.file.display()))?,
        )
    };
    let report = import(BufReader::new(reader), &ingestor, &deployment).await?;
    store.close().await;
    println!(
        "Imported {} lines into deployment {}: {} stored, {} duplicates, {} quarantined.",
        report.lines, deployment.name, report.stored, report.duplicates, report.quarantined
    );
    Ok(())
}

/// Imports every line of `reader` into `deployment`.
///
/// # Errors
/// An unreadable input or a database failure (batches before it are committed).
pub async fn import(
    mut reader: impl BufRead,
    ingestor: &Ingestor,
    deployment: &DeploymentRef,
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut lines: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
    loop {
        let mut line = Vec::new();
        let read = reader
            .read_until(b'\n', &mut line)
            .context("cannot read the JSON lines")?;
        if read > 0 {
            trim_newline(&mut line);
            if !line.iter().all(u8::is_ascii_whitespace) {
                lines.push(line);
            }
        }
        if lines.len() >= BATCH || (read == 0 && !lines.is_empty()) {
            store_lines(
                &std::mem::take(&mut lines),
                ingestor,
                deployment,
                &mut report,
            )
            .await?;
        }
        if read == 0 {
            return Ok(report);
        }
    }
}

fn trim_newline(line: &mut Vec<u8>) {
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
}

async fn store_lines(
    lines: &[Vec<u8>],
    ingestor: &Ingestor,
    deployment: &DeploymentRef,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut by_exchange: Vec<(String, Vec<Incoming>)> = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        match decode(line) {
            Ok((exchange, incoming)) => {
                match by_exchange.iter_mut().find(|(e, _)| *e == exchange) {
                    Some((_, batch)) => batch.push(incoming),
                    None => by_exchange.push((exchange, vec![incoming])),
                }
            }
            Err(error) => bad.push(NewQuarantine {
                deployment_id: deployment.id,
                exchange: String::new(),
                routing_key: String::new(),
                error: format!("line {}: {error}", report.lines + index as u64 + 1),
                body: ingestor.redaction().bytes(line).into_owned(),
                received_us: now_micros(),
            }),
        }
    }
    report.lines += lines.len() as u64;
    for (exchange, batch) in by_exchange {
        let committed = ingestor.ingest(deployment, &exchange, &batch).await?;
        report.stored += committed.inserted.len() as u64;
        report.duplicates += committed.duplicates as u64;
        report.quarantined += committed.quarantined as u64;
    }
    if !bad.is_empty() {
        tracing::warn!(count = bad.len(), first_error = %bad[0].error, "Quarantined lines that are not notification records.");
        let committed = ingestor.quarantine(&bad).await?;
        report.quarantined += committed.quarantined as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_object_and_string_bodies_byte_for_byte() {
        let (exchange, m) =
            decode(br#"{"exchange":"nova","routing_key":"monitor.info","body":{"b": 1,"a":2}}"#)
                .unwrap();
        assert_eq!(exchange, "nova");
        assert_eq!(m.routing_key, "monitor.info");
        assert_eq!(m.body, br#"{"b": 1,"a":2}"#);
        let (_, m) = decode(br#"{"exchange":"glance","body":"not json \u00e9"}"#).unwrap();
        assert_eq!(m.body, "not json é".as_bytes());
        assert_eq!(m.routing_key, "");
    }

    #[test]
    fn rejects_what_is_not_a_record() {
        assert!(decode(b"{\"exchange\": \"nova\"}").is_err(), "no body");
        assert!(decode(b"\xff\xfe").is_err(), "not UTF-8");
        assert!(decode(b"[1, 2]").is_err(), "not an object");
    }
}
