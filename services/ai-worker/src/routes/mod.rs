//! `/api/ai`: ask for a job, follow it, list and cancel jobs, and say which provider answers.

pub mod jobs;
pub mod openapi;
pub mod provider;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/ai")
            .route("/openapi.json", web::get().to(openapi::openapi))
            .route("/provider", web::get().to(provider::provider))
            .route("/jobs", web::post().to(jobs::create))
            .route("/jobs", web::get().to(jobs::list))
            .route("/jobs/{id}", web::get().to(jobs::get))
            .route("/jobs/{id}/cancel", web::post().to(jobs::cancel)),
    );
}
