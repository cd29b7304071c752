//! The one error body of every Gamme service: RFC 9457 `application/problem+json` with a
//! stable `code`. Services map their own error enums to it in one place; a 500 never carries
//! the cause, which is logged instead. The shared crates' errors are mapped here, once:
//! database errors (`NotFound` → 404, pool exhausted → 503, else 500) and paging errors (400).

use std::fmt;

use actix_web::{
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{header, StatusCode},
    web, HttpRequest, HttpResponse, ResponseError,
};
use gamme_db::{paging::PageError, DbError};
use serde::Serialize;

/// An error answer (RFC 9457).
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    /// Field-level messages, when the request had several things wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub errors: Option<serde_json::Value>,
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after_secs: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:gamme:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            errors: None,
            retry_after_secs: None,
        }
    }

    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unauthorized(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn conflict(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn unprocessable(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    pub fn too_many_requests(code: &str, detail: impl Into<String>, retry_after_secs: u64) -> Self {
        let mut p = Self::new(StatusCode::TOO_MANY_REQUESTS, code, detail);
        p.retry_after_secs = Some(retry_after_secs.max(1));
        p
    }

    pub fn service_unavailable(detail: impl Into<String>) -> Self {
        let mut p = Self::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", detail);
        p.retry_after_secs = Some(2);
        p
    }

    /// An unexpected failure: the cause goes to the log (with the request's span), the
    /// caller gets an opaque message.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %error_chain(cause), "unexpected error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side. Try again; if it keeps failing, give the request id to your administrator.",
        )
    }

    pub fn with_errors(mut self, errors: serde_json::Value) -> Self {
        self.errors = Some(errors);
        self
    }
}

impl From<DbError> for Problem {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Unavailable(e) => {
                tracing::warn!(error = %e, "database pool exhausted or unreachable");
                Problem::service_unavailable("The database is busy or unreachable. Try again in a moment.")
            }
            not_found if not_found.is_not_found() => Problem::not_found("Not found."),
            other => Problem::internal(&other),
        }
    }
}

impl From<PageError> for Problem {
    fn from(err: PageError) -> Self {
        Problem::bad_request("validation_failed", err.to_string())
    }
}

/// `cause: caused by: ...` — what `{:?}` of an error should print in a log.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.detail)
    }
}

impl std::error::Error for Problem {}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        res.insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(secs) = self.retry_after_secs {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.status == 401 {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"gamme\""));
        }
        res.body(serde_json::to_string(self).unwrap_or_default())
    }
}

/// JSON bodies: malformed JSON, unknown fields and wrong types are the caller's mistake (400),
/// a body that is too large is 413, a body that is not JSON is 415.
pub fn json_config(limit_bytes: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit_bytes).error_handler(|err, _req| {
        let problem = match &err {
            JsonPayloadError::ContentType => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with `Content-Type: application/json`.",
            ),
            JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The body is larger than the {limit} bytes this endpoint accepts."),
            ),
            JsonPayloadError::Deserialize(e) => {
                let what = if e.is_data() { "invalid_body" } else { "invalid_json" };
                Problem::bad_request(what, format!("The JSON body could not be read: {e}."))
            }
            other => Problem::bad_request("invalid_body", format!("The body could not be read: {other}.")),
        };
        problem.into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req: &HttpRequest| {
        Problem::bad_request("invalid_path", format!("The address is not valid: {err}.")).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req: &HttpRequest| {
        Problem::bad_request("invalid_query", format!("The query string is not valid: {err}.")).into()
    })
}

/// The answer for routes that do not exist, as problem+json rather than an empty 404.
pub async fn not_found() -> HttpResponse {
    Problem::not_found("There is nothing at this address.").error_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    #[actix_web::test]
    async fn too_many_requests_carries_retry_after() {
        let res = Problem::too_many_requests("too_many_attempts", "slow down", 30).error_response();
        assert_eq!(res.status(), 429);
        assert_eq!(res.headers().get("retry-after").unwrap(), "30");
        assert_eq!(res.headers().get("content-type").unwrap(), "application/problem+json");
        let body = to_bytes(res.into_body()).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["code"], "too_many_attempts");
        assert_eq!(json["status"], 429);
    }

    #[test]
    fn internal_error_hides_its_cause() {
        let cause = std::io::Error::other("password=hunter2 in connection string");
        let p = Problem::internal(&cause);
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("hunter2"));
    }
}
