//! The service's own OpenAPI document.

use actix_web::HttpResponse;

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}
