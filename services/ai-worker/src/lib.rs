//! Gamme's AI worker. For now a skeleton: it starts, reaches Postgres and RabbitMQ,
//! serves health, readiness and metrics, and answers every API route with 401 without a valid
//! token and 501 with one, until AI jobs are built.

use std::net::TcpListener;

use actix_web::{web, HttpResponse};
use anyhow::Context;
use gamme_auth_token::{AuthUser, TokenConfig};
use gamme_bus::Backbone;
use gamme_service_kit::{config::CommonConfig, server, Env, Problem};
use tokio_util::sync::CancellationToken;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8184";
const API_PREFIXES: [&str; 1] = ["/api/ai"];

pub struct Application {
    service: server::Service,
}

async fn not_built_yet(_user: AuthUser) -> Result<HttpResponse, Problem> {
    Err(Problem::new(
        actix_web::http::StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "The AI assistant is not available in this version of Gamme yet.",
    ))
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Gamme AI worker", "version": env!("CARGO_PKG_VERSION") },
        "paths": {}
    }))
}

impl Application {
    pub async fn build(env: &Env) -> anyhow::Result<Self> {
        let common = CommonConfig::from_env(env, "ai-worker", 8184)?;
        let listener =
            server::bind(&common.http_addr).with_context(|| format!("cannot listen on {}", common.http_addr))?;
        Self::build_with(common, TokenConfig::from_env(env), listener).await
    }

    pub async fn build_with(common: CommonConfig, tokens: TokenConfig, listener: TcpListener) -> anyhow::Result<Self> {
        let backbone = Backbone::start(&common);
        let authenticator = web::Data::new(tokens.authenticator(backbone.pool.clone()));
        let service = server::Service::start(
            listener,
            backbone.shutdown.clone(),
            common.shutdown_timeout,
            backbone.readiness(),
            256 * 1024,
            move |cfg: &mut web::ServiceConfig| {
                cfg.app_data(authenticator.clone()).route("/api/ai/openapi.json", web::get().to(openapi));
                for prefix in API_PREFIXES {
                    cfg.service(web::scope(prefix).default_service(web::to(not_built_yet)));
                }
            },
        )?;
        tracing::info!(port = service.port(), "gamme-ai-worker listening");
        Ok(Self { service })
    }

    pub fn port(&self) -> u16 {
        self.service.port()
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.service.shutdown_token()
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.service.run().await
    }
}
