//! Gamme's AI worker: the jobs API (`/api/ai`) and the consumer of the AI job queue. Every
//! replica does both; operators scale it alone (`docker compose up --scale ai-worker=4`), and
//! the replicas compete for jobs on one quorum queue.

pub mod config;
pub mod error;
pub mod jobs;
pub mod openapi;
pub mod proposal;
pub mod provider;
pub mod routes;
pub mod sources;
pub mod texts;
pub mod worker;

use std::sync::Arc;

use actix_web::web;
use anyhow::Context;
use gamme_service_kit::{Backbone, Info, Parts, Service, Store};

pub use config::AiConfig;
use provider::{offline::Offline, openai::OpenAi, Assistant, Provider};

/// What handlers share.
pub struct AppState {
    pub store: Store,
    pub provider: Arc<Provider>,
    pub max_open_jobs_per_user: i64,
}

/// The AI worker, as the kit runs it. On SIGTERM it takes no new job and finishes the jobs in
/// hand (the kit awaits its consumer up to the shutdown timeout); jobs still running after that
/// go back to the queue when the process exits without acking them.
pub struct AiWorker;

impl Service for AiWorker {
    const INFO: Info = Info::new("ai-worker", 8184).json_limit(256 * 1024).work_queues(&[worker::JOBS]);
    type Config = AiConfig;

    async fn build(config: AiConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let provider = Arc::new(match &config.llm {
            Some(llm) => Provider::OpenAi(OpenAi::new(llm.clone()).context("building the model client")?),
            None => Provider::Offline(Offline),
        });
        tracing::info!(provider = provider.name(), model = provider.model().unwrap_or("-"), "AI provider");
        let store = backbone.store();
        let (authenticator, user_events) = config.tokens.cached_authenticator(backbone);
        let authenticator = web::Data::new(authenticator);
        let state = web::Data::new(AppState {
            store: store.clone(),
            provider: provider.clone(),
            max_open_jobs_per_user: config.max_open_jobs_per_user,
        });
        let parts = Parts::new(move |cfg| {
            cfg.app_data(authenticator.clone()).app_data(state.clone()).configure(routes::configure);
        })
        .documented(&openapi::document())
        .task("user events", user_events);
        if !config.consume {
            return Ok(parts);
        }
        tracing::info!(concurrency = config.concurrency, "consuming AI jobs");
        let texts = Arc::new(texts::TextReady::default());
        let worker = Arc::new(worker::Worker {
            store: store.clone(),
            provider,
            texts: texts.clone(),
            requeue_pause: config.requeue_pause,
            lease: config.lease,
        });
        let queue = backbone.bus.topology().queue(worker::JOBS.name);
        let dead_letters = backbone.bus.topology().dead_letter_queue(&worker::JOBS);
        let (bus, shutdown) = (backbone.bus.clone(), backbone.shutdown.clone());
        let listener = gamme_bus::consumer::listen(bus.clone(), texts::EVENTS, shutdown.clone(), move |heard| {
            if let gamme_bus::Heard::Event(m) = heard {
                texts.heard(m);
            }
        });
        let jobs = gamme_bus::consumer::run(bus.clone(), queue, config.concurrency, shutdown.clone(), move |msg| {
            worker.clone().handle(msg)
        });
        let dead_store = store.clone();
        let dead = gamme_bus::consumer::run(bus, dead_letters, 4, shutdown.clone(), move |msg| {
            worker::handle_dead_letter(dead_store.clone(), msg)
        });
        let expired = worker::sweep(store, config.lease / 3, config.resend_after, shutdown);
        Ok(parts
            .task("AI job consumer", jobs)
            .task("AI dead-letter consumer", dead)
            .task("document text listener", listener)
            .task("expired lease sweep", expired))
    }
}

pub type Application = gamme_service_kit::Application<AiWorker>;
