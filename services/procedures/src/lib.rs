//! Gamme's procedures service: the asset tree, procedures and their revisions with four-eyes
//! approval, runs on the shop floor, search, statistics and the hash-chained audit log.

pub mod assets;
pub mod audit;
pub mod config;
pub mod diff;
pub mod error;
pub mod exchange;
pub mod openapi;
pub mod procedures;
pub mod revisions;
pub mod routes;
pub mod runs;
pub mod search;
pub mod stats;
pub mod steps;
pub mod validate;

use std::sync::Arc;

use actix_web::web;
use diesel::{Connection, PgConnection};
use gamme_db::PgPool;
use gamme_service_kit::{Backbone, Info, Parts, Service};
use tokio::sync::Notify;

pub use config::ProceduresConfig;

use crate::error::ProcError;

/// The time as Postgres keeps it (microseconds), so what a change answers is what a later
/// read shows.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
/// What handlers share.
pub struct AppState {
    pub pool: PgPool,
    /// Wakes the outbox relay after a commit that added a message.
    pub outbox: Arc<Notify>,
}

impl AppState {
    /// Runs `f` on a pooled connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ProcError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ProcError> + Send + 'static,
        T: Send + 'static,
    {
        gamme_db::run(&self.pool, f).await
    }

    /// Runs `f` in one transaction, then wakes the outbox relay.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ProcError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ProcError> + Send + 'static,
        T: Send + 'static,
    {
        let out = gamme_db::run(&self.pool, move |conn| conn.transaction(f)).await?;
        self.outbox.notify_one();
        Ok(out)
    }
}

/// The procedures service, as the kit runs it.
pub struct Procedures;

impl Service for Procedures {
    /// JSON bodies: a whole revision of 500 steps fits; a megabyte title does not.
    const INFO: Info = Info::new("procedures", 8182).json_limit(512 * 1024);
    type Config = ProceduresConfig;

    async fn build(config: ProceduresConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let authenticator = web::Data::new(config.tokens.authenticator(backbone.pool.clone()));
        let state = web::Data::new(AppState { pool: backbone.pool.clone(), outbox: backbone.outbox.clone() });
        Ok(Parts::new(move |cfg| {
            cfg.app_data(authenticator.clone()).app_data(state.clone()).configure(routes::configure);
        }))
    }
}

pub type Application = gamme_service_kit::Application<Procedures>;
