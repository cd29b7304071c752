//! Gamme's procedures service: the asset tree, procedures and their revisions with four-eyes
//! approval, runs on the shop floor, search, statistics and the sealed audit log.
//!
//! `routes/` extracts, authorizes, calls the domain and answers; the domain modules hold the
//! rules as methods of the types they govern (the revision lifecycle in `lifecycle.rs` and
//! `revisions.rs`, run completion in `runs.rs`) and return [`error::ProcError`].

pub mod assets;
pub mod audit;
pub mod audit_chain;
pub mod audit_entries;
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
pub mod run_contents;
pub mod runs;
pub mod safety;
pub mod search;
pub mod signatures;
pub mod stats;
pub mod steps;
pub mod validate;
pub mod views;

use actix_web::web;
use gamme_service_kit::{Backbone, Info, Parts, Service};

pub use config::ProceduresConfig;

/// Lower-case hex of `bytes`: digests and seals as they are stored and shown.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The procedures service, as the kit runs it. Its handlers share the kit's `Store` and the
/// token `Authenticator`.
pub struct Procedures;

impl Service for Procedures {
    /// JSON bodies: a whole revision of 500 steps fits; a megabyte title does not.
    const INFO: Info = Info::new("procedures", 8182).json_limit(512 * 1024).event_queues(&[audit_entries::QUEUE]);
    type Config = ProceduresConfig;

    async fn build(config: ProceduresConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let (authenticator, user_events) = config.tokens.cached_authenticator(backbone);
        let authenticator = web::Data::new(authenticator);
        let store = web::Data::new(backbone.store());
        let signing = web::Data::new(config.signing);
        let views = web::Data::new(views::ReaderViews::new(config.view_cache_bytes));
        let run_contents = web::Data::new(run_contents::RunContents::default());
        let view_events = views.clone().into_inner().listen(backbone.bus.clone(), backbone.shutdown.clone());
        let chain = web::Data::new(audit_chain::AuditChain::new(&config.audit_key, config.audit_checkpoint.clone()));
        if config.audit_checkpoint.is_none() {
            tracing::warn!(
                "GAMME_AUDIT_CHECKPOINT is not set: removing entries from the audit chain's end goes unnoticed"
            );
        }
        let sealer = audit_chain::run(chain.clone().into_inner(), backbone.store(), backbone.shutdown.clone());
        Ok(Parts::new(move |cfg| {
            cfg.app_data(authenticator.clone())
                .app_data(store.clone())
                .app_data(views.clone())
                .app_data(run_contents.clone())
                .app_data(chain.clone())
                .app_data(signing.clone())
                .configure(routes::configure);
        })
        .documented(&openapi::document())
        .task("user events", user_events)
        .task("procedure view events", view_events)
        .task("audit sealer", sealer)
        .task("audit entries", audit_entries::run(backbone.store(), backbone.bus.clone(), backbone.shutdown.clone())))
    }
}

pub type Application = gamme_service_kit::Application<Procedures>;
