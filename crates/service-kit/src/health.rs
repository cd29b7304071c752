//! `/healthz` (the process answers), `/readyz` (its database and broker answer) and `/metrics`.
//! None of them is routed through nginx.

use std::{sync::Arc, time::Duration};

use actix_web::{web, HttpResponse};
use futures_util::future::BoxFuture;
use serde_json::json;

use crate::metrics;

pub type CheckFn = dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync;

/// The named checks `/readyz` runs, each bounded by a timeout.
#[derive(Clone, Default)]
pub struct Readiness {
    checks: Vec<(&'static str, Arc<CheckFn>)>,
}

impl Readiness {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check<F>(mut self, name: &'static str, f: F) -> Self
    where
        F: Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync + 'static,
    {
        self.checks.push((name, Arc::new(f)));
        self
    }

    pub async fn run(&self) -> (bool, serde_json::Value) {
        let mut ok = true;
        let mut report = serde_json::Map::new();
        for (name, check) in &self.checks {
            let outcome = match tokio::time::timeout(Duration::from_secs(3), check()).await {
                Ok(Ok(())) => "ok".to_owned(),
                Ok(Err(reason)) => reason,
                Err(_) => "timed out".to_owned(),
            };
            ok &= outcome == "ok";
            report.insert((*name).to_owned(), json!(outcome));
        }
        (ok, serde_json::Value::Object(report))
    }
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "alive" }))
}

async fn readyz(readiness: web::Data<Readiness>) -> HttpResponse {
    let (ok, checks) = readiness.run().await;
    let body = json!({ "status": if ok { "ready" } else { "not ready" }, "checks": checks });
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Mounts the three operational routes.
pub fn configure(cfg: &mut web::ServiceConfig, readiness: Readiness) {
    cfg.app_data(web::Data::new(readiness))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics::handler));
}
