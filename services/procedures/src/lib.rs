//! Gamme's procedures service. For now a skeleton: it starts, reaches Postgres and RabbitMQ,
//! serves health, readiness and metrics, and answers every API route with 401 without a valid
//! token and 501 with one, until assets, procedures and runs are built.

use std::net::TcpListener;

use actix_web::{dev::Server, middleware, web, App, HttpResponse, HttpServer};
use anyhow::Context;
use gamme_auth_token::{AuthUser, TokenConfig};
use gamme_bus::{Bus, OutboxRelay, Topology};
use gamme_service_kit::{config::CommonConfig, problem, request_id, server, Env, Problem};
use tokio_util::sync::CancellationToken;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8182";
const API_PREFIXES: [&str; 3] = ["/api/procedures", "/api/assets", "/api/runs"];

pub struct Application {
    port: u16,
    server: Server,
    shutdown: CancellationToken,
}

async fn not_built_yet(_user: AuthUser) -> Result<HttpResponse, Problem> {
    Err(Problem::new(
        actix_web::http::StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "Procedures, assets and runs are not available in this version of Gamme yet.",
    ))
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Gamme procedures", "version": env!("CARGO_PKG_VERSION") },
        "paths": {}
    }))
}

impl Application {
    pub async fn build(env: &Env) -> anyhow::Result<Self> {
        let common = CommonConfig::from_env(env, "procedures", 8182)?;
        let listener =
            server::bind(&common.http_addr).with_context(|| format!("cannot listen on {}", common.http_addr))?;
        Self::build_with(common, TokenConfig::from_env(env), listener).await
    }

    pub async fn build_with(common: CommonConfig, tokens: TokenConfig, listener: TcpListener) -> anyhow::Result<Self> {
        let pool = gamme_db::build_pool(&common.database_url, common.db_pool_size, common.db_connect_timeout);
        let bus = Bus::new(common.amqp_url.clone(), Topology::new(&common.bus_prefix));
        let shutdown = CancellationToken::new();
        tokio::spawn(OutboxRelay::new(pool.clone(), bus.clone()).run(shutdown.clone()));
        let authenticator = web::Data::new(tokens.authenticator(pool.clone()));
        let readiness = gamme_bus::readiness(pool, bus);
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            let mut app = App::new()
                .wrap(middleware::from_fn(request_id::middleware))
                .app_data(problem::json_config(256 * 1024))
                .app_data(problem::path_config())
                .app_data(problem::query_config())
                .app_data(authenticator.clone())
                .configure(|cfg| gamme_service_kit::health::configure(cfg, readiness.clone()))
                .route("/api/procedures/openapi.json", web::get().to(openapi));
            for prefix in API_PREFIXES {
                app = app.service(web::scope(prefix).default_service(web::to(not_built_yet)));
            }
            app.default_service(web::to(problem::not_found))
        })
        .listen(listener)?
        .disable_signals()
        .shutdown_timeout(common.shutdown_timeout.as_secs())
        .run();
        tracing::info!(port, "gamme-procedures listening");
        Ok(Self { port, server, shutdown })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub async fn run(self) -> std::io::Result<()> {
        server::serve(self.server, self.shutdown).await
    }
}
