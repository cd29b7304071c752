//! A Gamme service is a [`Service`]: its name and port, its config, and a `build` that turns
//! the config and the [`Backbone`] into its routes and background tasks. Everything else (the
//! `main`, the HTTP server and what every service serves, start-up and graceful stop) is here,
//! once.
//!
//! ```ignore
//! pub struct Procedures;
//!
//! impl Service for Procedures {
//!     const INFO: Info = Info::new("procedures", 8182).json_limit(512 * 1024);
//!     type Config = ProceduresConfig; // config.rs: `impl ServiceConfig for ProceduresConfig`
//!
//!     async fn build(config: ProceduresConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
//!         let state = web::Data::new(AppState { pool: backbone.pool.clone(), outbox: backbone.outbox.clone() });
//!         Ok(Parts::new(move |cfg| {
//!             cfg.app_data(state.clone()).configure(routes::configure);
//!         })
//!         .task("sweeper", sweeper::run(backbone.pool.clone(), backbone.shutdown.clone())))
//!     }
//! }
//!
//! pub type Application = gamme_service_kit::Application<Procedures>;
//! // main.rs: fn main() -> ExitCode { gamme_service_kit::main::<gamme_procedures::Procedures>() }
//! ```

use std::{future::Future, marker::PhantomData, net::TcpListener, process::ExitCode, sync::Arc, time::Duration};

use actix_web::{dev::Server, middleware, web, App, HttpServer};
use anyhow::Context;
use futures_util::future::BoxFuture;
use gamme_bus::{EventQueue, WorkQueue};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{
    backbone::Backbone,
    config::{CommonConfig, ConfigError, Env},
    health, problem, request_id, server, telemetry,
};

/// What the kit needs to know of a service besides its code:
/// `Info::new("files", 8183).event_queues(&[processing::QUEUE])`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info {
    /// `auth`, `procedures`, …: the binary is `gamme-<name>`.
    pub name: &'static str,
    /// Where it listens when `GAMME_HTTP_ADDR` is not set (`127.0.0.1:<port>`).
    pub port: u16,
    /// The largest JSON body a route accepts (64 KiB unless said).
    pub json_limit: usize,
    /// The work queues it consumes, declared whenever it connects to the broker.
    pub work_queues: &'static [WorkQueue],
    /// The event queues it consumes, declared whenever it connects to the broker.
    pub event_queues: &'static [EventQueue],
}

impl Info {
    pub const fn new(name: &'static str, port: u16) -> Self {
        Self { name, port, json_limit: 64 * 1024, work_queues: &[], event_queues: &[] }
    }

    pub const fn json_limit(mut self, bytes: usize) -> Self {
        self.json_limit = bytes;
        self
    }

    pub const fn work_queues(mut self, queues: &'static [WorkQueue]) -> Self {
        self.work_queues = queues;
        self
    }

    pub const fn event_queues(mut self, queues: &'static [EventQueue]) -> Self {
        self.event_queues = queues;
        self
    }
}

/// A service's configuration: its own settings around the part every service has.
pub trait ServiceConfig: Send + Sized + 'static {
    fn from_env(env: &Env, common: CommonConfig) -> Result<Self, ConfigError>;

    fn common(&self) -> &CommonConfig;
}

/// What makes one service different from another.
pub trait Service: 'static {
    const INFO: Info;

    type Config: ServiceConfig;

    /// Its routes and background tasks. An error stops the start: the service does not listen.
    fn build(config: Self::Config, backbone: &Backbone) -> impl Future<Output = anyhow::Result<Parts>> + Send;

    /// A command of the binary besides `healthcheck` (the files service's `work`): the exit
    /// code when `command` is one, `None` to start the service.
    fn subcommand(_command: &str, _args: &[String]) -> Option<ExitCode> {
        None
    }
}

type Routes = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// A service's own part of the application: its routes (with their app data) and the
/// background tasks it runs (consumers, sweeps). Tasks watch [`Backbone::shutdown`] and are
/// awaited when the service stops, up to the shutdown timeout.
pub struct Parts {
    routes: Routes,
    tasks: Vec<(&'static str, BoxFuture<'static, ()>)>,
    methods: crate::methods::MethodTable,
}

impl Parts {
    pub fn new(routes: impl Fn(&mut web::ServiceConfig) + Send + Sync + 'static) -> Self {
        Self { routes: Arc::new(routes), tasks: Vec::new(), methods: Default::default() }
    }

    /// The service's OpenAPI document: a documented path asked with another method answers 405
    /// with `Allow`, not 404.
    pub fn documented(mut self, document: &utoipa::openapi::OpenApi) -> Self {
        self.methods = crate::methods::MethodTable::from_document(document);
        self
    }

    pub fn task(mut self, name: &'static str, task: impl Future<Output = ()> + Send + 'static) -> Self {
        self.tasks.push((name, Box::pin(task)));
        self
    }
}

/// A bound, built service: what `main` runs and what tests start on port 0.
pub struct Application<S> {
    port: u16,
    server: Server,
    shutdown: CancellationToken,
    shutdown_timeout: Duration,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
    service: PhantomData<fn() -> S>,
}

