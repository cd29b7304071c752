//! Downloads: the service decides who may read and what the headers are; nginx sends the
//! bytes from an internal location (`X-Accel-Redirect`), with sendfile and Range.

use actix_web::{http::header, web, FromRequest, HttpRequest, HttpResponse};
use gamme_auth_token::AuthUser;
use gamme_service_kit::Problem;
use serde::Deserialize;
use uuid::Uuid;

use crate::{error::FilesError, links::Variant, metadata::StoredFile, storage::BlobKey, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// Unix time the signed link expires at (signed links only).
    expires: Option<i64>,
    /// The link's signature (signed links only).
    sig: Option<String>,
}

/// A signed link, or else a token.
async fn authorise(
    req: &HttpRequest,
    id: Uuid,
    variant: Variant,
    query: &LinkQuery,
    state: &AppState,
) -> actix_web::Result<()> {
    match (query.expires, query.sig.as_deref()) {
        (Some(expires), Some(sig)) => {
            state.links.verify(id, variant, expires, sig).map_err(|e| Problem::from(e).into())
        }
        (None, None) => AuthUser::extract(req).await.map(|_| ()),
        _ => Err(Problem::from(FilesError::BadSignature).into()),
    }
}

/// The extensions a download's name may end with, the first being the one added otherwise.
fn extensions(media_type: &str) -> &'static [&'static str] {
    match media_type {
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg"],
        "image/webp" => &["webp"],
        "image/gif" => &["gif"],
        "image/heic" => &["heic", "heif"],
        "application/pdf" => &["pdf"],
        "video/mp4" => &["mp4", "m4v"],
        "text/markdown" => &["md", "markdown"],
        _ => &["txt"],
    }
}

/// The server's choice of name: the display name, with an extension that matches the type
/// (so a text file named `x.html` saves as `x.html.txt`).
fn download_name(name: &str, media_type: &str) -> String {
    let allowed = extensions(media_type);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if ext.as_deref().is_some_and(|e| allowed.contains(&e)) {
        name.to_owned()
    } else {
        format!("{name}.{}", allowed[0])
    }
}

/// RFC 6266: a plain-ASCII `filename` for old clients and the exact name in `filename*`.
pub fn content_disposition(name: &str, media_type: &str) -> String {
    let inline = media_type.starts_with("image/") || media_type == "application/pdf";
    let name = download_name(name, media_type);
    let ascii: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%' | ';') { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn content_type(media_type: &str) -> String {
    if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

async fn find(state: &AppState, id: Uuid) -> Result<StoredFile, Problem> {
    let found =
        gamme_db::run(&state.pool, move |conn| StoredFile::find(conn, id)?.map(|(f, _)| f).ok_or(FilesError::NotFound))
            .await?;
    Ok(found)
}

fn redirect(req: &HttpRequest, state: &AppState, key: BlobKey, media_type: &str, disposition: String) -> HttpResponse {
    let etag = format!("\"{}\"", key.sha256());
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
    res.insert_header(("X-Accel-Redirect", state.storage.internal_uri(&key)))
        .insert_header((header::CONTENT_TYPE, content_type(media_type)))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
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
        (status = 401, description = "Neither a token nor a signed link", body = gamme_service_kit::Problem),
        (status = 403, description = "An expired or altered signed link", body = gamme_service_kit::Problem),
        (status = 404, body = gamme_service_kit::Problem),
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
    let id = id.into_inner();
    authorise(&req, id, Variant::Content, &query, &state).await?;
    let file = find(&state, id).await?;
    let disposition = content_disposition(&file.name, &file.media_type);
    Ok(redirect(&req, &state, BlobKey::Original(file.sha256), &file.media_type, disposition))
}

#[utoipa::path(
    get,
    path = "/api/files/{id}/thumbnail",
    tag = "files",
    params(("id" = Uuid, Path, description = "The file's id"), LinkQuery),
    responses(
        (status = 200, description = "A JPEG of at most 320 px, sent by nginx"),
        (status = 401, body = gamme_service_kit::Problem),
        (status = 403, body = gamme_service_kit::Problem),
        (status = 404, description = "No such file, or no thumbnail (yet)", body = gamme_service_kit::Problem),
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
    let id = id.into_inner();
    authorise(&req, id, Variant::Thumbnail, &query, &state).await?;
    let file = find(&state, id).await?;
    if file.thumbnail_status != "ready" {
        return Err(Problem::from(FilesError::NoThumbnail).into());
    }
    let stem = file.name.rsplit_once('.').map_or(file.name.as_str(), |(s, _)| s);
    let disposition = content_disposition(&format!("{stem} (thumbnail).jpg"), "image/jpeg");
    Ok(redirect(&req, &state, BlobKey::Thumbnail(file.sha256), "image/jpeg", disposition))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_named_by_the_server_with_a_matching_extension() {
        assert_eq!(
            content_disposition("Pompe P-101 été.pdf", "application/pdf"),
            "inline; filename=\"Pompe P-101 _t_.pdf\"; filename*=UTF-8''Pompe%20P-101%20%C3%A9t%C3%A9.pdf"
        );
        assert_eq!(
            content_disposition("passwd", "text/plain"),
            "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt"
        );
        assert!(content_disposition("x.html", "text/plain").starts_with("attachment; filename=\"x.html.txt\""));
        assert!(content_disposition("clip.MP4", "video/mp4").starts_with("attachment; filename=\"clip.MP4\""));
        assert!(content_disposition("a\"b;c.png", "image/png").starts_with("inline; filename=\"a_b_c.png\""));
    }
}
