//! The auth service's routes, all under `/api/auth`: one file per resource.

pub mod jwks;
pub mod me;
pub mod openapi;
pub mod session;
pub mod setup;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/auth")
            .route("/setup", web::get().to(setup::status))
            .route("/setup", web::post().to(setup::setup))
            .route("/login", web::post().to(session::login))
            .route("/refresh", web::post().to(session::refresh))
            .route("/logout", web::post().to(session::logout))
            .route("/me", web::get().to(me::me))
            .route("/me/password", web::post().to(me::change_password))
            .route("/reauthenticate", web::post().to(me::reauthenticate))
            .route("/users", web::get().to(users::list))
            .route("/users", web::post().to(users::create))
            .route("/users/{id}", web::patch().to(users::update))
            .route("/jwks.json", web::get().to(jwks::jwks))
            .route("/openapi.json", web::get().to(openapi::openapi)),
    );
}
