//! The procedures service's configuration.

use gamme_auth_token::TokenConfig;
use gamme_service_kit::{CommonConfig, ConfigError, Env, ServiceConfig};

#[derive(Clone)]
pub struct ProceduresConfig {
    pub common: CommonConfig,
    /// Where the auth service's keys are, and which tokens this service accepts.
    pub tokens: TokenConfig,
}

impl ServiceConfig for ProceduresConfig {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError> {
        Ok(Self { common, tokens: TokenConfig::from_env(env) })
    }

    fn common(&self) -> &CommonConfig {
        &self.common
    }
}
