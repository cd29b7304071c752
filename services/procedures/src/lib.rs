//! Gamme's procedures service: the asset tree, procedures and their revisions with four-eyes
//! approval, runs on the shop floor, search, statistics and the hash-chained audit log.
//!
//! `routes/` extracts, authorizes, calls the domain and answers; the domain modules hold the
//! rules as methods of the types they govern (the revision lifecycle in `lifecycle.rs` and
//! `revisions.rs`, run completion in `runs.rs`) and return [`error::ProcError`].

pub mod assets;
pub mod audit;
pub mod config;
pub mod diff;
pub mod error;
pub mod exchange;
pub mod library;
pub mod lifecycle;
pub mod openapi;
pub mod procedures;
pub mod results;
pub mod reviews;
pub mod revisions;
pub mod routes;
pub mod runs;
pub mod search;
pub mod stats;
pub mod steps;
pub mod validate;
pub mod views;

use actix_web::web;
use gamme_service_kit::{Backbone, Info, Parts, Service};

pub use config::ProceduresConfig;

/// The procedures service, as the kit runs it. Its handlers share the kit's `Store` and the
/// token `Authenticator`.
pub struct Procedures;

impl Service for Procedures {
    /// JSON bodies: a whole revision of 500 steps fits; a megabyte title does not.
    const INFO: Info = Info::new("procedures", 8182).json_limit(512 * 1024);
    type Config = ProceduresConfig;

    async fn build(config: ProceduresConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let (authenticator, user_events) = config.tokens.cached_authenticator(backbone);
        let authenticator = web::Data::new(authenticator);
        let store = web::Data::new(backbone.store());
        let views = web::Data::new(views::ReaderViews::new(config.view_cache_bytes));
        let view_events = views.clone().into_inner().listen(backbone.bus.clone(), backbone.shutdown.clone());
        Ok(Parts::new(move |cfg| {
            cfg.app_data(authenticator.clone())
                .app_data(store.clone())
                .app_data(views.clone())
                .configure(routes::configure);
        })
        .task("user events", user_events)
        .task("procedure view events", view_events))
    }
}

pub type Application = gamme_service_kit::Application<Procedures>;
