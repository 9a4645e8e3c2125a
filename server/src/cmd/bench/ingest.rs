//! The measured ingest phases: (b) the product's own consumer ([`run_deployment`], the code
//! `stacktach worker` runs) draining the filled queue into a fresh database, and (c) the ingest
//! pipeline alone ([`Ingestor::ingest`], parse + store + commit, no broker) on the same
//! notifications, which tells how much of (b) the database takes.

use std::time::{Duration, Instant};

use app::model::ConsumerState;
use tokio_util::sync::CancellationToken;

use crate::amqp::{batch_limit, run_deployment, ConsumerContext};
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::config::DeploymentConfig;
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::Hub;
use crate::store::Store;
use crate::telemetry::status::StatusBoard;

/// Gives up when nothing was stored for this long.
const STALL: Duration = Duration::from_secs(60);

/// The deployment row the benchmark stores under.
async fn deployment(store: &Store, name: &str) -> anyhow::Result<DeploymentRef> {
    Ok(DeploymentRef {
        id: store.ensure_deployment(name).await?,
        name: name.to_owned(),
    })
}

/// (b) Runs the real consumer until `count` messages are committed and acked; returns the
/// seconds from start (connect included) to the last ack.
///
/// # Errors
/// The consumer stopping, or no progress for a minute.
pub async fn consume(cfg: &DeploymentConfig, store: &Store, count: u64) -> anyhow::Result<f64> {
    let board = StatusBoard::default();
    board.register(&cfg.name, "nova", ConsumerState::Connecting);
    let shutdown = CancellationToken::new();
    let ctx = ConsumerContext {
        config: cfg.clone(),
        deployment: deployment(store, &cfg.name).await?,
        ingestor: Ingestor::new(store.clone(), Hub::new()),
        board: board.clone(),
        process_timeout: Duration::from_secs(600),
        shutdown: shutdown.clone(),
    };
    let started = Instant::now();
    let mut task = tokio::spawn(run_deployment(ctx));
    let (mut last, mut progress) = (0, Instant::now());
    let secs = loop {
        let stored = board.of_deployment(&cfg.name)[0].stored;
        if stored >= count {
            break started.elapsed().as_secs_f64();
        }
        if stored > last {
            (last, progress) = (stored, Instant::now());
        } else if progress.elapsed() > STALL {
            shutdown.cancel();
            anyhow::bail!("the consumer stored nothing for a minute ({stored} of {count})");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(2)) => {}
            result = &mut task => anyhow::bail!("the consumer stopped early: {result:?}"),
        }
    };
    shutdown.cancel();
    task.await??;
    Ok(secs)
}

/// What phase (c) measured.
#[derive(Debug, Clone, Copy)]
pub struct Alone {
    /// Seconds inside `Ingestor::ingest` (parse + store + commit).
    pub ingest_secs: f64,
    /// Seconds parsing the same bodies once more on their own: the pure-CPU share of ingest.
    pub parse_secs: f64,
    pub batch: usize,
}

/// (c) Ingests `count` nova notifications of the same generator straight into `store`, in
/// batches of the consumer's size, timing `ingest` and, separately, parsing alone.
///
/// # Errors
/// Store errors.
pub async fn ingest_only(
    store: &Store,
    name: &str,
    (count, seed, prefetch): (u64, u64, u16),
) -> anyhow::Result<Alone> {
    let deployment = deployment(store, name).await?;
    let ingestor = Ingestor::new(store.clone(), Hub::new());
    let batch = batch_limit(prefetch);
    let options = GeneratorOptions {
        max_in_flight: 500,
        ..GeneratorOptions::default()
    };
    let mut generator = Generator::new(seed, options, 1_700_000_000_000_000);
    let mut pending: Vec<Incoming> = Vec::with_capacity(batch);
    let (mut done, mut spent, mut parsing) = (0u64, Duration::ZERO, Duration::ZERO);
    while done < count {
        for o in generator.take(batch) {
            if o.exchange != "nova" || done + pending.len() as u64 >= count {
                continue;
            }
            pending.push(Incoming {
                routing_key: name.to_owned(),
                body: o.body.into_bytes(),
            });
            if pending.len() == batch || done + pending.len() as u64 == count {
                let started = Instant::now();
                for m in &pending {
                    std::hint::black_box(crate::notification::parse("nova", &m.body).is_ok());
                }
                parsing += started.elapsed();
                let started = Instant::now();
                ingestor.ingest(&deployment, "nova", &pending).await?;
                spent += started.elapsed();
                done += pending.len() as u64;
                pending.clear();
            }
        }
    }
    Ok(Alone {
        ingest_secs: spent.as_secs_f64(),
        parse_secs: parsing.as_secs_f64(),
        batch,
    })
}
