//! `/api/files/*`: upload, list, metadata, delete, and downloads through nginx.

pub mod content;
pub mod files;
pub mod upload;

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    links::{LinkSigner, Variant},
    metadata::{FileReference, StoredFile},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::post().to(upload::upload))
        .route("", web::get().to(files::list))
        .route("/openapi.json", web::get().to(openapi))
        .route("/limits", web::get().to(files::limits))
        .route("/{id}", web::get().to(files::get))
        .route("/{id}", web::delete().to(files::delete))
        .route("/{id}/content", web::get().to(content::content))
        .route("/{id}/thumbnail", web::get().to(content::thumbnail));
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Uploader {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThumbnailView {
    /// `pending`, `ready`, `not_applicable` (not a photo), `refused` (too large to decode
    /// safely) or `failed`.
    pub status: String,
    /// A signed link, valid until `links_expire_at`, when the thumbnail is ready.
    pub url: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TextView {
    /// `pending`, `extracted`, `no_text_layer` (a scanned PDF), `not_applicable` or `failed`.
    pub status: String,
    pub pages: Option<i32>,
    pub note: Option<String>,
}

/// A file as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: Uuid,
    /// The name it was uploaded with, cleaned; for display only.
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub uploaded_by: Uploader,
    /// A signed download link for `<img src>` and plain links, valid until `links_expire_at`;
    /// `/api/files/{id}/content` with a token works too.
    pub content_url: String,
    pub links_expire_at: DateTime<Utc>,
    pub thumbnail: ThumbnailView,
    pub text: TextView,
    /// What links to this file: procedure revisions and runs.
    pub references: Vec<FileReference>,
}

impl FileView {
    pub fn new(
        file: StoredFile,
        uploader_name: String,
        references: Vec<FileReference>,
        links: &LinkSigner,
        expires_at: DateTime<Utc>,
    ) -> Self {
        let thumbnail_url =
            (file.thumbnail_status == "ready").then(|| links.url(file.id, Variant::Thumbnail, expires_at));
        Self {
            id: file.id,
            content_url: links.url(file.id, Variant::Content, expires_at),
            links_expire_at: expires_at,
            name: file.name,
            media_type: file.media_type,
            size_bytes: file.size_bytes,
            sha256: file.sha256,
            created_at: file.created_at,
            uploaded_by: Uploader { id: file.uploader_id, display_name: uploader_name },
            thumbnail: ThumbnailView { status: file.thumbnail_status, url: thumbnail_url, note: file.thumbnail_note },
            text: TextView { status: file.text_status, pages: file.text_pages, note: file.text_note },
            references,
        }
    }
}