impl<S: Service> Application<S> {
    /// The service's configuration from `env`.
    pub fn config(env: &Env) -> anyhow::Result<S::Config> {
        let common = CommonConfig::from_env(env, S::INFO.name, S::INFO.port)?;
        Ok(S::Config::from_env(env, common)?)
    }

    /// Reads the configuration and binds `GAMME_HTTP_ADDR`.
    pub async fn from_env(env: &Env) -> anyhow::Result<Self> {
        let config = Self::config(env)?;
        let addr = config.common().http_addr.clone();
        let listener = server::bind(&addr).with_context(|| format!("cannot listen on {addr}"))?;
        Self::build(config, listener).await
    }

    /// Connects, builds the service and its HTTP server on `listener` (port 0 picks a free port,
    /// which tests use), and starts its background tasks.
    pub async fn build(config: S::Config, listener: TcpListener) -> anyhow::Result<Self> {
        let common = config.common().clone();
        let backbone = Backbone::start(&common, S::INFO.work_queues, S::INFO.event_queues);
        let started = async {
            let port = listener.local_addr()?.port();
            let parts = S::build(config, &backbone).await?;
            let server = http_server(listener, &backbone, &common, S::INFO.json_limit, parts.routes, parts.methods)?;
            anyhow::Ok((port, server, parts.tasks))
        };
        let (port, server, tasks) = match started.await {
            Ok(started) => started,
            Err(err) => {
                backbone.shutdown.cancel();
                return Err(err);
            }
        };
        let mut handles: Vec<_> = tasks.into_iter().map(|(name, task)| (name, tokio::spawn(task))).collect();
        handles.push(("outbox relay", backbone.relay));
        tracing::info!(port, "gamme-{} listening", S::INFO.name);
        Ok(Self {
            port,
            server,
            shutdown: backbone.shutdown,
            shutdown_timeout: common.shutdown_timeout,
            tasks: handles,
            service: PhantomData,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Cancelling it stops the service as SIGTERM would.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves until SIGTERM/SIGINT (or the shutdown token); then stops accepting, lets the
    /// requests in flight finish, and waits for the background tasks (a consumer finishing the
    /// messages in hand) up to the shutdown timeout. A message still in hand after it goes back
    /// to its queue when the process exits without acking it.
    pub async fn run(self) -> std::io::Result<()> {
        let result = server::serve(self.server, self.shutdown).await;
        let deadline = tokio::time::Instant::now() + self.shutdown_timeout;
        for (name, task) in self.tasks {
            match tokio::time::timeout_at(deadline, task).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::error!(task = name, error = %err, "a background task failed"),
                Err(_) => tracing::warn!(task = name, "still running at the shutdown timeout; left behind"),
            }
        }
        result
    }
}

/// The HTTP server of every service: request ids, access logs and metrics, problem+json for
/// bad JSON, paths and queries, `/healthz`, `/readyz`, `/metrics`, the service's routes, and a
/// problem+json 405 (a documented path, another method) or 404 for anything else.
fn http_server(
    listener: TcpListener,
    backbone: &Backbone,
    common: &CommonConfig,
    json_limit: usize,
    routes: Routes,
    methods: crate::methods::MethodTable,
) -> std::io::Result<Server> {
    let readiness = backbone.readiness();
    let methods = web::Data::new(methods);
    Ok(HttpServer::new(move || {
        let (readiness, routes) = (readiness.clone(), routes.clone());
        App::new()
            .app_data(methods.clone())
            .wrap(middleware::from_fn(crate::methods::middleware))
            .wrap(middleware::from_fn(request_id::middleware))
            .app_data(problem::json_config(json_limit))
            .app_data(problem::path_config())
            .app_data(problem::query_config())
            .configure(|cfg| health::configure(cfg, readiness))
            .configure(|cfg| routes(cfg))
            .default_service(web::to(crate::methods::unmatched))
    })
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(common.shutdown_timeout.as_secs())
    .run())
}

/// `gamme-<service>`'s whole `main`: `healthcheck` (the container's probe), the service's own
/// subcommands, or tracing, configuration from the environment, start, serve, and the exit code.
pub fn main<S: Service>() -> ExitCode {
    let env = Env::from_process();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("healthcheck") => {
            return server::healthcheck(&env.get_or("GAMME_HTTP_ADDR", &format!("127.0.0.1:{}", S::INFO.port)))
        }
        Some(command) => {
            if let Some(code) = S::subcommand(command, &args[1..]) {
                return code;
            }
        }
        None => {}
    }
    telemetry::init(&env);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "gamme-{} cannot start its runtime", S::INFO.name);
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let app = match Application::<S>::from_env(&env).await {
            Ok(app) => app,
            Err(err) => {
                tracing::error!(error = format!("{err:#}"), "gamme-{} cannot start", S::INFO.name);
                return ExitCode::FAILURE;
            }
        };
        match app.run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                tracing::error!(error = %err, "gamme-{} stopped with an error", S::INFO.name);
                ExitCode::FAILURE
            }
        }
    })
}
