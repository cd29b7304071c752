//! Gamme's auth service: first-run setup, sign-in with rotating refresh tokens, user
//! administration, signing keys and the JWKS every other service verifies tokens with.

pub mod config;
pub mod error;
pub mod keys;
pub mod openapi;
pub mod passwords;
pub mod proxies;
pub mod refresh_tokens;
pub mod routes;
pub mod sessions;
pub mod setup;
pub mod throttle;
pub mod users;

use actix_web::web;
use anyhow::Context;
use gamme_auth_token::{Authenticator, JwksCache, Verifier};
use gamme_service_kit::{Backbone, Info, Parts, Service, Store};

pub use config::AuthConfig;

/// What handlers share.
pub struct AppState {
    pub store: Store,
    pub keys: keys::KeyRing,
    pub config: AuthConfig,
}

/// The auth service, as the kit runs it.
pub struct Auth;

impl Service for Auth {
    const INFO: Info = Info::new("auth", 8181).json_limit(16 * 1024);
    type Config = AuthConfig;

    async fn build(config: AuthConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let store = backbone.store();
        let keys = keys::KeyRing::load(&store, config.private_key.as_ref()).await.context("loading signing keys")?;
        setup::bootstrap_admin(&store, &config).await.context("creating the admin from GAMME_ADMIN_EMAIL")?;
        // Auth knows its own keys: it verifies its tokens without fetching its JWKS.
        let verifier = Verifier::new(JwksCache::with_keys(keys.decoding_keys()), &config.issuer, &config.audience);
        let authenticator = web::Data::new(Authenticator::new(verifier, store.pool.clone()));
        let state = web::Data::new(AppState { store, keys, config });
        Ok(Parts::new(move |cfg| {
            cfg.app_data(state.clone()).app_data(authenticator.clone()).configure(routes::configure);
        })
        .documented(&openapi::document()))
    }
}

pub type Application = gamme_service_kit::Application<Auth>;
