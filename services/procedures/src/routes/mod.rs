//! HTTP routes under `/api/assets`, `/api/procedures` and `/api/runs`.

pub mod assets;
pub mod procedures;
pub mod revisions;
pub mod runs;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/procedures/openapi.json", web::get().to(crate::openapi::serve))
        .service(web::scope("/api/assets").configure(assets::configure))
        .service(web::scope("/api/procedures").configure(procedures::configure).configure(revisions::configure))
        .service(web::scope("/api/runs").configure(runs::configure));
}
