//! The files service's settings, from `GAMME_*` variables.

use std::{path::PathBuf, time::Duration};

use gamme_auth_token::TokenConfig;
use gamme_service_kit::{config::reject_development_secret, CommonConfig, ConfigError, Env, ServiceConfig};
use secrecy::SecretString;

use crate::worker::{Limits, Runner};

/// Signs download links in development only; production refuses to start with it.
pub const DEVELOPMENT_URL_SECRET: &str = "gamme-development-files-url-secret";

/// 512 MiB: a big equipment manual fits, a runaway upload does not.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Clone)]
pub struct FilesConfig {
    pub common: CommonConfig,
    /// Where the auth service's keys are, and which tokens this service accepts.
    pub tokens: TokenConfig,
    /// Root of the storage: `tmp/`, `sha256/`, `thumbnails/` live under it.
    pub files_dir: PathBuf,
    /// Largest request body, enforced here as well as by nginx.
    pub max_upload_bytes: u64,
    /// HMAC key of signed download links.
    pub url_secret: SecretString,
    /// How long a signed link handed out with a file's metadata stays valid.
    pub link_ttl: Duration,
    /// How often orphaned temporary files, blobs and thumbnails are swept.
    pub sweep_interval: Duration,
    /// Where thumbnails and text are made: a fenced child process of `gamme-files`, with the
    /// limits of `GAMME_FILES_WORKER_MEMORY_MB` and `GAMME_FILES_WORKER_CPU_SECS`.
    pub worker: Runner,
}

impl ServiceConfig for FilesConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        let url_secret = env.secret("GAMME_FILES_URL_SECRET")?;
        reject_development_secret(
            common.environment,
            "GAMME_FILES_URL_SECRET",
            url_secret.as_ref(),
            DEVELOPMENT_URL_SECRET,
        )?;
        let max_upload_bytes = env.parse("GAMME_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)?;
        if max_upload_bytes == 0 {
            return Err(ConfigError::Invalid {
                key: "GAMME_MAX_UPLOAD_BYTES".into(),
                reason: "must be more than 0".into(),
            });
        }
        let default = Limits::DEFAULT;
        let limits = Limits {
            memory_bytes: env.parse("GAMME_FILES_WORKER_MEMORY_MB", default.memory_bytes / (1024 * 1024))?
                * 1024
                * 1024,
            cpu_seconds: env.parse("GAMME_FILES_WORKER_CPU_SECS", default.cpu_seconds)?,
        };
        if limits.memory_bytes < 64 * 1024 * 1024 || limits.cpu_seconds == 0 {
            return Err(ConfigError::Invalid {
                key: "GAMME_FILES_WORKER_MEMORY_MB".into(),
                reason: "the worker needs at least 64 MiB and 1 s of CPU".into(),
            });
        }
        Ok(Self {
            common,
            tokens: TokenConfig::from_env(env)?,
            files_dir: PathBuf::from(env.get_or("GAMME_FILES_DIR", "./data/files")),
            max_upload_bytes,
            url_secret: url_secret.unwrap_or_else(|| SecretString::from(DEVELOPMENT_URL_SECRET)),
            link_ttl: env.seconds("GAMME_FILES_LINK_TTL_SECS", 15 * 60)?,
            sweep_interval: env.seconds("GAMME_FILES_SWEEP_INTERVAL_SECS", 3600)?,
            worker: Runner::detect(limits),
        })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(env: &Env) -> Result<FilesConfig, ConfigError> {
        FilesConfig::from_env(env, CommonConfig::from_env(env, "files", 8183)?)
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
    fn production_refuses_a_missing_or_development_url_secret() {
        assert!(matches!(config(&production(&[])), Err(ConfigError::Missing { .. })));
        let dev = production(&[("GAMME_FILES_URL_SECRET", DEVELOPMENT_URL_SECRET)]);
        assert!(matches!(config(&dev), Err(ConfigError::DevelopmentSecret { .. })));
        let real = production(&[("GAMME_FILES_URL_SECRET", "a-real-and-long-random-secret-value")]);
        assert!(config(&real).is_ok());
    }

    #[test]
    fn development_has_working_defaults() {
        let config = config(&Env::from_pairs([("GAMME_ENV", "development")])).unwrap();
        assert_eq!(config.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
        assert_eq!(config.sweep_interval, Duration::from_secs(3600));
    }
}
