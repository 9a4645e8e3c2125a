//! The web app's port ([`app::ssr::Backend`]) implemented over the store and status board.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use app::model::{DemoMode, DeploymentSummary, EventRow, HomeData, Micros};
use app::ssr::{Backend, BackendError};

use crate::status::StatusBoard;
use crate::store::{Store, StoreError};

/// What `serve --demo` is doing, if anything; written by the demo task, read by the UI.
#[derive(Clone, Default)]
pub struct DemoStatus(Arc<RwLock<Option<DemoMode>>>);

impl DemoStatus {
    /// Records how the demo feeds notifications now.
    pub fn set(&self, mode: DemoMode) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(mode);
    }

    /// How the demo feeds notifications, `None` when not in demo mode.
    pub fn get(&self) -> Option<DemoMode> {
        *self.0.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// The server side of the web app's data needs.
pub struct ServerBackend {
    pub store: Store,
    pub board: StatusBoard,
    pub demo: DemoStatus,
    /// Names of deployments configured with `enabled: false`.
    pub disabled: Vec<String>,
}

fn backend_error(e: StoreError) -> BackendError {
    BackendError(e.to_string())
}

#[async_trait::async_trait]
impl Backend for ServerBackend {
    async fn home(&self) -> Result<HomeData, BackendError> {
        let deployments = self.store.deployments().await.map_err(backend_error)?;
        let activity: HashMap<i64, (i64, Option<i64>)> = self
            .store
            .deployment_activity()
            .await
            .map_err(backend_error)?
            .into_iter()
            .map(|(id, count, last)| (id, (count, last)))
            .collect();
        let deployments = deployments
            .into_iter()
            .map(|(id, name)| {
                let (events, last) = activity.get(&id).copied().unwrap_or((0, None));
                DeploymentSummary {
                    id,
                    disabled: self.disabled.contains(&name),
                    consumers: self.board.of_deployment(&name),
                    name,
                    events,
                    last_event: last.map(Micros),
                }
            })
            .collect();
        Ok(HomeData {
            deployments,
            demo: self.demo.get(),
        })
    }

    async fn recent_events(
        &self,
        deployment: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventRow>, BackendError> {
        self.store
            .recent_events(deployment, limit)
            .await
            .map_err(backend_error)
    }

    async fn deployment_name(&self, id: i64) -> Result<Option<String>, BackendError> {
        let all = self.store.deployments().await.map_err(backend_error)?;
        Ok(all
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, name)| name))
    }
}
