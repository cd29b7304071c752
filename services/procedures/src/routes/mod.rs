//! HTTP routes under `/api/assets`, `/api/procedures` and `/api/runs`, one file per resource.
//! A handler extracts, authorizes, calls the domain and answers.

pub mod assets;
pub mod audit;
pub mod openapi;
pub mod procedures;
pub mod revisions;
pub mod runs;

use actix_web::web;

/// Mounts the service's scopes under their `/api/...` prefixes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/procedures/openapi.json", web::get().to(openapi::openapi))
        .service(web::scope("/api/assets").configure(assets::configure))
        .service(
            web::scope("/api/procedures")
                .configure(audit::configure)
                .configure(procedures::configure)
                .configure(revisions::configure),
        )
        .service(web::scope("/api/runs").configure(runs::configure));
}
