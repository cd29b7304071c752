//! The procedures service's configuration.

use gamme_auth_token::TokenConfig;
use gamme_service_kit::{CommonConfig, ConfigError, Env, ServiceConfig};

#[derive(Clone)]
pub struct ProceduresConfig {
    pub common: CommonConfig,
    /// Where the auth service's keys are, and which tokens this service accepts.
    pub tokens: TokenConfig,
    /// Bytes of readers' procedure views kept in memory (`GAMME_VIEW_CACHE_MB`, 16; 0 keeps
    /// none).
    pub view_cache_bytes: usize,
}

impl ServiceConfig for ProceduresConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        let view_cache_mb: usize = env.parse("GAMME_VIEW_CACHE_MB", 16)?;
        Ok(Self { common, tokens: TokenConfig::from_env(env)?, view_cache_bytes: view_cache_mb * 1024 * 1024 })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}
