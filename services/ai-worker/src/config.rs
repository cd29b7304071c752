//! The AI worker's settings, from `GAMME_*` variables.

use std::time::Duration;

use gamme_auth_token::TokenConfig;
use gamme_service_kit::{CommonConfig, ConfigError, Env, ServiceConfig};

use crate::provider::openai::OpenAiConfig;

#[derive(Clone)]
pub struct AiConfig {
    pub common: CommonConfig,
    /// Where the auth service's keys are, and which tokens this service accepts.
    pub tokens: TokenConfig,
    /// Jobs one worker runs at once (`GAMME_AI_CONCURRENCY`, 2).
    pub concurrency: u16,
    /// Jobs one person may have queued or running (`GAMME_AI_MAX_OPEN_JOBS_PER_USER`, 10).
    pub max_open_jobs_per_user: i64,
    /// The model, when `GAMME_LLM_API_KEY(_FILE)` is set; otherwise the offline provider.
    pub llm: Option<OpenAiConfig>,
    /// First pause before a job that failed for a transient reason goes back to the queue;
    /// doubled per attempt, at most 30 s (`GAMME_AI_REQUEUE_PAUSE_MS`, 2000).
    pub requeue_pause: Duration,
    /// How long a running job stays with its worker without word from it
    /// (`GAMME_AI_LEASE_SECS`, 30, at least 1): the worker renews it every third of that, and
    /// every replica looks as often for jobs whose lease ran out, to take them back.
    pub lease: Duration,
    /// How long a job may wait in the queue without a change before its message is sent again,
    /// in case the broker lost it (`GAMME_AI_RESEND_SECS`, 600, at least 1).
    pub resend_after: Duration,
    /// Consume jobs in this process (`GAMME_AI_CONSUME`, true); tests of the API alone turn it off.
    pub consume: bool,
}

impl ServiceConfig for AiConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        let llm = match env.secret("GAMME_LLM_API_KEY")? {
            Some(api_key) => Some(OpenAiConfig {
                base_url: env.get_or("GAMME_LLM_BASE_URL", "https://api.openai.com/v1"),
                model: env.get_or("GAMME_LLM_MODEL", "gpt-4o-mini"),
                api_key,
                timeout: env.seconds("GAMME_LLM_TIMEOUT_SECS", 120)?,
                max_tries: env.parse("GAMME_LLM_MAX_TRIES", 4u32)?.max(1),
                backoff: Duration::from_millis(env.parse("GAMME_LLM_BACKOFF_MS", 1000)?),
            }),
            None => None,
        };
        Ok(Self {
            common,
            tokens: TokenConfig::from_env(env)?,
            concurrency: env.parse("GAMME_AI_CONCURRENCY", 2u16)?.clamp(1, 64),
            max_open_jobs_per_user: env.parse("GAMME_AI_MAX_OPEN_JOBS_PER_USER", 10)?,
            llm,
            requeue_pause: Duration::from_millis(env.parse("GAMME_AI_REQUEUE_PAUSE_MS", 2000)?),
            lease: env.seconds("GAMME_AI_LEASE_SECS", 30)?.max(Duration::from_secs(1)),
            resend_after: env.seconds("GAMME_AI_RESEND_SECS", 600)?.max(Duration::from_secs(1)),
            consume: env.parse("GAMME_AI_CONSUME", true)?,
        })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}
