//! Gamme's files service: streamed uploads typed from their bytes and kept once per content,
//! downloads sent by nginx, signed links, thumbnails and document text.

pub mod config;
pub mod error;
pub mod links;
pub mod metadata;
pub mod openapi;
pub mod processing;
pub mod routes;
pub mod sniff;
pub mod storage;
pub mod sweeper;
pub mod text;
pub mod thumbnails;
pub mod worker;

use std::{net::TcpListener, sync::Arc};

use actix_web::web;
use anyhow::Context;
use gamme_auth_token::TokenConfig;
use gamme_bus::Backbone;
use gamme_db::PgPool;
use gamme_service_kit::{server, Env};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use config::FilesConfig;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8183";

/// What handlers share.
pub struct AppState {
    pub pool: PgPool,
    pub storage: Arc<dyn storage::Storage>,
    pub links: links::LinkSigner,
    pub config: FilesConfig,
    /// Wakes the outbox relay after a commit that added a message.
    pub outbox: Arc<Notify>,
}

impl AppState {
    pub fn link_ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.config.link_ttl).unwrap_or_else(|_| chrono::Duration::minutes(15))
    }
}

pub struct Application {
    service: server::Service,
}

impl Application {
    pub async fn build(env: &Env) -> anyhow::Result<Self> {
        let config = FilesConfig::from_env(env)?;
        let listener = server::bind(&config.common.http_addr)
            .with_context(|| format!("cannot listen on {}", config.common.http_addr))?;
        Self::build_with(config, TokenConfig::from_env(env), listener).await
    }

    pub async fn build_with(config: FilesConfig, tokens: TokenConfig, listener: TcpListener) -> anyhow::Result<Self> {
        let storage: Arc<dyn storage::Storage> = Arc::new(
            storage::LocalDisk::open(&config.files_dir)
                .with_context(|| format!("cannot use {} for files (GAMME_FILES_DIR)", config.files_dir.display()))?,
        );
        let backbone = Backbone::start(&config.common);
        let pool = backbone.pool.clone();
        let authenticator = web::Data::new(tokens.authenticator(pool.clone()));
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            storage: storage.clone(),
            links: links::LinkSigner::new(&config.url_secret),
            config: config.clone(),
            outbox: backbone.outbox.clone(),
        });

        // With the broker up, the queue exists before the first upload; with it down, the
        // consumer keeps trying, and the outbox holds the events meanwhile.
        if let Err(err) = tokio::time::timeout(std::time::Duration::from_secs(10), processing::declare(&backbone.bus))
            .await
            .map_err(|_| "timed out".to_owned())
            .and_then(|r| r.map_err(|e| e.to_string()))
        {
            tracing::warn!(error = %err, "the processing queue is not declared yet");
        }
        let processor = processing::Processor {
            pool: pool.clone(),
            storage: storage.clone(),
            outbox: backbone.outbox.clone(),
            runner: worker::Runner::detect(),
        };
        tokio::spawn(processing::catch_up(processor.clone(), backbone.shutdown.clone()));
        tokio::spawn(processing::run(processor, backbone.bus.clone(), backbone.shutdown.clone()));
        tokio::spawn(sweeper::run(pool, storage, config.sweep_interval, backbone.shutdown.clone()));

        let service = server::Service::start(
            listener,
            backbone.shutdown.clone(),
            config.common.shutdown_timeout,
            backbone.readiness(),
            64 * 1024,
            move |cfg: &mut web::ServiceConfig| {
                cfg.app_data(state.clone())
                    .app_data(authenticator.clone())
                    .service(web::scope("/api/files").configure(routes::configure));
            },
        )?;
        tracing::info!(port = service.port(), "gamme-files listening");
        Ok(Self { service })
    }

    pub fn port(&self) -> u16 {
        self.service.port()
    }

    /// Cancelling it stops the service as SIGTERM would.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.service.shutdown_token()
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.service.run().await
    }
}
