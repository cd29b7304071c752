//! The work service's configuration.

use std::time::Duration;

use chrono_tz::Tz;
use gamme_auth_token::TokenConfig;
use gamme_service_kit::{CommonConfig, ConfigError, Env, ServiceConfig};

use crate::{emails::SmtpConfig, webhook_sender::SenderConfig};

#[derive(Clone)]
pub struct WorkConfig {
    pub common: CommonConfig,
    /// Where the auth service's keys are, and which tokens this service accepts.
    pub tokens: TokenConfig,
    /// The time zone of a site that has none of its own (`GAMME_TIME_ZONE`, IANA name).
    pub default_time_zone: Tz,
    /// How often each replica's scheduler looks for orders to make
    /// (`GAMME_WORK_SCHEDULER_INTERVAL_SECS`).
    pub scheduler_interval: Duration,
    /// The address people open (`GAMME_PUBLIC_URL`): what an asset label's QR code points to.
    pub public_url: String,
    /// Where notification emails go out (`GAMME_SMTP_*`); none: no email is sent.
    pub smtp: Option<SmtpConfig>,
    /// How webhook deliveries are retried (`GAMME_WEBHOOK_RETRY_BASE_MS`).
    pub webhooks: SenderConfig,
}

pub const DEFAULT_TIME_ZONE: &str = "Europe/Paris";

impl ServiceConfig for WorkConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        let zone = env.get_or("GAMME_TIME_ZONE", DEFAULT_TIME_ZONE);
        let default_time_zone = zone.parse::<Tz>().map_err(|_| ConfigError::Invalid {
            key: "GAMME_TIME_ZONE".into(),
            reason: format!("`{zone}` is not an IANA time zone name such as Europe/Paris"),
        })?;
        let scheduler_interval = env.seconds("GAMME_WORK_SCHEDULER_INTERVAL_SECS", 60)?;
        if scheduler_interval.is_zero() {
            return Err(ConfigError::Invalid {
                key: "GAMME_WORK_SCHEDULER_INTERVAL_SECS".into(),
                reason: "must be at least 1".into(),
            });
        }
        let public_url = env.get_or("GAMME_PUBLIC_URL", "http://localhost:8080").trim_end_matches('/').to_owned();
        let smtp = SmtpConfig::from_env(env)?;
        let webhooks = SenderConfig::from_env(env)?;
        Ok(Self {
            common,
            tokens: TokenConfig::from_env(env)?,
            default_time_zone,
            scheduler_interval,
            public_url,
            smtp,
            webhooks,
        })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}
