//! Building and running the application: [`Application::build`] opens and migrates the store,
//! registers the deployments and binds the port ([`Application::build_with_auth`] also checks
//! the authentication settings against the address first); [`Application::run`] runs the
//! consumers, the demo and the web server until shutdown, then stops them in order. A
//! deployment stopped by `exit_on_exception` ends neither the web server nor the other
//! deployments; a worker ends once none of its deployments is left (see `consumers`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use app::model::ConsumerState;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::auth::authenticator;
use super::billing::BillingSettings;
use super::consumers::{spawn as spawn_consumer, until_all_stopped, Consumers};
use super::demo::Demo;
use super::site::leptos_options;
use crate::amqp::ConsumerContext;
use crate::cmd::verify::load_config as load_verifier_config;
use crate::config::auth::AuthSettings;
use crate::config::{DatabaseUrl, DeploymentConfig, DeploymentsFile};
use crate::http::auth::Authenticator;
use crate::http::router::router;
use crate::http::web::{DemoStatus, ServerBackend};
use crate::http::worker::{self, WorkerState};
use crate::http::AppState;
use crate::ingest::{DeploymentRef, Ingestor};
use crate::live::Hub;
use crate::notification::Redaction;
use crate::retention::Policy;
use crate::store::Store;
use crate::telemetry::status::StatusBoard;
use crate::verifier::run::{RunSettings, Verifier};

/// What to run. `Debug` shows the database URL with its password masked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub deployments: DeploymentsFile,
    pub database_url: DatabaseUrl,
    /// Where to serve HTTP; `None`: nowhere (`stacktach worker` without `--listen`).
    pub listen: Option<SocketAddr>,
    /// Serve the web app and the APIs on `listen` (`serve`); `false`: only readiness
    /// `/healthz` and `/metrics` (`worker --listen`).
    pub web: bool,
    pub consumers: bool,
    pub demo: bool,
    /// Where cargo-leptos put the site (`pkg/` with the wasm, JS and CSS).
    pub site_root: PathBuf,
    /// The verifier, the `/db` write token, the daily reports (all off by default).
    pub billing: BillingSettings,
    /// The credential keys blanked in bodies before they are stored (`Default`: the
    /// default list; [`Redaction::keep`]: none).
    pub redaction: Redaction,
    /// What `serve`/`worker` prune on their schedule; the status page shows it per table.
    pub retention: Policy,
}

/// A built application: the store is migrated, the port is bound, nothing runs yet.
pub struct Application {
    settings: Settings,
    listener: Option<TcpListener>,
    store: Store,
    hub: Hub,
    board: StatusBoard,
    deployments: Vec<DeploymentRef>,
    /// The usage verifier to run in this process, when a verifier config was given.
    verifier: Option<RunSettings>,
    /// Who may use the web server's surfaces.
    auth: Arc<Authenticator>,
}

