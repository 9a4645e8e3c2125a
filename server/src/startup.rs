//! Building and running the application: store, consumers, demo, and the web server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use app::model::ConsumerState;
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::amqp::{run_deployment, ConsumerContext};
use crate::backend::{DemoStatus, ServerBackend};
use crate::config::DeploymentsFile;
use crate::demo::Demo;
use crate::http::{router, AppState};
use crate::ingest::{DeploymentRef, Ingestor};
use crate::live::Hub;
use crate::status::StatusBoard;
use crate::store::Store;

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub deployments: DeploymentsFile,
    pub database_url: String,
    /// `None`: no web server (`stacktach worker`).
    pub listen: Option<SocketAddr>,
    pub consumers: bool,
    pub demo: bool,
    /// Where cargo-leptos put the site (`pkg/` with the wasm, JS and CSS).
    pub site_root: PathBuf,
}

/// A built application: the store is migrated, the port is bound, nothing runs yet.
pub struct Application {
    settings: Settings,
    listener: Option<TcpListener>,
    store: Store,
    hub: Hub,
    board: StatusBoard,
    deployments: Vec<DeploymentRef>,
}

impl Application {
    /// Opens and migrates the store, registers the deployments, and binds the listener.
    ///
    /// # Errors
    /// An unreachable database, a failed migration, or a port that cannot be bound.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store = Store::connect(&settings.database_url)
            .await
            .with_context(|| {
                format!(
                    "cannot open the database {}",
                    redact(&settings.database_url)
                )
            })?;
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
    ///
    /// # Errors
    /// The web server failing, or a consumer stopping with `exit_on_exception`.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let ingestor = Ingestor::new(self.store.clone(), self.hub.clone());
        let demo_status = DemoStatus::default();
        let mut consumers = JoinSet::new();
        if self.settings.consumers {
            for (cfg, dep) in self
                .settings
                .deployments
                .deployments
                .iter()
                .zip(&self.deployments)
            {
                if !cfg.enabled {
                    continue;
                }
                let ctx = ConsumerContext {
                    config: cfg.clone(),
                    deployment: dep.clone(),
                    ingestor: ingestor.clone(),
                    board: self.board.clone(),
                    shutdown: shutdown.clone(),
                };
                consumers.spawn(run_deployment(ctx));
            }
        }
        let mut background = JoinSet::new();
        if self.settings.demo {
            let target = self
                .settings
                .deployments
                .deployments
                .iter()
                .zip(&self.deployments)
                .find(|(c, _)| c.enabled);
            match target {
                Some((cfg, dep)) => {
                    let demo = Demo {
                        config: cfg.clone(),
                        deployment: dep.clone(),
                        ingestor: ingestor.clone(),
                        status: demo_status.clone(),
                        shutdown: shutdown.clone(),
                    };
                    background.spawn(demo.run());
                }
                None => {
                    tracing::warn!("--demo needs an enabled deployment in the deployments file.")
                }
            }
        }
        if let Some(listener) = self.listener {
            let backend = Arc::new(ServerBackend {
                store: self.store.clone(),
                board: self.board.clone(),
                demo: demo_status,
                disabled: self
                    .settings
                    .deployments
                    .deployments
                    .iter()
                    .filter(|d| !d.enabled)
                    .map(|d| d.name.clone())
                    .collect(),
            });
            let leptos = leptos_options(&self.settings.site_root, listener.local_addr()?);
            let state = AppState {
                leptos,
                store: self.store.clone(),
                hub: self.hub.clone(),
                backend,
            };
            let app = router(state);
            let web_shutdown = shutdown.clone();
            let server = axum::serve(listener, app)
                .with_graceful_shutdown(async move { web_shutdown.cancelled().await });
            tokio::select! {
                result = server => result.context("the web server failed")?,
                Some(Ok(Err(e))) = consumers.join_next() => {
                    shutdown.cancel();
                    return Err(e).context("a consumer stopped (exit_on_exception)");
                }
            }
        } else {
            while let Some(joined) = consumers.join_next().await {
                if let Ok(Err(e)) = joined {
                    shutdown.cancel();
                    return Err(e).context("a consumer stopped (exit_on_exception)");
                }
            }
        }
        shutdown.cancel();
        while consumers.join_next().await.is_some() {}
        while background.join_next().await.is_some() {}
        self.store.close().await;
        Ok(())
    }
}

/// Leptos options for a site under `site_root`, served at `addr`.
pub fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("stacktach")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Finds the site cargo-leptos built: `$LEPTOS_SITE_ROOT`, else `target/site` under the
/// current directory, else `../site` next to the binary (`target/release/stacktach`).
pub fn default_site_root() -> PathBuf {
    if let Ok(root) = std::env::var("LEPTOS_SITE_ROOT") {
        return PathBuf::from(root);
    }
    let cwd = PathBuf::from("target/site");
    if cwd.join("pkg").is_dir() {
        return cwd;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(Path::parent).map(|t| t.join("site")))
        .filter(|p| p.join("pkg").is_dir())
        .unwrap_or(cwd)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://stacktach.db"), "sqlite://stacktach.db");
    }
}
