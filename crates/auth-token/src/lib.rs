//! Gamme access tokens as every service sees them: the claims, verification against the
//! auth service's public keys (JWKS, cached, refreshed on an unknown `kid`), the `AuthUser`
//! extractor and role checks. No service but auth holds a private key.

mod claims;
mod extractor;
mod jwks;
mod role;

pub use claims::{Claims, ACCESS_TOKEN_TTL_SECS};
pub use extractor::{AuthUser, Authenticator};
pub use jwks::{JwksCache, TokenError, Verifier};
pub use role::Role;

/// Where a service finds the auth service's keys and what tokens it accepts.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub jwks_url: String,
    pub issuer: String,
    pub audience: String,
}

impl TokenConfig {
    pub fn from_env(env: &gamme_service_kit::Env) -> Self {
        Self {
            jwks_url: env.get_or("GAMME_AUTH_JWKS_URL", "http://127.0.0.1:8181/api/auth/jwks.json"),
            issuer: env.get_or("GAMME_JWT_ISSUER", "gamme"),
            audience: env.get_or("GAMME_JWT_AUDIENCE", "gamme"),
        }
    }

    pub fn authenticator(&self, pool: gamme_db::PgPool) -> Authenticator {
        Authenticator::new(Verifier::new(JwksCache::new(&self.jwks_url), &self.issuer, &self.audience), pool)
    }
}
