//! The auth service's configuration.

use gamme_service_kit::{config::reject_development_secret, CommonConfig, ConfigError, Env, ServiceConfig};
use secrecy::SecretString;

use crate::{proxies::TrustedProxies, throttle::Limits};

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
    /// Sign-in attempts that block an (account, address) pair, and a client address, for a
    /// while; the first also limits password changes per account.
    pub login_limits: Limits,
    /// How long a temporary password an admin hands out signs in (`GAMME_TEMPORARY_PASSWORD_TTL_HOURS`, 72).
    pub temporary_password_ttl: chrono::Duration,
    /// The proxies whose `X-Forwarded-For` names the client (`GAMME_TRUSTED_PROXIES`, none).
    pub trusted_proxies: TrustedProxies,
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
            temporary_password_ttl: {
                let hours: f64 = env.parse("GAMME_TEMPORARY_PASSWORD_TTL_HOURS", 72.0)?;
                if !(0.0..=24.0 * 365.0).contains(&hours) {
                    return Err(ConfigError::Invalid {
                        key: "GAMME_TEMPORARY_PASSWORD_TTL_HOURS".into(),
                        reason: "hours from 0 to 8760".into(),
                    });
                }
                #[allow(clippy::cast_possible_truncation)] // bounded above
                chrono::Duration::seconds((hours * 3600.0).round() as i64)
            },
            trusted_proxies: env.parse("GAMME_TRUSTED_PROXIES", TrustedProxies::default())?,
            common,
        })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}
