//! The auth service's configuration.

use gamme_service_kit::{config::reject_development_secret, CommonConfig, ConfigError, Env, ServiceConfig};
use secrecy::SecretString;

use crate::throttle::Limits;

#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub common: CommonConfig,
    pub issuer: String,
    pub audience: String,
    /// Ed25519 PKCS#8 PEM; when unset a key is generated on first start and kept in Postgres.
    pub private_key: Option<SecretString>,
    pub admin_email: Option<String>,
    pub admin_password: Option<SecretString>,
    pub cookie_secure: bool,
    /// Failed sign-ins that block an account, and a client address, for a while.
    pub login_limits: Limits,
}

impl ServiceConfig for AuthConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        let admin_password = env.secret("GAMME_ADMIN_PASSWORD")?;
        if admin_password.is_some() {
            reject_development_secret(common.environment, "GAMME_ADMIN_PASSWORD", admin_password.as_ref(), "changeme")?;
        }
        let public_url = env.get_or("GAMME_PUBLIC_URL", "http://localhost:8080");
        Ok(Self {
            issuer: env.get_or("GAMME_JWT_ISSUER", "gamme"),
            audience: env.get_or("GAMME_JWT_AUDIENCE", "gamme"),
            private_key: env.secret("GAMME_JWT_PRIVATE_KEY")?,
            admin_email: env.get("GAMME_ADMIN_EMAIL").map(str::to_owned),
            admin_password,
            // A Secure cookie is dropped over plain http (a tablet on http://<LAN IP>:8080).
            cookie_secure: env.parse("GAMME_COOKIE_SECURE", public_url.starts_with("https://"))?,
            login_limits: Limits {
                per_account: env.parse("GAMME_LOGIN_MAX_FAILURES", 5)?,
                per_address: env.parse("GAMME_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)?,
            },
            common,
        })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}
