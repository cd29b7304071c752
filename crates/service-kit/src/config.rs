//! Configuration from `GAMME_*` environment variables, with development defaults and
//! `KEY_FILE` variants for secrets (Docker secrets).

use std::{collections::HashMap, fmt, str::FromStr, time::Duration};

use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{key} is required")]
    Missing { key: String },
    #[error("{key} is invalid: {reason}")]
    Invalid { key: String, reason: String },
    #[error("{key} holds a development secret; set a real one before running with GAMME_ENV=production")]
    DevelopmentSecret { key: String },
    #[error("{key}_FILE names {path}, which cannot be read: {source}")]
    SecretFile { key: String, path: String, source: std::io::Error },
}

/// `production` (the default) refuses development secrets; `development`, asked for by
/// `scripts/stack.sh` and the tests, gives working defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn is_production(self) -> bool {
        self == Environment::Production
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// A snapshot of the environment. Services read configuration only through it, so tests can
/// hand a service exactly the variables they mean.
#[derive(Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl fmt::Debug for Env {
    // Values may be secrets: only the names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<_> = self.vars.keys().collect();
        keys.sort();
        f.debug_struct("Env").field("keys", &keys).finish()
    }
}

impl Env {
    pub fn from_process() -> Self {
        Self { vars: std::env::vars().filter(|(k, _)| k.starts_with("GAMME_")).collect() }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self { vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.vars.insert(key.into(), value.into());
        self
    }

    /// The value of `key`; an empty value counts as unset, so compose's `${X:-}` means "default".
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub fn get_or(&self, key: &str, default: &str) -> String {
        self.get(key).unwrap_or(default).to_owned()
    }

    pub fn parse<T>(&self, key: &str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        match self.get(key) {
            None => Ok(default),
            Some(raw) => {
                raw.parse().map_err(|e: T::Err| ConfigError::Invalid { key: key.to_owned(), reason: e.to_string() })
            }
        }
    }

    pub fn seconds(&self, key: &str, default: u64) -> Result<Duration, ConfigError> {
        self.parse(key, default).map(Duration::from_secs)
    }

    /// A secret from `key`, or from the file named by `key_FILE` (trailing newline removed).
    pub fn secret(&self, key: &str) -> Result<Option<SecretString>, ConfigError> {
        if let Some(value) = self.get(key) {
            return Ok(Some(SecretString::from(value.to_owned())));
        }
        let file_key = format!("{key}_FILE");
        let Some(path) = self.get(&file_key) else { return Ok(None) };
        let content = std::fs::read_to_string(path).map_err(|source| ConfigError::SecretFile {
            key: key.to_owned(),
            path: path.to_owned(),
            source,
        })?;
        let trimmed = content.trim_end_matches(['\r', '\n']);
        Ok((!trimmed.is_empty()).then(|| SecretString::from(trimmed.to_owned())))
    }

    pub fn environment(&self) -> Result<Environment, ConfigError> {
        // Unset is production: a deployment is safe without configuration, and development
        // (its published secrets accepted) is something one asks for.
        match self.get("GAMME_ENV").unwrap_or("production") {
            "development" | "dev" => Ok(Environment::Development),
            "production" | "prod" => Ok(Environment::Production),
            other => Err(ConfigError::Invalid {
                key: "GAMME_ENV".into(),
                reason: format!("`{other}` is neither `development` nor `production`"),
            }),
        }
    }

    pub fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self.get("GAMME_LOG_FORMAT").unwrap_or("pretty") {
            "json" => Ok(LogFormat::Json),
            "pretty" | "text" => Ok(LogFormat::Pretty),
            other => Err(ConfigError::Invalid {
                key: "GAMME_LOG_FORMAT".into(),
                reason: format!("`{other}` is neither `json` nor `pretty`"),
            }),
        }
    }
}

/// Passwords that ship in Gamme's development defaults and compose file.
const DEVELOPMENT_PASSWORDS: &[&str] = &["", "gamme", "guest", "postgres", "password", "changeme"];

/// A shipped default, or the placeholder `.env.example` suggests replacing.
fn is_development_password(value: &str) -> bool {
    DEVELOPMENT_PASSWORDS.contains(&value) || value.to_ascii_lowercase().starts_with("change-me")
}

/// In production, a URL's password must not be one of the development passwords.
pub fn reject_development_url(env: Environment, key: &str, url: &SecretString) -> Result<(), ConfigError> {
    if !env.is_production() {
        return Ok(());
    }
    let password = url_password(url.expose_secret()).unwrap_or("");
    if is_development_password(password) {
        return Err(ConfigError::DevelopmentSecret { key: key.to_owned() });
    }
    Ok(())
}

/// In production, a secret must be set and must not be a development value.
pub fn reject_development_secret(
    env: Environment,
    key: &str,
    value: Option<&SecretString>,
    development_value: &str,
) -> Result<(), ConfigError> {
    if !env.is_production() {
        return Ok(());
    }
    match value {
        None => Err(ConfigError::Missing { key: key.to_owned() }),
        Some(v)
            if v.expose_secret() == development_value
                || is_development_password(v.expose_secret())
                || v.expose_secret().len() < 16 =>
        {
            Err(ConfigError::DevelopmentSecret { key: key.to_owned() })
        }
        Some(_) => Ok(()),
    }
}

/// The password part of `scheme://user:password@host/...`, if any.
fn url_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    Some(userinfo.split_once(':').map_or("", |(_, p)| p))
}

