//! The public keys other services verify access tokens with.

use actix_web::{web, HttpResponse};

use crate::AppState;

/// The public keys that verify access tokens.
#[utoipa::path(get, path = "/api/auth/jwks.json", tag = "auth", responses((status = 200, description = "JSON Web Key Set")))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=300")).json(state.keys.jwks())
}
