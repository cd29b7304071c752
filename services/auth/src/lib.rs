//! Gamme's auth service: first-run setup, sign-in with rotating refresh tokens, user
//! administration, signing keys and the JWKS every other service verifies tokens with.

pub mod config;
pub mod error;
pub mod keys;
pub mod openapi;
pub mod passwords;
pub mod routes;
pub mod sessions;
pub mod throttle;
pub mod users;

use std::{net::TcpListener, sync::Arc};

use actix_web::web;
use anyhow::Context;
use gamme_auth_token::{Authenticator, JwksCache, Verifier};
use gamme_bus::Backbone;
use gamme_db::PgPool;
use gamme_service_kit::{server, Env};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use config::AuthConfig;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8181";

/// What handlers share.
pub struct AppState {
    pub pool: PgPool,
    pub keys: keys::KeyRing,
    pub config: AuthConfig,
    /// Wakes the outbox relay after a commit that added a message.
    pub outbox: Arc<Notify>,
}

pub struct Application {
    service: server::Service,
}

impl Application {
    pub async fn build(env: &Env) -> anyhow::Result<Self> {
        let config = AuthConfig::from_env(env)?;
        let listener = server::bind(&config.common.http_addr)
            .with_context(|| format!("cannot listen on {}", config.common.http_addr))?;
        Self::build_with(config, listener).await
    }

    pub async fn build_with(config: AuthConfig, listener: TcpListener) -> anyhow::Result<Self> {
        let common = &config.common;
        let backbone = Backbone::start(common);
        let pool = backbone.pool.clone();
        let prepared = async {
            let keys = keys::KeyRing::load(&pool, config.private_key.as_ref()).await.context("loading signing keys")?;
            routes::setup::bootstrap_admin(&pool, &config)
                .await
                .context("creating the admin from GAMME_ADMIN_EMAIL")?;
            anyhow::Ok(keys)
        };
        let keys = match prepared.await {
            Ok(keys) => keys,
            Err(err) => {
                backbone.shutdown.cancel();
                return Err(err);
            }
        };
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            keys: keys.clone(),
            config: config.clone(),
            outbox: backbone.outbox.clone(),
        });

        let verifier = Verifier::new(JwksCache::with_keys(keys.decoding_keys()), &config.issuer, &config.audience);
        let authenticator = web::Data::new(Authenticator::new(verifier, pool.clone()));
        let service = server::Service::start(
            listener,
            backbone.shutdown.clone(),
            config.common.shutdown_timeout,
            backbone.readiness(),
            16 * 1024,
            move |cfg: &mut web::ServiceConfig| {
                cfg.app_data(state.clone())
                    .app_data(authenticator.clone())
                    .service(web::scope("/api/auth").configure(routes::configure));
            },
        )?;
        tracing::info!(port = service.port(), "gamme-auth listening");
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
