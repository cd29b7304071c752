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

use std::{process::ExitCode, sync::Arc};

use actix_web::web;
use anyhow::Context;
use gamme_db::PgPool;
use gamme_service_kit::{Backbone, Info, Parts, Service};
use tokio::sync::Notify;

pub use config::FilesConfig;

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

/// The files service, as the kit runs it.
pub struct Files;

impl Service for Files {
    const INFO: Info = Info::new("files", 8183).event_queues(&[processing::QUEUE]);
    type Config = FilesConfig;

    async fn build(config: FilesConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let storage: Arc<dyn storage::Storage> = Arc::new(
            storage::LocalDisk::open(&config.files_dir)
                .with_context(|| format!("cannot use {} for files (GAMME_FILES_DIR)", config.files_dir.display()))?,
        );
        let pool = backbone.pool.clone();
        let authenticator = web::Data::new(config.tokens.authenticator(pool.clone()));
        let processor = processing::Processor {
            pool: pool.clone(),
            storage: storage.clone(),
            outbox: backbone.outbox.clone(),
            runner: worker::Runner::detect(),
        };
        let (sweep_interval, shutdown) = (config.sweep_interval, backbone.shutdown.clone());
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            storage: storage.clone(),
            links: links::LinkSigner::new(&config.url_secret),
            config,
            outbox: backbone.outbox.clone(),
        });
        Ok(Parts::new(move |cfg| {
            cfg.app_data(state.clone())
                .app_data(authenticator.clone())
                .service(web::scope("/api/files").configure(routes::configure));
        })
        .task("processing catch-up", processing::catch_up(processor.clone(), shutdown.clone()))
        .task("processing", processing::run(processor, backbone.bus.clone(), shutdown.clone()))
        .task("sweeper", sweeper::run(pool, storage, sweep_interval, shutdown)))
    }

    /// The thumbnail and text work runs in children of the service's own binary.
    fn subcommand(command: &str, args: &[String]) -> Option<ExitCode> {
        (command == "work").then(|| worker::child_main(args))
    }
}

pub type Application = gamme_service_kit::Application<Files>;
