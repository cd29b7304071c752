//! Gamme's AI worker: the jobs API (`/api/ai`) and the consumer of the AI job queue. Every
//! replica does both; operators scale it alone (`docker compose up --scale ai-worker=4`), and
//! the replicas compete for jobs on one quorum queue.

pub mod config;
pub mod jobs;
pub mod openapi;
pub mod proposal;
pub mod provider;
pub mod routes;
pub mod sources;
pub mod worker;

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_web::web;
use anyhow::Context;
use gamme_auth_token::TokenConfig;
use gamme_bus::Backbone;
use gamme_db::PgPool;
use gamme_service_kit::{server, Env};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use config::AiConfig;
use provider::{offline::Offline, openai::OpenAi, Assistant, Provider};

pub const DEFAULT_ADDR: &str = "127.0.0.1:8184";

/// What handlers share.
pub struct AppState {
    pub pool: PgPool,
    pub outbox: Arc<Notify>,
    pub provider: Arc<Provider>,
    pub max_open_jobs_per_user: i64,
}

pub struct Application {
    service: server::Service,
    /// The job consumer, awaited on shutdown so jobs in hand finish (up to the shutdown timeout).
    consumer: Option<tokio::task::JoinHandle<()>>,
    shutdown_timeout: Duration,
}

impl Application {
    pub async fn build(env: &Env) -> anyhow::Result<Self> {
        let config = AiConfig::from_env(env)?;
        let listener = server::bind(&config.common.http_addr)
            .with_context(|| format!("cannot listen on {}", config.common.http_addr))?;
        Self::build_with(config, TokenConfig::from_env(env), listener).await
    }

    pub async fn build_with(config: AiConfig, tokens: TokenConfig, listener: TcpListener) -> anyhow::Result<Self> {
        let provider = Arc::new(match &config.llm {
            Some(llm) => Provider::OpenAi(OpenAi::new(llm.clone()).context("building the model client")?),
            None => Provider::Offline(Offline),
        });
        tracing::info!(provider = provider.name(), model = provider.model().unwrap_or("-"), "AI provider");
        let backbone = Backbone::start(&config.common);
        let authenticator = web::Data::new(tokens.authenticator(backbone.pool.clone()));
        let state = web::Data::new(AppState {
            pool: backbone.pool.clone(),
            outbox: backbone.outbox.clone(),
            provider: provider.clone(),
            max_open_jobs_per_user: config.max_open_jobs_per_user,
        });
        let mut consumer = None;
        if config.consume {
            let worker = Arc::new(worker::Worker {
                pool: backbone.pool.clone(),
                provider,
                outbox: backbone.outbox.clone(),
                requeue_pause: config.requeue_pause,
            });
            let queue = backbone.bus.topology().ai_jobs_queue();
            consumer = Some(tokio::spawn(gamme_bus::consumer::run(
                backbone.bus.clone(),
                queue,
                config.concurrency,
                backbone.shutdown.clone(),
                move |msg| worker.clone().handle(msg),
            )));
            tokio::spawn(worker::sweep_abandoned(
                backbone.pool.clone(),
                Duration::from_secs(15 * 60),
                backbone.shutdown.clone(),
            ));
        }
        let service = server::Service::start(
            listener,
            backbone.shutdown.clone(),
            config.common.shutdown_timeout,
            backbone.readiness(),
            256 * 1024,
            move |cfg: &mut web::ServiceConfig| {
                cfg.app_data(authenticator.clone())
                    .app_data(state.clone())
                    .service(web::scope("/api/ai").configure(routes::configure));
            },
        )?;
        tracing::info!(port = service.port(), concurrency = config.concurrency, "gamme-ai-worker listening");
        Ok(Self { service, consumer, shutdown_timeout: config.common.shutdown_timeout })
    }

    pub fn port(&self) -> u16 {
        self.service.port()
    }

    /// Cancelling it stops the worker as SIGTERM would: no new jobs, those in hand finish.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.service.shutdown_token()
    }

    /// Serves until SIGTERM (or the shutdown token); then takes no new job, lets the jobs in
    /// hand finish and ack, and returns. Jobs still running after the shutdown timeout go back
    /// to the queue when the process exits without acking them.
    pub async fn run(self) -> std::io::Result<()> {
        let result = self.service.run().await;
        if let Some(consumer) = self.consumer {
            if tokio::time::timeout(self.shutdown_timeout, consumer).await.is_err() {
                tracing::warn!("jobs still running at the shutdown timeout go back to the queue");
            }
        }
        result
    }
}
