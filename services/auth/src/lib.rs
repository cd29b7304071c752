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

use std::sync::Arc;

use actix_web::web;
use anyhow::Context;
use gamme_auth_token::{Authenticator, JwksCache, Verifier};
use gamme_db::PgPool;
use gamme_service_kit::{Backbone, Info, Parts, Service};
use tokio::sync::Notify;

pub use config::AuthConfig;

/// What handlers share.
pub struct AppState {
    pub pool: PgPool,
    pub keys: keys::KeyRing,
    pub config: AuthConfig,
    /// Wakes the outbox relay after a commit that added a message.
    pub outbox: Arc<Notify>,
}

/// The auth service, as the kit runs it.
pub struct Auth;

impl Service for Auth {
    const INFO: Info = Info::new("auth", 8181).json_limit(16 * 1024);
    type Config = AuthConfig;

    async fn build(config: AuthConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let pool = backbone.pool.clone();
        let keys = keys::KeyRing::load(&pool, config.private_key.as_ref()).await.context("loading signing keys")?;
        routes::setup::bootstrap_admin(&pool, &config).await.context("creating the admin from GAMME_ADMIN_EMAIL")?;
        // Auth knows its own keys: it verifies its tokens without fetching its JWKS.
        let verifier = Verifier::new(JwksCache::with_keys(keys.decoding_keys()), &config.issuer, &config.audience);
        let authenticator = web::Data::new(Authenticator::new(verifier, pool.clone()));
        let state = web::Data::new(AppState { pool, keys, config, outbox: backbone.outbox.clone() });
        Ok(Parts::new(move |cfg| {
            cfg.app_data(state.clone())
                .app_data(authenticator.clone())
                .service(web::scope("/api/auth").configure(routes::configure));
        }))
    }
}

pub type Application = gamme_service_kit::Application<Auth>;
