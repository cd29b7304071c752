//! The procedures service's configuration.

use std::path::PathBuf;

use gamme_auth_token::TokenConfig;
use gamme_service_kit::{config::reject_development_secret, CommonConfig, ConfigError, Env, ServiceConfig};
use secrecy::SecretString;

use crate::signatures::SigningPolicy;

/// Seals the audit chain in development only; production refuses to start with it.
pub const DEVELOPMENT_AUDIT_KEY: &str = "gamme-development-audit-key";

#[derive(Clone)]
pub struct ProceduresConfig {
    pub common: CommonConfig,
    /// Where the auth service's keys are, and which tokens this service accepts.
    pub tokens: TokenConfig,
    /// Bytes of readers' procedure views kept in memory (`GAMME_VIEW_CACHE_MB`, 16; 0 keeps
    /// none).
    pub view_cache_bytes: usize,
    /// The key of the audit chain's seals (`GAMME_AUDIT_KEY` or `GAMME_AUDIT_KEY_FILE`).
    pub audit_key: SecretString,
    /// Where the audit chain's head is written, outside the database
    /// (`GAMME_AUDIT_CHECKPOINT`; required in production).
    pub audit_checkpoint: Option<PathBuf>,
    /// How recent a sign-in approving, signing off and verifying need
    /// (`GAMME_SIGNATURE_MAX_AGE_MINUTES`, 5; 1 to 60).
    pub signing: SigningPolicy,
}

impl ServiceConfig for ProceduresConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        let view_cache_mb: usize = env.parse("GAMME_VIEW_CACHE_MB", 16)?;
        let audit_key = env.secret("GAMME_AUDIT_KEY")?;
        reject_development_secret(common.environment, "GAMME_AUDIT_KEY", audit_key.as_ref(), DEVELOPMENT_AUDIT_KEY)?;
        let signature_minutes: i64 = env.parse("GAMME_SIGNATURE_MAX_AGE_MINUTES", 5)?;
        if !(1..=60).contains(&signature_minutes) {
            return Err(ConfigError::Invalid {
                key: "GAMME_SIGNATURE_MAX_AGE_MINUTES".into(),
                reason: "between 1 and 60 minutes".into(),
            });
        }
        let audit_checkpoint = env.get("GAMME_AUDIT_CHECKPOINT").map(PathBuf::from);
        if common.environment.is_production() && audit_checkpoint.is_none() {
            return Err(ConfigError::Missing { key: "GAMME_AUDIT_CHECKPOINT".into() });
        }
        Ok(Self {
            common,
            tokens: TokenConfig::from_env(env)?,
            view_cache_bytes: view_cache_mb * 1024 * 1024,
            audit_key: audit_key.unwrap_or_else(|| SecretString::from(DEVELOPMENT_AUDIT_KEY)),
            audit_checkpoint,
            signing: SigningPolicy::minutes(signature_minutes),
        })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(env: &Env) -> Result<ProceduresConfig, ConfigError> {
        ProceduresConfig::from_env(env, CommonConfig::from_env(env, "procedures", 8182)?)
    }

    fn production(extra: &[(&str, &str)]) -> Env {
        let mut env = Env::from_pairs([
            ("GAMME_ENV", "production"),
            ("GAMME_DATABASE_URL", "postgres://gamme:Zt7-long-password@db/gamme"),
            ("GAMME_AMQP_URL", "amqp://gamme:Qq9-long-password@mq/%2f"),
        ]);
        for (k, v) in extra {
            env.set(*k, *v);
        }
        env
    }

    #[test]
    fn production_needs_a_real_audit_key_and_a_checkpoint_file() {
        const KEY: (&str, &str) = ("GAMME_AUDIT_KEY", "a-real-and-long-random-audit-key");
        const CHECKPOINT: (&str, &str) = ("GAMME_AUDIT_CHECKPOINT", "/var/lib/gamme/audit/checkpoint.json");
        assert!(matches!(config(&production(&[CHECKPOINT])), Err(ConfigError::Missing { .. })));
        let dev = production(&[("GAMME_AUDIT_KEY", DEVELOPMENT_AUDIT_KEY), CHECKPOINT]);
        assert!(matches!(config(&dev), Err(ConfigError::DevelopmentSecret { .. })));
        assert!(
            matches!(config(&production(&[KEY])), Err(ConfigError::Missing { key }) if key == "GAMME_AUDIT_CHECKPOINT")
        );
        let ready = config(&production(&[KEY, CHECKPOINT])).unwrap();
        assert_eq!(ready.audit_checkpoint.as_deref(), Some(std::path::Path::new(CHECKPOINT.1)));
    }

    #[test]
    fn a_signature_needs_a_sign_in_of_1_to_60_minutes() {
        let dev = |minutes: &str| {
            config(&Env::from_pairs([("GAMME_ENV", "development"), ("GAMME_SIGNATURE_MAX_AGE_MINUTES", minutes)]))
        };
        assert_eq!(config(&Env::from_pairs([("GAMME_ENV", "development")])).unwrap().signing.max_age.num_minutes(), 5);
        assert_eq!(dev("15").unwrap().signing.max_age.num_minutes(), 15);
        for refused in ["0", "61", "-5", "soon"] {
            assert!(dev(refused).is_err(), "{refused} minutes");
        }
    }

    #[test]
    fn development_seals_with_the_development_key() {
        let config = config(&Env::from_pairs([("GAMME_ENV", "development")])).unwrap();
        assert_eq!(secrecy::ExposeSecret::expose_secret(&config.audit_key), DEVELOPMENT_AUDIT_KEY);
        assert!(config.audit_checkpoint.is_none());
    }
}
