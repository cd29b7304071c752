//! A file's metadata, the list, deletion and the upload limits.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use diesel::Connection;
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::paging::{PageSize, Pager};
use gamme_service_kit::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    error::FilesError,
    metadata::{FileReference, ListFilter, StoredFile},
    routes::FileView,
    sniff::ALLOWED_MEDIA_TYPES,
    storage::BlobKey,
    sweeper, AppState,
};

/// 1 to 200; 50 when absent.
const PAGE: PageSize = PageSize::new(50, 200);

#[utoipa::path(
    get,
    path = "/api/files/{id}",
    tag = "files",
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(
        (status = 200, body = FileView),
        (status = 401, body = gamme_service_kit::Problem),
        (status = 404, body = gamme_service_kit::Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, file_id = %*id))]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let found = gamme_db::run(&state.pool, move |conn| {
        let Some((file, uploader)) = StoredFile::find(conn, id)? else { return Err(FilesError::NotFound) };
        let references = FileReference::for_files(conn, &[id])?;
        Ok((file, uploader, references))
    })
    .await?;
    let (file, uploader, references) = found;
    let expires_at = chrono::Utc::now() + state.link_ttl();
    Ok(HttpResponse::Ok().json(FileView::new(file, uploader, references, &state.links, expires_at)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `me`, or a user's id.
    uploader: Option<String>,
    /// `image`, `video`, `text`, or an exact media type such as `application/pdf`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    media_type: Option<String>,
    /// Part of the file name.
    q: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileList {
    pub items: Vec<FileView>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/files",
    tag = "files",
    params(ListQuery),
    responses(
        (status = 200, description = "Newest first", body = FileList),
        (status = 400, body = gamme_service_kit::Problem),
        (status = 401, body = gamme_service_kit::Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list(
    user: AuthUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let query = query.into_inner();
    let pager: Pager<Uuid> = Pager::new(PAGE, query.limit, query.cursor.as_deref())?;
    let uploader = match query.uploader.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("me") => Some(user.id),
        Some(other) => Some(
            Uuid::parse_str(other)
                .map_err(|_| FilesError::Validation("`uploader` must be `me` or a user's id.".into()))?,
        ),
    };
    let filter = ListFilter {
        uploader,
        media_type: query.media_type.map(|t| t.trim().to_ascii_lowercase()).filter(|t| !t.is_empty()),
        name_contains: query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
        after: pager.after,
        fetch: pager.fetch(),
    };
    let (rows, references) = gamme_db::run(&state.pool, move |conn| {
        let rows = StoredFile::list(conn, &filter)?;
        let ids: Vec<Uuid> = rows.iter().map(|(f, _)| f.id).collect();
        let references = FileReference::for_files(conn, &ids)?;
        Ok::<_, FilesError>((rows, references))
    })
    .await?;
    let page = pager.page(rows, |(file, _)| file.id);
    let mut by_file: HashMap<Uuid, Vec<FileReference>> = HashMap::new();
    for reference in references {
        by_file.entry(reference.file_id).or_default().push(reference);
    }
    let expires_at = chrono::Utc::now() + state.link_ttl();
    let items = page
        .items
        .into_iter()
        .map(|(file, uploader)| {
            let refs = by_file.remove(&file.id).unwrap_or_default();
            FileView::new(file, uploader, refs, &state.links, expires_at)
        })
        .collect();
    Ok(HttpResponse::Ok().json(FileList { items, next_cursor: page.next_cursor }))
}

#[utoipa::path(
    delete,
    path = "/api/files/{id}",
    tag = "files",
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = gamme_service_kit::Problem),
        (status = 403, description = "Only the uploader or an admin may delete", body = gamme_service_kit::Problem),
        (status = 404, body = gamme_service_kit::Problem),
        (status = 409, description = "Used by a published revision or a completed run", body = gamme_service_kit::Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, file_id = %*id))]
pub async fn delete(user: AuthUser, id: web::Path<Uuid>, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let storage = state.storage.clone();
    let (user_id, is_admin) = (user.id, user.is(Roles::ADMINS));
    gamme_db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            sweeper::lock_blobs_exclusive(conn)?;
            let Some(file) = StoredFile::find_for_update(conn, id)? else { return Err(FilesError::NotFound) };
            if file.uploader_id != user_id && !is_admin {
                return Err(FilesError::Forbidden(
                    "Only the person who uploaded a file, or an administrator, can delete it.",
                ));
            }
            let protected = FileReference::for_files(conn, &[id])?.into_iter().filter(|r| r.protected).count();
            if protected > 0 {
                return Err(FilesError::InUse { references: protected });
            }
            StoredFile::delete(conn, id)?;
            // The same bytes may belong to another upload; when not, they go now rather than
            // at the next sweep, since a deleted photo is expected to be gone.
            if !StoredFile::sha256_in_use(conn, &file.sha256)? {
                storage.delete(&BlobKey::Original(file.sha256.clone()))?;
                storage.delete(&BlobKey::Thumbnail(file.sha256.clone()))?;
            }
            tracing::info!(sha256 = %file.sha256, "file deleted");
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadLimits {
    /// The largest request body accepted, in bytes.
    pub max_upload_bytes: u64,
    pub max_files_per_upload: usize,
    /// Decided from the bytes, not the name.
    pub allowed_media_types: Vec<&'static str>,
}

#[utoipa::path(
    get,
    path = "/api/files/limits",
    tag = "files",
    responses((status = 200, body = UploadLimits), (status = 401, body = gamme_service_kit::Problem)),
    security(("bearer" = [])),
)]
pub async fn limits(_user: AuthUser, state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(UploadLimits {
        max_upload_bytes: state.config.max_upload_bytes,
        max_files_per_upload: crate::routes::upload::MAX_FILES_PER_UPLOAD,
        allowed_media_types: ALLOWED_MEDIA_TYPES.to_vec(),
    })
}
