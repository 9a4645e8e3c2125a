//! The web app's port ([`app::ssr::Backend`]) implemented over the store and status board.
//!
//! # Layout
//! - here: the struct, the demo status, and the trait's simple answers;
//! - `lists`: feed, search and drill-down;
//! - `detail`: one event's columns and JSON, quarantined bytes;
//! - `pages`: host/tenant, request, instance, timings.

mod detail;
mod lists;
mod pages;

use std::sync::{Arc, RwLock};

use app::model::{
    DbInfo, DemoMode, DeploymentSummary, DrillData, EventDetail, EventFilter, EventPage, FeedData,
    Field, HomeData, InstanceData, Micros, QuarantineDetail, RequestData, ScopeData, ScopeKind,
    SearchQuery, StatusData, TimingsData, Window,
};
use app::ssr::{Backend, BackendError};

use crate::store::{Store, StoreError};
use crate::telemetry::status::StatusBoard;

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

impl ServerBackend {
    /// Every deployment with its consumers and newest event (activity counters left at 0 for
    /// the live hub to fill in).
    async fn deployments(&self) -> Result<Vec<DeploymentSummary>, StoreError> {
        let names = self.store.deployments().await?;
        let last = self.store.last_events().await?;
        Ok(names
            .into_iter()
            .map(|(id, name)| {
                let last_event = last
                    .iter()
                    .find(|(d, _, _)| *d == id)
                    .and_then(|(_, id, when)| id.zip(*when))
                    .map(|(id, when)| (id, Micros(when)));
                DeploymentSummary {
                    id,
                    disabled: self.disabled.contains(&name),
                    consumers: self.board.of_deployment(&name),
                    name,
                    per_minute: 0,
                    errors_hour: 0,
                    last_event,
                }
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl Backend for ServerBackend {
    async fn home(&self) -> Result<HomeData, BackendError> {
        Ok(HomeData {
            deployments: self.deployments().await.map_err(backend_error)?,
            demo: self.demo.get(),
        })
    }

    async fn feed(&self, filter: &EventFilter, limit: u32) -> Result<FeedData, BackendError> {
        lists::feed(&self.store, filter, limit)
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

    async fn search(&self, query: &SearchQuery) -> Result<EventPage, BackendError> {
        self.store.search(query).await.map_err(backend_error)
    }

    async fn drill(
        &self,
        field: Field,
        value: &str,
        around: i64,
        deployment: Option<i64>,
        per_side: u32,
    ) -> Result<Option<DrillData>, BackendError> {
        lists::drill(&self.store, field, value, around, deployment, per_side)
            .await
            .map_err(backend_error)
    }

    async fn event(&self, id: i64) -> Result<Option<EventDetail>, BackendError> {
        detail::event(&self.store, id).await.map_err(backend_error)
    }

    async fn scope(&self, kind: ScopeKind, value: &str) -> Result<ScopeData, BackendError> {
        pages::scope(&self.store, kind, value)
            .await
            .map_err(backend_error)
    }

    async fn request(&self, request_id: &str) -> Result<RequestData, BackendError> {
        pages::request(&self.store, request_id)
            .await
            .map_err(backend_error)
    }

    async fn instance(&self, instance: &str) -> Result<InstanceData, BackendError> {
        pages::instance(&self.store, instance)
            .await
            .map_err(backend_error)
    }

    async fn timings(&self, window: Window) -> Result<TimingsData, BackendError> {
        pages::timings(&self.store, window)
            .await
            .map_err(backend_error)
    }

    async fn status(&self) -> Result<StatusData, BackendError> {
        let deployments = self.deployments().await.map_err(backend_error)?;
        let (quarantine, quarantine_total) = self
            .store
            .quarantine_list(StatusData::QUARANTINE_LIMIT)
            .await
            .map_err(backend_error)?;
        let size_bytes = self.store.database_size().await.map_err(backend_error)?;
        Ok(StatusData {
            deployments,
            quarantine,
            quarantine_total,
            database: DbInfo {
                backend: self.store.backend_name().to_string(),
                size_bytes,
            },
            subscribers: 0,
        })
    }

    async fn quarantined(&self, id: i64) -> Result<Option<QuarantineDetail>, BackendError> {
        let record = self.store.quarantined(id).await.map_err(backend_error)?;
        Ok(record.map(detail::quarantined))
    }
}
