//! The id-cursor lists that only scripts read (`/api/v1/events`, `/api/v1/quarantine`), on the
//! same backend as the pages: `/api/v1` asks one backend for everything, so its JSON and the
//! pages agree on deployments and rows.

use app::model::{EventFilter, EventRow, QuarantineRow};
use app::ssr::BackendError;

use super::backend::{backend_error, ServerBackend};
use crate::store::TimeWindow;

impl ServerBackend {
    /// Up to `limit` events with ids above `after` matching `filter` within `window`, oldest
    /// id first.
    ///
    /// # Errors
    /// The store failed.
    pub async fn events_after(
        &self,
        after: i64,
        filter: &EventFilter,
        window: TimeWindow,
        limit: u32,
    ) -> Result<Vec<EventRow>, BackendError> {
        self.store
            .events_page(after, filter, window, limit)
            .await
            .map_err(backend_error)
    }

    /// Up to `limit` quarantined messages with ids above `after`, oldest first.
    ///
    /// # Errors
    /// The store failed.
    pub async fn quarantine_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<QuarantineRow>, BackendError> {
        self.store
            .quarantine_page(after, limit)
            .await
            .map_err(backend_error)
    }

    /// The id of the deployment named `value`, or whose id `value` is; `None` if none is.
    ///
    /// # Errors
    /// The store failed.
    pub async fn deployment_id(&self, value: &str) -> Result<Option<i64>, BackendError> {
        let all = self.store.deployments().await.map_err(backend_error)?;
        let by_id = value.parse::<i64>().ok();
        Ok(all
            .into_iter()
            .find(|(id, name)| name == value || Some(*id) == by_id)
            .map(|(id, _)| id))
    }
}
