//! Request ids: taken from nginx's `X-Request-Id` (or made here when a service is called
//! directly), put in a span around the request so every log line carries it, echoed back,
//! and available to handlers so published messages carry it as their correlation id.

use std::{future::Ready, time::Instant};

use actix_web::{
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    FromRequest, HttpMessage, HttpRequest,
};
use tracing::Instrument;

use crate::metrics;

pub const HEADER: &str = "x-request-id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ids from outside are only trusted when they look like ids: they end up in logs and messages.
fn acceptable(id: &str) -> bool {
    (8..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.extensions().get::<RequestId>().cloned();
        std::future::ready(Ok(id.unwrap_or_else(|| RequestId(uuid::Uuid::new_v4().simple().to_string()))))
    }
}

/// Middleware (use with `actix_web::middleware::from_fn`): request id, span, access log, metrics.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let method = req.method().to_string();
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    // The access log line and the metrics belong to the request's span; nothing here awaits.
    span.in_scope(|| match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
            metrics::observe_http(&method, &route, status, elapsed);
            if !matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics") {
                tracing::info!(status, elapsed_ms = elapsed.as_millis() as u64, "request finished");
            }
            if let Ok(value) = HeaderValue::from_str(&id) {
                res.headers_mut().insert(HeaderName::from_static(HEADER), value);
            }
            Ok(res)
        }
        Err(err) => {
            tracing::warn!(error = %err, elapsed_ms = elapsed.as_millis() as u64, "request failed");
            Err(err)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_id_like_values_are_trusted() {
        assert!(acceptable("0b6f3c3e9e2a4c8f9d1e2f3a4b5c6d7e"));
        assert!(acceptable("req-123_abc.def"));
        assert!(!acceptable("short"));
        assert!(!acceptable("has space in it"));
        assert!(!acceptable("newline\ninjected-log-line"));
        assert!(!acceptable(&"a".repeat(129)));
    }
}