/// What every service needs: where it listens, its database and broker, how it logs.
#[derive(Debug, Clone)]
pub struct CommonConfig {
    pub service: &'static str,
    pub environment: Environment,
    pub http_addr: String,
    pub database_url: SecretString,
    pub db_pool_size: u32,
    pub db_connect_timeout: Duration,
    pub amqp_url: SecretString,
    /// Prefix of every exchange and queue name, so tests can share one broker.
    pub bus_prefix: String,
    /// Tests only: the broker deletes this service's queues once unused this long.
    pub bus_queue_expiry: Option<Duration>,
    pub log_format: LogFormat,
    pub shutdown_timeout: Duration,
}

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/gamme";
pub const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

impl CommonConfig {
    pub fn from_env(env: &Env, service: &'static str, default_port: u16) -> Result<Self, ConfigError> {
        let environment = env.environment()?;
        let database_url =
            env.secret("GAMME_DATABASE_URL")?.unwrap_or_else(|| SecretString::from(DEFAULT_DATABASE_URL));
        let amqp_url = env.secret("GAMME_AMQP_URL")?.unwrap_or_else(|| SecretString::from(DEFAULT_AMQP_URL));
        reject_development_url(environment, "GAMME_DATABASE_URL", &database_url)?;
        reject_development_url(environment, "GAMME_AMQP_URL", &amqp_url)?;
        Ok(Self {
            service,
            environment,
            http_addr: env.get_or("GAMME_HTTP_ADDR", &format!("127.0.0.1:{default_port}")),
            database_url,
            db_pool_size: env.parse("GAMME_DB_POOL_SIZE", 10)?,
            db_connect_timeout: env.seconds("GAMME_DB_CONNECT_TIMEOUT_SECS", 5)?,
            amqp_url,
            bus_prefix: env.get_or("GAMME_BUS_PREFIX", "gamme"),
            bus_queue_expiry: env
                .get("GAMME_BUS_QUEUE_EXPIRY_SECS")
                .map(|_| env.seconds("GAMME_BUS_QUEUE_EXPIRY_SECS", 0))
                .transpose()?,
            log_format: env.log_format()?,
            shutdown_timeout: env.seconds("GAMME_SHUTDOWN_TIMEOUT_SECS", 20)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_read_from_file_without_trailing_newline() {
        let dir = std::env::temp_dir().join(format!("gamme-secret-{}", uuid::Uuid::new_v4()));
        std::fs::write(&dir, "s3cret-value\n").unwrap();
        let env = Env::from_pairs([("GAMME_X_FILE", dir.to_str().unwrap())]);
        let secret = env.secret("GAMME_X").unwrap().unwrap();
        assert_eq!(secret.expose_secret(), "s3cret-value");
        std::fs::remove_file(dir).unwrap();
    }

    #[test]
    fn production_refuses_development_database_password() {
        let env = Env::from_pairs([
            ("GAMME_ENV", "production"),
            ("GAMME_DATABASE_URL", "postgres://gamme:gamme@db/gamme"),
            ("GAMME_AMQP_URL", "amqp://gamme:a-long-real-password@mq/%2f"),
        ]);
        let err = CommonConfig::from_env(&env, "test", 1).unwrap_err();
        assert!(matches!(err, ConfigError::DevelopmentSecret { ref key } if key == "GAMME_DATABASE_URL"));
        // The message names the variable, never the value.
        assert!(!err.to_string().contains("gamme:gamme"));
    }

    #[test]
    fn production_refuses_the_default_guest_broker_account() {
        let env = Env::from_pairs([
            ("GAMME_ENV", "production"),
            ("GAMME_DATABASE_URL", "postgres://gamme:Zt7-long-password@db/gamme"),
        ]);
        let err = CommonConfig::from_env(&env, "test", 1).unwrap_err();
        assert!(matches!(err, ConfigError::DevelopmentSecret { ref key } if key == "GAMME_AMQP_URL"));
    }

    #[test]
    fn production_accepts_real_secrets_and_development_accepts_defaults() {
        let env = Env::from_pairs([
            ("GAMME_ENV", "production"),
            ("GAMME_DATABASE_URL", "postgres://gamme:Zt7-long-password@db/gamme"),
            ("GAMME_AMQP_URL", "amqp://gamme:Qq9-long-password@mq/%2f"),
        ]);
        assert!(CommonConfig::from_env(&env, "test", 1).is_ok());
        let dev = CommonConfig::from_env(&Env::from_pairs([("GAMME_ENV", "development")]), "test", 8181).unwrap();
        assert_eq!(dev.http_addr, "127.0.0.1:8181");
    }

    #[test]
    fn unset_is_production_and_refuses_the_development_defaults() {
        assert_eq!(Env::default().environment().unwrap(), Environment::Production);
        assert!(CommonConfig::from_env(&Env::default(), "test", 8181).is_err(), "no development secret by default");
    }

    #[test]
    fn production_refuses_the_env_example_placeholder() {
        let env = Env::from_pairs([
            ("GAMME_ENV", "production"),
            ("GAMME_DATABASE_URL", "postgres://gamme:change-me-to-a-long-random-string@db/gamme"),
            ("GAMME_AMQP_URL", "amqp://gamme:Qq9-long-password@mq/%2f"),
        ]);
        assert!(matches!(CommonConfig::from_env(&env, "test", 1), Err(ConfigError::DevelopmentSecret { .. })));
    }

    #[test]
    fn url_password_is_found_in_its_userinfo() {
        assert_eq!(url_password("postgres://u:p%40ss@h:5432/db"), Some("p%40ss"));
        assert_eq!(url_password("postgres://u@h/db"), Some(""));
        assert_eq!(url_password("postgres://h/db"), None);
    }

    #[test]
    fn unknown_environment_is_an_error() {
        let env = Env::from_pairs([("GAMME_ENV", "staging")]);
        assert!(env.environment().is_err());
    }
}