impl Application {
    /// [`Self::build_with_auth`] with authentication mode `none` (so on loopback only).
    ///
    /// # Errors
    /// As [`Self::build_with_auth`].
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_auth(settings, AuthSettings::default()).await
    }

    /// Checks `auth` (mode `none` serves a non-loopback address only with `--insecure`, and
    /// warns then), reads its users file, opens and migrates the store, registers the
    /// deployments, and binds the listener. A worker's `/healthz` and `/metrics` are not
    /// authenticated, so `auth` applies to the web server only.
    ///
    /// # Errors
    /// Mode `none` on a non-loopback address without `--insecure`, a mode without what it
    /// needs, a bad users file, an unreachable database, a failed migration, or a port that
    /// cannot be bound.
    pub async fn build_with_auth(settings: Settings, auth: AuthSettings) -> anyhow::Result<Self> {
        let web_listen = settings.listen.filter(|_| settings.web);
        let auth = authenticator(&auth, web_listen, settings.billing.db_api_token.as_ref())?;
        let verifier = match &settings.billing.verifier_config {
            Some(path) => Some(RunSettings::from_config(&load_verifier_config(path)?)),
            None => None,
        };
        let store = Store::connect(settings.database_url.expose())
            .await
            .with_context(|| format!("cannot open the database {}", settings.database_url))?;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        let board = StatusBoard::default();
        let mut deployments = Vec::new();
        for cfg in &settings.deployments.deployments {
            let id = store.ensure_deployment(&cfg.name).await?;
            let state = if !cfg.enabled {
                ConsumerState::Disabled
            } else if settings.consumers {
                ConsumerState::Connecting
            } else {
                ConsumerState::Stopped
            };
            for topics in &cfg.topics {
                board.register(&cfg.name, &topics.exchange, state);
            }
            deployments.push(DeploymentRef {
                id,
                name: cfg.name.clone(),
            });
        }
        let listener = match settings.listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?,
            ),
            None => None,
        };
        Ok(Self {
            settings,
            listener,
            store,
            hub: Hub::new(),
            board,
            deployments,
            verifier,
            auth,
        })
    }

    /// The bound port (tests bind port 0).
    pub fn port(&self) -> Option<u16> {
        self.listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .map(|a| a.port())
    }

    /// The store (tests inspect it).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The consumers' status board (tests inspect it).
    pub fn board(&self) -> &StatusBoard {
        &self.board
    }

    /// Runs consumers, demo and web server until `shutdown` is cancelled, then stops them:
    /// consumers finish or abandon their current batch (never acking uncommitted messages).
    /// A deployment that stops (`exit_on_exception`) is shown `stopped` with its error while
    /// everything else goes on; without the web app (`worker`) the run ends when every
    /// deployment has stopped.
    ///
    /// # Errors
    /// The web server failing, or (without the web app) every deployment stopped with
    /// `exit_on_exception` ([`super::WorkerStopped`]).
    pub async fn run(mut self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let ingestor = Ingestor::new(self.store.clone(), self.hub.clone())
            .with_redaction(self.settings.redaction.clone());
        if self.settings.redaction.is_keep() {
            tracing::warn!("Credentials are kept: bodies are stored with their tokens and passwords (--keep-credentials).");
        }
        let demo_status = DemoStatus::default();
        // The tail takes its cursor before anything commits or subscribes (see `Tail::start`).
        let tail = if self.settings.web {
            let (store, hub) = (self.store.clone(), self.hub.clone());
            crate::live::Tail::start(store, hub, &shutdown).await
        } else {
            None
        };
        let mut consumers = self.spawn_consumers(&ingestor, &shutdown);
        let mut background = self.spawn_demo(&ingestor, &demo_status, &shutdown);
        self.spawn_verifier(&mut background, &shutdown);
        let (store, metrics) = (self.store.clone(), self.board.metrics().clone());
        background.spawn(crate::telemetry::table_sizes::run(
            store,
            metrics,
            shutdown.clone(),
        ));
        // Every process beats (the shared status board); a web node shows every process's.
        let kind = app::model::ProcessKind::of(self.settings.web, self.settings.consumers);
        let (store, board) = (self.store.clone(), self.board.clone());
        let beat = crate::telemetry::heartbeat::Heartbeat::new(store, board, kind);
        background.spawn(beat.run(shutdown.clone()));
        if let Some(tail) = tail {
            background.spawn(tail.run(shutdown.clone()));
        }
        if self.settings.billing.daily_reports {
            let store = self.store.clone();
            background.spawn(crate::reports::run_daily(store, shutdown.clone()));
        }
        let outcome = match self.listener.take() {
            // `serve`: stopped deployments are the status page's news, not the end.
            Some(listener) if self.settings.web => {
                self.serve_http(listener, demo_status, shutdown.clone())
                    .await
            }
            Some(listener) => {
                let http = self.serve_http(listener, demo_status, shutdown.clone());
                tokio::select! {
                    result = http => result,
                    Err(e) = until_all_stopped(&mut consumers, &shutdown) => Err(e.into()),
                }
            }
            None => until_all_stopped(&mut consumers, &shutdown)
                .await
                .map_err(Into::into),
        };
        shutdown.cancel();
        while consumers.join_next().await.is_some() {}
        while background.join_next().await.is_some() {}
        self.store.close().await;
        outcome
    }

    /// The enabled deployments with their store rows.
    fn enabled(&self) -> impl Iterator<Item = (&DeploymentConfig, &DeploymentRef)> {
        let configs = self.settings.deployments.deployments.iter();
        configs.zip(&self.deployments).filter(|(c, _)| c.enabled)
    }

    /// One reconnecting consumer task per enabled deployment (none with `--no-consumers`).
    fn spawn_consumers(&self, ingestor: &Ingestor, shutdown: &CancellationToken) -> Consumers {
        let mut consumers = Consumers::new();
        if !self.settings.consumers {
            return consumers;
        }
        for (cfg, dep) in self.enabled() {
            let ctx = ConsumerContext {
                config: cfg.clone(),
                deployment: dep.clone(),
                ingestor: ingestor.clone(),
                board: self.board.clone(),
                process_timeout: self.settings.deployments.process_timeout,
                shutdown: shutdown.clone(),
            };
            spawn_consumer(&mut consumers, ctx);
        }
        consumers
    }

    /// The demo task on the first enabled deployment, with `--demo`.
    fn spawn_demo(
        &self,
        ingestor: &Ingestor,
        status: &DemoStatus,
        shutdown: &CancellationToken,
    ) -> JoinSet<()> {
        let mut background = JoinSet::new();
        if !self.settings.demo {
            return background;
        }
        match self.enabled().next() {
            Some((cfg, dep)) => {
                let demo = Demo {
                    config: cfg.clone(),
                    deployment: dep.clone(),
                    ingestor: ingestor.clone(),
                    status: status.clone(),
                    metrics: self.board.metrics().clone(),
                    shutdown: shutdown.clone(),
                };
                background.spawn(demo.run());
            }
            None => tracing::warn!("--demo needs an enabled deployment in the deployments file."),
        }
        background
    }

    /// The usage verifier's task, when configured; its metrics go to this process's registry
    /// (so `/metrics` and the status page show its passes).
    fn spawn_verifier(&self, background: &mut JoinSet<()>, shutdown: &CancellationToken) {
        let Some(settings) = self.verifier.clone() else {
            return;
        };
        let verifier = Verifier::new(self.store.clone(), settings, self.board.metrics().clone());
        let shutdown = shutdown.clone();
        background.spawn(async move {
            if let Err(e) = verifier.run(shutdown).await {
                tracing::error!(error = %e, "The verifier stopped: cannot reset its rows left in progress.");
            }
        });
    }

    /// Serves the web app (or, for a worker, its readiness and metrics) until shutdown.
    async fn serve_http(
        &self,
        listener: TcpListener,
        demo: DemoStatus,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let routes = if self.settings.web {
            self.web_router(&listener, demo)?
        } else {
            worker::router(WorkerState {
                store: self.store.clone(),
                board: self.board.clone(),
                hub: self.hub.clone(),
            })
        };
        // The peer address reaches the handlers: proxy mode trusts a header only from the
        // allow-listed proxies, and failures are limited per client.
        let routes = routes.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, routes)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
            .context("the web server failed")
    }

    /// The web app, `/stacky`, `/api/v1`, the live feed and the operational endpoints.
    fn web_router(&self, listener: &TcpListener, demo: DemoStatus) -> anyhow::Result<Router> {
        let disabled = self.settings.deployments.deployments.iter();
        let backend = Arc::new(ServerBackend {
            store: self.store.clone(),
            board: self.board.clone(),
            demo,
            disabled: disabled
                .filter(|d| !d.enabled)
                .map(|d| d.name.clone())
                .collect(),
            live: self.hub.clone(),
            retention: self.settings.retention.clone(),
        });
        let leptos = leptos_options(&self.settings.site_root, listener.local_addr()?);
        let state = AppState {
            leptos,
            store: self.store.clone(),
            hub: self.hub.clone(),
            backend,
            metrics: self.board.metrics().clone(),
            auth: self.auth.clone(),
        };
        Ok(router(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_database_password() {
        let deployments = crate::config::parse(
            std::path::Path::new("d.json"),
            r#"{"deployments": [{"name": "east", "rabbit_password": "SECRET"}]}"#,
        )
        .expect("parses");
        for (url, shown) in [
            (
                "postgres://u:SECRET@h/db?password=SECRET",
                "postgres://u:***@h/db?password=***",
            ),
            (
                "mysql://u:SECRET@localhost/db?socket=%2frun%2fmysqld%2fmysqld.sock",
                "mysql://u:***@localhost/db?socket=%2frun%2fmysqld%2fmysqld.sock",
            ),
        ] {
            let settings = Settings {
                deployments: deployments.clone(),
                database_url: DatabaseUrl::from(url),
                listen: None,
                web: false,
                consumers: true,
                demo: false,
                site_root: PathBuf::from("target/site"),
                billing: BillingSettings::default(),
                redaction: Redaction::default(),
                retention: Policy::default(),
            };
            let debug = format!("{settings:?}");
            assert!(!debug.contains("SECRET"), "{debug}");
            assert!(debug.contains(shown), "{debug}");
        }
    }
}
