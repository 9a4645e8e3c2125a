//! The live feed's first page (titled, with its resume cursor) and the drill-down.

use app::model::{DrillData, EventFilter, FeedData, Field};

use crate::store::{Store, StoreError};

/// The newest `limit` rows matching `filter`, the id the websocket resumes after, and the
/// title ("All" or the deployment's name); `None` when the filter names no deployment.
///
/// The cursor is the feed horizon, read *before* the rows, which stop at it: every row up to
/// it is committed (or never will be), so the socket's backfill (`id > cursor`) misses nothing
/// and repeats nothing — even when no row matches yet, and while PostgreSQL batches still
/// open hold smaller ids than ones already committed.
pub(super) async fn feed(
    store: &Store,
    filter: &EventFilter,
    limit: u32,
) -> Result<Option<FeedData>, StoreError> {
    let title = match filter.deployment {
        None => "All".to_string(),
        Some(id) => {
            let all = store.deployments().await?;
            match all.into_iter().find(|(i, _)| *i == id) {
                Some((_, name)) => name,
                None => return Ok(None),
            }
        }
    };
    let cursor = store.feed_horizon().await?;
    let rows = store.recent_matching(filter, limit, cursor).await?;
    Ok(Some(FeedData {
        filter: filter.clone(),
        title,
        rows,
        cursor,
    }))
}

/// v2's details view around event `around`, newest first; `None` if the event is gone.
pub(super) async fn drill(
    store: &Store,
    field: Field,
    value: &str,
    around: i64,
    deployment: Option<i64>,
    per_side: u32,
) -> Result<Option<DrillData>, StoreError> {
    let Some(anchor) = store.event_row(around).await? else {
        return Ok(None);
    };
    let (mut newer, mut older) = store
        .around(field, value, &anchor, deployment, per_side)
        .await?;
    let more_newer = newer.len() > per_side as usize;
    let more_older = older.len() > per_side as usize;
    newer.truncate(per_side as usize);
    older.truncate(per_side as usize);
    newer.reverse();
    let mut rows = newer;
    rows.push(anchor.clone());
    rows.append(&mut older);
    Ok(Some(DrillData {
        anchor,
        rows,
        more_newer,
        more_older,
    }))
}
