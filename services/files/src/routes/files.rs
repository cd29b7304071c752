//! A file's metadata, the list, deletion and the upload limits.

use actix_web::{web, HttpResponse};
use gamme_auth_token::AuthUser;
use gamme_db::paging::{PageSize, Pager};
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    access::Reader,
    metadata::{FileView, ListFilter, StoredFile},
    sniff::ALLOWED_MEDIA_TYPES,
    uploads::MAX_FILES_PER_UPLOAD,
    AppState,
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
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, file_id = %*id))]
pub async fn get(user: AuthUser, id: web::Path<Uuid>, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let (id, reader) = (id.into_inner(), Reader::User(user));
    let described = state.store.read(move |c| StoredFile::describe(c, id, &reader)).await?;
    Ok(HttpResponse::Ok().json(FileView::new(described, &state.links.issue())))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `me`, or a user's id.
    #[param(pattern = r"^(|me|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$")]
    uploader: Option<String>,
    /// `image`, `video`, `text`, or an exact media type such as `application/pdf`.
    #[serde(rename = "type")]
    #[param(rename = "type", pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    media_type: Option<String>,
    /// Part of the file name.
    #[param(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    q: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
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
        (status = 400, body = Problem),
        (status = 401, body = Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list(
    user: AuthUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let ListQuery { uploader, media_type, q, cursor, limit } = query.into_inner();
    let pager: Pager<Uuid> = Pager::new(PAGE, limit, cursor.as_deref())?;
    let filter = ListFilter::new(&user, uploader.as_deref(), media_type.as_deref(), q.as_deref())?;
    let reader = Reader::User(user);
    let page = state.store.read(move |c| StoredFile::list(c, &filter, &pager, &reader)).await?;
    let links = state.links.issue();
    let items = page.items.into_iter().map(|described| FileView::new(described, &links)).collect();
    Ok(HttpResponse::Ok().json(FileList { items, next_cursor: page.next_cursor }))
}

#[utoipa::path(
    delete,
    path = "/api/files/{id}",
    tag = "files",
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, description = "Only the uploader or an admin may delete", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "Used by a published revision or a completed run", body = Problem),
    ),
    security(("bearer" = [])),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, file_id = %*id))]
pub async fn delete(
    user: AuthUser,
    id: web::Path<Uuid>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> Result<HttpResponse, Problem> {
    let (id, storage, correlation) = (id.into_inner(), state.storage.clone(), Some(request_id.0));
    state.store.write(move |c| StoredFile::delete(c, id, &user, &storage, correlation)).await?;
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
    responses((status = 200, body = UploadLimits), (status = 401, body = Problem)),
    security(("bearer" = [])),
)]
pub async fn limits(_user: AuthUser, state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(UploadLimits {
        max_upload_bytes: state.config.max_upload_bytes,
        max_files_per_upload: MAX_FILES_PER_UPLOAD,
        allowed_media_types: ALLOWED_MEDIA_TYPES.to_vec(),
    })
}
