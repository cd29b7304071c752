//! What a Gamme service is built from. A service implements [`Service`] (its name, port and
//! body limit, its [`ServiceConfig`], and a `build` that gives its routes and background
//! tasks); its `main.rs` is
//! `gamme_service_kit::main::<TheService>()`. The kit does the rest, the same way for every
//! service: configuration from `GAMME_*` variables ([`config`]), the [`Backbone`] (database
//! pool, broker, outbox relay, shutdown, readiness), the HTTP server with request ids, access
//! logs and metrics, `/healthz`, `/readyz` and `/metrics`, problem+json errors ([`problem`],
//! where the shared crates' errors are mapped once), tracing, and the graceful stop.
//!
//! Layers: `gamme-db` and `gamme-bus` know nothing of HTTP; this crate sits on them; the
//! services sit on it (and on `gamme-auth-token`).

pub mod app;
pub mod backbone;
pub mod config;
pub mod health;
pub mod json;
pub mod methods;
pub mod metrics;
pub mod migrate;
pub mod openapi;
pub mod problem;
pub mod request_id;
pub mod server;
pub mod telemetry;

pub use app::{main, Application, Info, Parts, Service, ServiceConfig};
pub use backbone::{Backbone, Store};
pub use config::{CommonConfig, ConfigError, Env, Environment};
pub use json::Json;
pub use problem::Problem;
pub use request_id::RequestId;
