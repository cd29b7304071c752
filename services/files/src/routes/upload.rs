//! `POST /api/files`: one or several files in one multipart body, kept all or none.

use actix_multipart::Multipart;
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::{Problem, RequestId};
use serde::Serialize;

use crate::{metadata::FileView, uploads, AppState};

/// The multipart form, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// One part per file; the part's file name is kept for display.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1)]
    files: Vec<Vec<u8>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadedFiles {
    pub files: Vec<FileView>,
}

#[utoipa::path(
    post,
    path = "/api/files",
    tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Kept", body = UploadedFiles),
        (status = 400, description = "No file, an empty file, or an interrupted upload", body = Problem),
        (status = 401, body = Problem),
        (status = 403, description = "Viewers cannot upload", body = Problem),
        (status = 413, description = "Larger than GAMME_MAX_UPLOAD_BYTES", body = Problem),
        (status = 415, description = "A type Gamme does not keep; the message names what it is", body = Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn upload(
    req: HttpRequest,
    user: AuthUser,
    request_id: RequestId,
    multipart: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let staged = uploads::receive(multipart, declared, &*state.storage, state.config.max_upload_bytes).await?;
    let storage = state.storage.clone();
    let kept = state.store.write(move |c| uploads::keep(c, &*storage, &staged, user.id, &request_id.0)).await?;
    tracing::info!(count = kept.len(), "files uploaded");
    let links = state.links.issue();
    let files = kept.into_iter().map(|described| FileView::new(described, &links)).collect();
    Ok(HttpResponse::Created().json(UploadedFiles { files }))
}
