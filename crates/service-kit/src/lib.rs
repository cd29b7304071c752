//! What every Gamme service shares: configuration, tracing, request ids, errors, health,
//! metrics and graceful shutdown.

pub mod config;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod request_id;
pub mod server;
pub mod telemetry;

pub use config::{ConfigError, Env, Environment};
pub use problem::Problem;
pub use request_id::RequestId;
