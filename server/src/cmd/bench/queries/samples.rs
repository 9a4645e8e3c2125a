//! The keys the benchmark queries with: rows drawn uniformly from the stored events, so busy
//! hosts and tenants are drawn more often, as real lookups would be.

use app::model::EventRow;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::store::Store;

/// One hour, in microseconds: the time windows the sampled lookups span are counted in it.
pub(super) const HOUR_US: i64 = 3_600_000_000;

/// Keys drawn from stored rows (uniform over events, so busy hosts are drawn more often).
pub(super) struct Samples {
    pub(super) rows: Vec<EventRow>,
    pub(super) max_id: i64,
}

pub(super) async fn sample(store: &Store, n: usize, seed: u64) -> anyhow::Result<Samples> {
    let max_id = store.max_event_id().await?;
    anyhow::ensure!(max_id > 0, "the database holds no events");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(n);
    while rows.len() < n {
        if let Some(row) = store.event_row(rng.random_range(1..=max_id)).await? {
            rows.push(row);
        }
    }
    Ok(Samples { rows, max_id })
}

impl Samples {
    /// `n` sampled rows whose `field` is set, cycling (so every endpoint gets `n` calls).
    pub(super) fn with(&self, n: usize, field: impl Fn(&EventRow) -> &str) -> Vec<EventRow> {
        let set: Vec<&EventRow> = self.rows.iter().filter(|r| !field(r).is_empty()).collect();
        set.iter()
            .cycle()
            .take(n.min(set.len() * n))
            .map(|r| (*r).clone())
            .collect()
    }
}
