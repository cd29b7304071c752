//! The files service's routes, all under `/api/files`: upload, list, metadata, delete, and
//! downloads through nginx.

pub mod content;
pub mod files;
pub mod openapi;
pub mod upload;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/files")
            .route("", web::post().to(upload::upload))
            .route("", web::get().to(files::list))
            .route("/openapi.json", web::get().to(openapi::openapi))
            .route("/limits", web::get().to(files::limits))
            .route("/{id}", web::get().to(files::get))
            .route("/{id}", web::delete().to(files::delete))
            .route("/{id}/content", web::get().to(content::content))
            .route("/{id}/thumbnail", web::get().to(content::thumbnail)),
    );
}
