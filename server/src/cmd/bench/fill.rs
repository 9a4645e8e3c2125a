//! Filling a benchmark database through the real ingest path: generated notifications in
//! transactions of [`FILL_BATCH`], each exchange's messages together, so what is stored (raw
//! rows, image meta, every aggregate) is exactly what ingest writes. `bench-queries` and
//! `bench-reports` fill their databases with it.

use std::time::Instant;

use crate::cmd::simulate::notigen::Generator;
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::Hub;
use crate::store::Store;

/// Notifications per ingest transaction while filling.
const FILL_BATCH: usize = 1_000;

/// Ingests the next `count` notifications of `generator` into `store` (deployment `bench`),
/// printing progress every 100,000 and the total time.
///
/// # Errors
/// A database error.
pub(super) async fn ingest_generated(
    store: &Store,
    generator: &mut Generator,
    count: u64,
) -> anyhow::Result<()> {
    let deployment = DeploymentRef {
        id: store.ensure_deployment("bench").await?,
        name: "bench".to_owned(),
    };
    let ingestor = Ingestor::new(store.clone(), Hub::new());
    let started = Instant::now();
    let mut done = 0u64;
    while done < count {
        let n = FILL_BATCH.min(usize::try_from(count - done).unwrap_or(FILL_BATCH));
        let mut by_exchange: Vec<(String, Vec<Incoming>)> = Vec::new();
        for o in generator.take(n) {
            let incoming = Incoming {
                routing_key: o.routing_key,
                body: o.body.into_bytes(),
            };
            match by_exchange.iter_mut().find(|(e, _)| *e == o.exchange) {
                Some((_, batch)) => batch.push(incoming),
                None => by_exchange.push((o.exchange, vec![incoming])),
            }
        }
        for (exchange, batch) in &by_exchange {
            ingestor.ingest(&deployment, exchange, batch).await?;
        }
        done += n as u64;
        if done % 100_000 < n as u64 {
            let secs = started.elapsed().as_secs_f64();
            println!("  filled {done} ({:.0}/s)", done as f64 / secs.max(1e-9));
        }
    }
    println!(
        "Filled {} with {count} events in {:.0} s.",
        store.backend_name(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
