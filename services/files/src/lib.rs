//! Gamme's files service: streamed uploads typed from their bytes and kept once per content,
//! downloads sent by nginx, signed links, thumbnails and document text.

pub mod access;
pub mod config;
pub mod downloads;
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
pub mod uploads;
pub mod worker;

use std::{process::ExitCode, sync::Arc};

use actix_web::web;
use anyhow::Context;
use gamme_service_kit::{Backbone, Info, Parts, Service, Store};

pub use config::FilesConfig;

/// What handlers share.
pub struct AppState {
    pub store: Store,
    pub storage: Arc<dyn storage::Storage>,
    pub links: links::LinkSigner,
    pub config: FilesConfig,
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
        let store = backbone.store();
        let (authenticator, user_events) = config.tokens.cached_authenticator(backbone);
        let authenticator = web::Data::new(authenticator);
        let (sweep_interval, shutdown) = (config.sweep_interval, backbone.shutdown.clone());
        let processor = processing::Processor::new(store.clone(), storage.clone(), config.worker.clone(), &shutdown);
        let sweeper = sweeper::run(store.clone(), storage.clone(), sweep_interval, shutdown.clone());
        let state = web::Data::new(AppState {
            links: links::LinkSigner::new(&config.url_secret).with_ttl(config.link_ttl),
            store,
            storage,
            config,
        });
        Ok(Parts::new(move |cfg| {
            cfg.app_data(state.clone()).app_data(authenticator.clone()).configure(routes::configure);
        })
        .documented(&openapi::document())
        .task("processing catch-up", processing::catch_up(processor.clone(), shutdown.clone()))
        .task("processing", processing::run(processor, backbone.bus.clone(), shutdown))
        .task("sweeper", sweeper)
        .task("user events", user_events))
    }

    /// The thumbnail and text work runs in children of the service's own binary.
    fn subcommand(command: &str, args: &[String]) -> Option<ExitCode> {
        (command == "work").then(|| worker::child_main(args))
    }
}

pub type Application = gamme_service_kit::Application<Files>;
