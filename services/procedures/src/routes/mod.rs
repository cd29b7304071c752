//! HTTP routes under `/api/assets`, `/api/procedures` and `/api/runs`.

pub mod assets;
pub mod procedures;
pub mod revisions;
pub mod runs;

use actix_web::web;
use gamme_auth_token::AuthUser;
use gamme_service_kit::Problem;

use crate::error::ProcError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/procedures/openapi.json", web::get().to(crate::openapi::serve))
        .service(web::scope("/api/assets").configure(assets::configure))
        .service(web::scope("/api/procedures").configure(procedures::configure).configure(revisions::configure))
        .service(web::scope("/api/runs").configure(runs::configure));
}

/// 403 unless the user writes and reviews procedures (editors and admins).
pub fn require_editor(user: &AuthUser) -> Result<(), Problem> {
    if user.role.can_edit() {
        Ok(())
    } else {
        Err(ProcError::Forbidden(format!("Only editors and admins can do this; you are {}.", user.role)).into())
    }
}

/// 403 unless the user runs procedures (technicians, editors, admins).
pub fn require_runner(user: &AuthUser) -> Result<(), Problem> {
    if user.role.can_run() {
        Ok(())
    } else {
        Err(ProcError::Forbidden(format!(
            "Only technicians, editors and admins run procedures; you are {}.",
            user.role
        ))
        .into())
    }
}
