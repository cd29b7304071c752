//! The routes under `/api/auth`.

pub mod me;
pub mod session;
pub mod setup;
pub mod users;

use actix_web::{web, HttpResponse};

use crate::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/setup", web::get().to(setup::status))
        .route("/setup", web::post().to(setup::setup))
        .route("/login", web::post().to(session::login))
        .route("/refresh", web::post().to(session::refresh))
        .route("/logout", web::post().to(session::logout))
        .route("/me", web::get().to(me::me))
        .route("/me/password", web::post().to(me::change_password))
        .route("/users", web::get().to(users::list))
        .route("/users", web::post().to(users::create))
        .route("/users/{id}", web::patch().to(users::update))
        .route("/jwks.json", web::get().to(jwks))
        .route("/openapi.json", web::get().to(openapi));
}

/// The public keys that verify access tokens.
#[utoipa::path(get, path = "/api/auth/jwks.json", tag = "auth", responses((status = 200, description = "JSON Web Key Set")))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=300")).json(state.keys.jwks())
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}
