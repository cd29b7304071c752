//! Gamme's procedures service: the asset tree, procedures and their revisions with four-eyes
//! approval, runs on the shop floor, search, statistics and the hash-chained audit log.

pub mod assets;
pub mod audit;
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

use std::{net::TcpListener, sync::Arc};

use actix_web::web;
use anyhow::Context;
use diesel::{Connection, PgConnection};
use gamme_auth_token::TokenConfig;
use gamme_bus::Backbone;
use gamme_db::PgPool;
use gamme_service_kit::{config::CommonConfig, server, Env};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::error::ProcError;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8182";

/// The time as Postgres keeps it (microseconds), so what a change answers is what a later
/// read shows.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
/// Largest JSON body: a whole revision of 500 steps fits; a megabyte title does not.
pub const JSON_LIMIT: usize = 512 * 1024;

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

pub struct Application {
    service: server::Service,
}

impl Application {
    pub async fn build(env: &Env) -> anyhow::Result<Self> {
        let common = CommonConfig::from_env(env, "procedures", 8182)?;
        let listener =
            server::bind(&common.http_addr).with_context(|| format!("cannot listen on {}", common.http_addr))?;
        Self::build_with(common, TokenConfig::from_env(env), listener).await
    }

    pub async fn build_with(common: CommonConfig, tokens: TokenConfig, listener: TcpListener) -> anyhow::Result<Self> {
        let backbone = Backbone::start(&common);
        let authenticator = web::Data::new(tokens.authenticator(backbone.pool.clone()));
        let state = web::Data::new(AppState { pool: backbone.pool.clone(), outbox: backbone.outbox.clone() });
        let service = server::Service::start(
            listener,
            backbone.shutdown.clone(),
            common.shutdown_timeout,
            backbone.readiness(),
            JSON_LIMIT,
            move |cfg: &mut web::ServiceConfig| {
                cfg.app_data(authenticator.clone()).app_data(state.clone()).configure(routes::configure);
            },
        )?;
        tracing::info!(port = service.port(), "gamme-procedures listening");
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
