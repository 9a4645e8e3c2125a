//! [`ServerBackend`]: the store, the consumers' status board and the live hub's counters
//! behind the web app's port. It merges the counters into its own answers, so no caller
//! (server function or `/api/v1` handler) patches what it returns. The consumers are every
//! process's, from their heartbeats (`processes`), this process's own from its board.

use app::model::{
    DbInfo, DeploymentSummary, DrillData, EventDetail, EventFilter, EventPage, FeedData, Field,
    HomeData, InstanceData, Micros, ProcessStatus, QuarantineDetail, RequestData, ScopeData,
    ScopeKind, SearchQuery, StatusData, TimingsData, Window,
};
use app::ssr::{Backend, BackendError};

use super::demo::DemoStatus;
use super::processes::SharedStatus;
use super::verifier::verifier_status;
use super::{detail, lists, pages};
use super::{reports_pages, usage_pages};
use crate::live::Hub;
use crate::retention::Policy;
use crate::store::{Store, StoreError};
use crate::telemetry::status::StatusBoard;
use crate::telemetry::table_sizes;

/// The server side of the web app's data needs.
pub struct ServerBackend {
    pub store: Store,
    /// This process's consumers (and identity); the other processes' come from the database.
    pub board: StatusBoard,
    pub demo: DemoStatus,
    /// Names of deployments configured with `enabled: false`.
    pub disabled: Vec<String>,
    /// The live hub, for its in-memory counters: activity per deployment and subscribers.
    pub live: Hub,
    /// The retention policy, shown per table on the status page.
    pub retention: Policy,
}

/// A store failure as the port reports it (the text is logged, never shown to a browser).
pub(super) fn backend_error(e: StoreError) -> BackendError {
    BackendError(e.to_string())
}

impl ServerBackend {
    /// Every deployment with every process's consumers, the live hub's activity counters and
    /// its newest event; and every process that beat within the day.
    async fn deployments(
        &self,
    ) -> Result<(Vec<DeploymentSummary>, Vec<ProcessStatus>), StoreError> {
        let mut shared = SharedStatus::load(&self.store, &self.board).await?;
        let names = self.store.deployments().await?;
        let last = self.store.last_events().await?;
        let activity = self.live.activity_now();
        let deployments = names
            .into_iter()
            .map(|(id, name)| {
                let last_event = last
                    .iter()
                    .find(|(d, _, _)| *d == id)
                    .and_then(|(_, id, when)| id.zip(*when))
                    .map(|(id, when)| (id, Micros(when)));
                let counts = activity.iter().find(|a| a.deployment_id == id);
                DeploymentSummary {
                    id,
                    disabled: self.disabled.contains(&name),
                    consumers: shared.take_consumers(&name),
                    name,
                    per_minute: counts.map_or(0, |a| a.per_minute),
                    errors_hour: counts.map_or(0, |a| a.errors_hour),
                    last_event,
                }
            })
            .collect();
        Ok((deployments, shared.processes))
    }

    /// The tables' sizes as last sampled, each with the retention that applies to it.
    async fn table_sizes(&self) -> Result<app::model::TableSizes, StoreError> {
        let mut sizes = table_sizes::status(&self.store).await?;
        for table in &mut sizes.tables {
            table.retention = Some(self.retention.of_table(&table.table));
        }
        Ok(sizes)
    }

    /// The status page: deployments, the newest quarantined messages, the database (with its
    /// tables' sizes as last sampled), and the browsers watching a live feed.
    async fn status_data(&self) -> Result<StatusData, StoreError> {
        let (deployments, processes) = self.deployments().await?;
        let (quarantine, quarantine_total) = self
            .store
            .quarantine_list(StatusData::QUARANTINE_LIMIT)
            .await?;
        Ok(StatusData {
            deployments,
            quarantine,
            quarantine_total,
            database: DbInfo {
                backend: self.store.backend_name().to_string(),
                size_bytes: self.store.database_size().await?,
            },
            subscribers: self.live.subscribers() as u64,
            verifier: verifier_status(&self.store, self.board.metrics()).await?,
            table_sizes: self.table_sizes().await?,
            processes,
        })
    }
}

#[async_trait::async_trait]
impl Backend for ServerBackend {
    async fn home(&self) -> Result<HomeData, BackendError> {
        Ok(HomeData {
            deployments: self.deployments().await.map_err(backend_error)?.0,
            demo: self.demo.get(),
            demo_unroutable: self.demo.unroutable(),
        })
    }

    async fn feed(
        &self,
        filter: &EventFilter,
        limit: u32,
    ) -> Result<Option<FeedData>, BackendError> {
        lists::feed(&self.store, filter, limit)
            .await
            .map_err(backend_error)
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
        self.status_data().await.map_err(backend_error)
    }

    async fn quarantined(&self, id: i64) -> Result<Option<QuarantineDetail>, BackendError> {
        let record = self.store.quarantined(id).await.map_err(backend_error)?;
        Ok(record.map(detail::quarantined))
    }

    async fn usage_overview(&self) -> Result<app::model::UsageOverview, BackendError> {
        usage_pages::overview(&self.store)
            .await
            .map_err(backend_error)
    }

    async fn usage_list(
        &self,
        query: &app::model::UsageQuery,
    ) -> Result<app::model::UsagePage, BackendError> {
        usage_pages::list(&self.store, query)
            .await
            .map_err(backend_error)
    }

    async fn reports(
        &self,
        query: &app::model::ReportsQuery,
    ) -> Result<app::model::ReportsPage, BackendError> {
        reports_pages::list(&self.store, query)
            .await
            .map_err(backend_error)
    }

    async fn report(&self, id: i64) -> Result<Option<app::model::ReportDetail>, BackendError> {
        reports_pages::one(&self.store, id)
            .await
            .map_err(backend_error)
    }
}
