//! Prometheus metrics: one registry per process, HTTP metrics recorded by the request-id
//! middleware, and `GET /metrics`.

use std::{sync::LazyLock, time::Duration};

use actix_web::{http::header, HttpResponse};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

static HTTP_REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    let c = IntCounterVec::new(
        Opts::new("gamme_http_requests_total", "HTTP requests answered, by method, route and status"),
        &["method", "route", "status"],
    )
    .expect("metric definition is valid");
    register(Box::new(c.clone()));
    c
});

static HTTP_DURATION: LazyLock<HistogramVec> = LazyLock::new(|| {
    let h = HistogramVec::new(
        HistogramOpts::new("gamme_http_request_duration_seconds", "Time to answer HTTP requests, by route")
            .buckets(vec![0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
        &["method", "route"],
    )
    .expect("metric definition is valid");
    register(Box::new(h.clone()));
    h
});

/// Registering the same name twice is ignored.
fn register(collector: Box<dyn prometheus::core::Collector>) {
    if let Err(err) = REGISTRY.register(collector) {
        tracing::debug!(error = %err, "metric already registered");
    }
}

pub fn observe_http(method: &str, route: &str, status: u16, elapsed: Duration) {
    HTTP_REQUESTS.with_label_values(&[method, route, &status.to_string()]).inc();
    HTTP_DURATION.with_label_values(&[method, route]).observe(elapsed.as_secs_f64());
}

pub async fn handler() -> HttpResponse {
    let mut buf = Vec::new();
    if let Err(err) = TextEncoder::new().encode(&REGISTRY.gather(), &mut buf) {
        tracing::error!(error = %err, "cannot encode metrics");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok().insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4")).body(buf)
}
