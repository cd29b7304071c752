//! Where a service finds the auth service's keys, which tokens it accepts, and how long it may
//! keep a user's row between requests.

use std::{future::Future, sync::Arc, time::Duration};

use gamme_service_kit::{Backbone, ConfigError};

use crate::{
    extractor::Authenticator,
    jwks::{JwksCache, Verifier},
    user_cache::{self, UserCache},
};

/// Users kept at most: a plant's staff many times over; past it the cache starts again.
const USER_CACHE_CAPACITY: usize = 10_000;

#[derive(Clone)]
pub struct TokenConfig {
    pub jwks_url: String,
    pub issuer: String,
    pub audience: String,
    /// Trusted keys given up front instead of fetched from `jwks_url` (tests).
    pub static_keys: Option<std::collections::HashMap<String, jsonwebtoken::DecodingKey>>,
    /// How long a user's row may serve requests when no event cleared it
    /// (`GAMME_USER_CACHE_SECS`, 30; 0 reads it on every request).
    pub user_cache_ttl: Duration,
}

impl TokenConfig {
    pub fn from_env(env: &gamme_service_kit::Env) -> Result<Self, ConfigError> {
        Ok(Self {
            jwks_url: env.get_or("GAMME_AUTH_JWKS_URL", "http://127.0.0.1:8181/api/auth/jwks.json"),
            issuer: env.get_or("GAMME_JWT_ISSUER", "gamme"),
            audience: env.get_or("GAMME_JWT_AUDIENCE", "gamme"),
            static_keys: None,
            user_cache_ttl: env.seconds("GAMME_USER_CACHE_SECS", 30)?,
        })
    }

    /// Reads the user on every request.
    pub fn authenticator(&self, pool: gamme_db::PgPool) -> Authenticator {
        let jwks = match &self.static_keys {
            Some(keys) => JwksCache::with_keys(keys.clone()),
            None => JwksCache::new(&self.jwks_url),
        };
        Authenticator::new(Verifier::new(jwks, &self.issuer, &self.audience), pool)
    }

    /// Keeps users between requests, with the task that hears the events clearing them (run it
    /// as one of the service's tasks; until it hears, nothing is kept).
    pub fn cached_authenticator(
        &self,
        backbone: &Backbone,
    ) -> (Authenticator, impl Future<Output = ()> + Send + 'static) {
        let authenticator = self.authenticator(backbone.pool.clone());
        let cache = Arc::new(UserCache::new(self.user_cache_ttl, USER_CACHE_CAPACITY));
        let (bus, shutdown, heard) = (backbone.bus.clone(), backbone.shutdown.clone(), cache.clone());
        let enabled = !self.user_cache_ttl.is_zero();
        let listener = async move {
            if enabled {
                gamme_bus::consumer::listen(bus, user_cache::EVENTS, shutdown, move |h| user_cache::heard(&heard, h))
                    .await;
            }
        };
        (authenticator.with_user_cache(cache), listener)
    }
}
