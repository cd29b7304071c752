//! Downloads: the service decides who may read and what the headers are; nginx sends the
//! bytes from an internal location (`X-Accel-Redirect`), with sendfile and Range.

use actix_web::{http::header, web, FromRequest, HttpRequest, HttpResponse};
use gamme_auth_token::AuthUser;
use gamme_service_kit::Problem;
use serde::Deserialize;
use uuid::Uuid;

use crate::{access::Reader, downloads::Download, error::FilesError, links::Variant, metadata::StoredFile, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// Unix time the signed link expires at (signed links only).
    expires: Option<i64>,
    /// The link's signature (signed links only).
    sig: Option<String>,
}

/// The file, for the holder of a valid signed link, or else for someone signed in who may see
/// it. A link is checked before anything is looked up.
async fn open(
    req: &HttpRequest,
    state: &AppState,
    id: Uuid,
    variant: Variant,
    query: LinkQuery,
) -> actix_web::Result<StoredFile> {
    let reader = match (query.expires, query.sig.as_deref()) {
        (Some(expires), Some(sig)) => {
            state.links.verify(id, variant, expires, sig).map_err(Problem::from)?;
            Reader::Link
        }
        (None, None) => Reader::User(AuthUser::extract(req).await?),
        _ => return Err(Problem::from(FilesError::BadSignature).into()),
    };
    let file = state.store.read(move |c| StoredFile::find(c, id, &reader)?.ok_or(FilesError::NotFound)).await;
    Ok(file.map_err(Problem::from)?)
}

/// The answer nginx turns into the bytes; 304 when the client has them (the hash is the ETag).
fn send(req: &HttpRequest, state: &AppState, download: Download) -> HttpResponse {
    let etag = format!("\"{}\"", download.key.sha256());
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"));
    if matches {
        return res.finish();
    }
    res.insert_header(("X-Accel-Redirect", state.storage.internal_uri(&download.key)))
        .insert_header((header::CONTENT_TYPE, download.content_type))
        .insert_header((header::CONTENT_DISPOSITION, download.disposition))
        .finish()
}

#[utoipa::path(
    get,
    path = "/api/files/{id}/content",
    tag = "files",
    params(("id" = Uuid, Path, description = "The file's id"), LinkQuery),
    responses(
        (status = 200, description = "The bytes, sent by nginx; Range gives 206"),
        (status = 304, description = "Unchanged (If-None-Match)"),
        (status = 401, description = "Neither a token nor a signed link", body = Problem),
        (status = 403, description = "An expired or altered signed link", body = Problem),
        (status = 404, body = Problem),
    ),
    security(("bearer" = []), ()),
)]
#[tracing::instrument(skip_all, fields(file_id = %*id))]
pub async fn content(
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: web::Query<LinkQuery>,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let file = open(&req, &state, id.into_inner(), Variant::Content, query.into_inner()).await?;
    Ok(send(&req, &state, Download::original(file)))
}

#[utoipa::path(
    get,
    path = "/api/files/{id}/thumbnail",
    tag = "files",
    params(("id" = Uuid, Path, description = "The file's id"), LinkQuery),
    responses(
        (status = 200, description = "A JPEG of at most 320 px, sent by nginx"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No such file, or no thumbnail (yet)", body = Problem),
    ),
    security(("bearer" = []), ()),
)]
#[tracing::instrument(skip_all, fields(file_id = %*id))]
pub async fn thumbnail(
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: web::Query<LinkQuery>,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let file = open(&req, &state, id.into_inner(), Variant::Thumbnail, query.into_inner()).await?;
    let download = Download::thumbnail(file).map_err(Problem::from)?;
    Ok(send(&req, &state, download))
}
