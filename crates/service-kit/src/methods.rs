//! The answer to a path a service serves, asked with a method it does not: 405 with the `Allow`
//! header RFC 9110 asks for, from the service's own OpenAPI document. Any other unknown address
//! stays a 404.
//!
//! The check runs before routing ([`middleware`]): `PATCH /api/files/limits` must not reach the
//! route `PATCH /api/files/{id}` and answer that `limits` is not an id.

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web, HttpRequest, HttpResponse, ResponseError,
};

use crate::Problem;

/// Each documented path, as segments (`None` for a `{parameter}`), with its methods.
#[derive(Debug, Clone, Default)]
pub struct MethodTable {
    paths: Vec<(Vec<Option<String>>, Vec<&'static str>)>,
}

impl MethodTable {
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> Self {
        let paths = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let mut methods = Vec::new();
                if item.get.is_some() {
                    methods.extend(["GET", "HEAD"]);
                }
                for (op, name) in
                    [(&item.post, "POST"), (&item.put, "PUT"), (&item.patch, "PATCH"), (&item.delete, "DELETE")]
                {
                    if op.is_some() {
                        methods.push(name);
                    }
                }
                (segments, methods)
            })
            .collect();
        Self { paths }
    }

    /// The methods served at `path`, when it is a documented path. Of the paths it fits, the
    /// most literal one counts (`/api/files/limits` before `/api/files/{id}`), as routing does.
    pub fn allowed(&self, path: &str) -> Option<String> {
        let asked: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let fitting = self.paths.iter().filter(|(segments, _)| {
            segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(s, a)| !a.is_empty() && s.as_deref().is_none_or(|s| s == *a))
        });
        let parameters = |segments: &[Option<String>]| segments.iter().filter(|s| s.is_none()).count();
        let fewest = fitting.clone().map(|(segments, _)| parameters(segments)).min()?;
        let mut methods: Vec<&str> = Vec::new();
        for (_, served) in fitting.filter(|(segments, _)| parameters(segments) == fewest) {
            for method in served {
                if !methods.contains(method) {
                    methods.push(method);
                }
            }
        }
        Some(methods.join(", "))
    }
}

/// Middleware (use with `actix_web::middleware::from_fn`, inside the request id's): a documented
/// path asked with a method it does not serve answers 405 before any route sees it.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let refused = req.app_data::<web::Data<MethodTable>>().and_then(|table| {
        let allow = table.allowed(req.path())?;
        let served = allow.split(", ").any(|method| method == req.method().as_str());
        (!served).then(|| method_not_allowed(&allow))
    });
    match refused {
        Some(response) => Ok(req.into_response(response).map_into_right_body()),
        None => Ok(next.call(req).await?.map_into_left_body()),
    }
}

/// The kit's default service: 405 with `Allow` at a documented path, else 404.
pub async fn unmatched(req: HttpRequest, table: web::Data<MethodTable>) -> HttpResponse {
    match table.allowed(req.path()) {
        Some(allow) => method_not_allowed(&allow),
        None => crate::problem::not_found().await,
    }
}

fn method_not_allowed(allow: &str) -> HttpResponse {
    let mut response = Problem::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("This address answers {allow}."),
    )
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_documented_path_names_its_methods_and_others_are_unknown() {
        let document: utoipa::openapi::OpenApi = serde_json::from_value(serde_json::json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/api/x/{id}": { "get": { "responses": {} }, "patch": { "responses": {} } },
                "/api/x/{id}/done": { "post": { "responses": {} } },
                "/api/x/audit": { "get": { "responses": {} } }
            }
        }))
        .unwrap();
        let table = MethodTable::from_document(&document);
        assert_eq!(table.allowed("/api/x/42").as_deref(), Some("GET, HEAD, PATCH"));
        assert_eq!(table.allowed("/api/x/42/done").as_deref(), Some("POST"));
        assert_eq!(table.allowed("/api/x/audit").as_deref(), Some("GET, HEAD"), "the literal path, not {{id}}");
        assert_eq!(table.allowed("/api/y"), None);
        assert_eq!(table.allowed("/api/x//done"), None);
    }
}
