//! HTTP routes under `/api/assets`, `/api/procedures` and `/api/runs`, one file per resource.
//! A handler extracts, authorizes, calls the domain and answers.

pub mod assets;
pub mod audit;
pub mod openapi;
pub mod procedures;
pub mod revisions;
pub mod runs;

use actix_web::{middleware::from_fn, web};

use crate::views::forget_written;

/// Mounts the service's scopes under their `/api/...` prefixes. A write to assets or
/// procedures forgets the readers' views it may change before it answers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/procedures/openapi.json", web::get().to(openapi::openapi))
        .service(web::scope("/api/assets").wrap(from_fn(forget_written)).configure(assets::configure))
        .service(
            web::scope("/api/procedures")
                .wrap(from_fn(forget_written))
                .configure(audit::configure)
                .configure(procedures::configure)
                .configure(revisions::configure),
        )
        .service(web::scope("/api/runs").configure(runs::configure));
}
