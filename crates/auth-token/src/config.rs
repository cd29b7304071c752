//! Where a service finds the auth service's keys and which tokens it accepts.

use crate::{
    extractor::Authenticator,
    jwks::{JwksCache, Verifier},
};

#[derive(Clone)]
pub struct TokenConfig {
    pub jwks_url: String,
    pub issuer: String,
    pub audience: String,
    /// Trusted keys given up front instead of fetched from `jwks_url` (tests).
    pub static_keys: Option<std::collections::HashMap<String, jsonwebtoken::DecodingKey>>,
}

impl TokenConfig {
    pub fn from_env(env: &gamme_service_kit::Env) -> Self {
        Self {
            jwks_url: env.get_or("GAMME_AUTH_JWKS_URL", "http://127.0.0.1:8181/api/auth/jwks.json"),
            issuer: env.get_or("GAMME_JWT_ISSUER", "gamme"),
            audience: env.get_or("GAMME_JWT_AUDIENCE", "gamme"),
            static_keys: None,
        }
    }

    pub fn authenticator(&self, pool: gamme_db::PgPool) -> Authenticator {
        let jwks = match &self.static_keys {
            Some(keys) => JwksCache::with_keys(keys.clone()),
            None => JwksCache::new(&self.jwks_url),
        };
        Authenticator::new(Verifier::new(jwks, &self.issuer, &self.audience), pool)
    }
}
