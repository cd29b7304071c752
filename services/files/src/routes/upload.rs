//! `POST /api/files`: multipart, one or several files, each streamed to a staged file on
//! the files volume while it is hashed and typed, then kept under its hash. Nothing is
//! kept, on disk or in the database, unless every file of the request arrived whole and
//! was accepted.

use actix_multipart::{Multipart, MultipartError};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use diesel::Connection;
use futures_util::StreamExt;
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_service_kit::{Problem, RequestId};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::{
    error::FilesError,
    metadata::{StoredFile, StoredFileInsertForm},
    routes::FileView,
    sniff::{self, Allowed, Sniffed, TextCheck, SNIFF_LEN},
    storage::{BlobKey, StagedFile},
    sweeper, AppState,
};

/// Files in one request: a run's photos, or a handful of manuals.
pub const MAX_FILES_PER_UPLOAD: usize = 20;
const WRITE_BUFFER: usize = 256 * 1024;

/// The multipart form, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// One part per file; the part's file name is kept for display.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadedFiles {
    pub files: Vec<FileView>,
}

struct Staged {
    guard: StagedFile,
    name: String,
    media_type: &'static str,
    size: i64,
    sha256: String,
}

fn from_multipart(err: MultipartError) -> FilesError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => FilesError::NotMultipart,
        // The client went away or the body ended early.
        MultipartError::Payload(e) => FilesError::Interrupted(e.to_string()),
        MultipartError::Incomplete => FilesError::Interrupted("the body ended before the last part".into()),
        other => FilesError::Validation(format!("The multipart body could not be read: {other}.")),
    }
}

fn decide(head: &[u8], name: &str) -> Result<Allowed, FilesError> {
    match sniff::sniff(head) {
        Sniffed::Allowed(kind) => Ok(kind),
        Sniffed::Refused(detected) => Err(FilesError::UnsupportedType { name: name.to_owned(), detected }),
    }
}

#[utoipa::path(
    post,
    path = "/api/files",
    tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Kept", body = UploadedFiles),
        (status = 400, description = "No file, an empty file, or an interrupted upload", body = gamme_service_kit::Problem),
        (status = 401, body = gamme_service_kit::Problem),
        (status = 403, description = "Viewers cannot upload", body = gamme_service_kit::Problem),
        (status = 413, description = "Larger than GAMME_MAX_UPLOAD_BYTES", body = gamme_service_kit::Problem),
        (status = 415, description = "A type Gamme does not keep; the message names what it is", body = gamme_service_kit::Problem),
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
    let limit = state.config.max_upload_bytes;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(FilesError::TooLarge { limit }.into());
    }
    let staged = receive(multipart, &state, limit).await?;
    let files = keep(staged, &state, user.id, request_id.as_str().to_owned()).await?;
    state.outbox.notify_one();
    tracing::info!(count = files.len(), "files uploaded");
    Ok(HttpResponse::Created().json(UploadedFiles { files }))
}

/// Reads every part; returns the staged files, or an error that drops (and so removes) them.
async fn receive(mut multipart: Multipart, state: &AppState, limit: u64) -> Result<Vec<Staged>, FilesError> {
    let mut staged = Vec::new();
    let mut total: u64 = 0;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(from_multipart)?;
        let filename = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_owned);
        let Some(filename) = filename else {
            // A plain form field: read past it, counting it toward the limit.
            while let Some(chunk) = field.next().await {
                total += chunk.map_err(from_multipart)?.len() as u64;
                if total > limit {
                    return Err(FilesError::TooLarge { limit });
                }
            }
            continue;
        };
        if staged.len() == MAX_FILES_PER_UPLOAD {
            return Err(FilesError::TooManyFiles { max: MAX_FILES_PER_UPLOAD });
        }
        let name = sniff::clean_name(&filename);
        let (guard, file) = StagedFile::create(&*state.storage).await?;
        let mut writer = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(SNIFF_LEN);
        let mut kind: Option<Allowed> = None;
        let mut text = TextCheck::default();
        let mut size: u64 = 0;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(from_multipart)?;
            total += chunk.len() as u64;
            if total > limit {
                return Err(FilesError::TooLarge { limit });
            }
            size += chunk.len() as u64;
            hasher.update(&chunk);
            if kind.is_none() {
                let wanted = (SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..wanted]);
                if head.len() == SNIFF_LEN {
                    // Refused as soon as the first bytes say so, before the rest is read.
                    kind = Some(decide(&head, &name)?);
                }
            }
            if kind.is_none_or(|k| k == Allowed::Text) {
                text.feed(&chunk);
            }
            writer.write_all(&chunk).await?;
        }
        if size == 0 {
            return Err(FilesError::EmptyFile { name });
        }
        let kind = match kind {
            Some(k) => k,
            None => decide(&head, &name)?,
        };
        if kind == Allowed::Text && !text.finish() {
            return Err(FilesError::UnsupportedType { name, detected: "binary data (not UTF-8 text)" });
        }
        writer.flush().await?;
        writer.into_inner().sync_data().await?;
        staged.push(Staged {
            guard,
            media_type: kind.media_type(&name),
            name,
            size: i64::try_from(size).map_err(|_| FilesError::TooLarge { limit })?,
            sha256: hex::encode(hasher.finalize()),
        });
    }
    if staged.is_empty() {
        return Err(FilesError::NoFile);
    }
    Ok(staged)
}

/// Moves the staged files under their hashes and records them, with a `file.uploaded`
/// event each, in one transaction.
async fn keep(
    staged: Vec<Staged>,
    state: &AppState,
    uploader_id: uuid::Uuid,
    request_id: String,
) -> Result<Vec<FileView>, FilesError> {
    let storage = state.storage.clone();
    let rows = gamme_db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            // Shared with other uploads, exclusive against the sweeper and deletions, so no
            // blob is removed between being found here and being pointed at by a row.
            sweeper::lock_blobs_shared(conn)?;
            let mut rows = Vec::with_capacity(staged.len());
            for file in &staged {
                storage.put(&BlobKey::Original(file.sha256.clone()), file.guard.path())?;
                let thumbnail_status = if file.media_type.starts_with("image/") && file.media_type != "image/heic" {
                    "pending"
                } else {
                    "not_applicable"
                };
                let text_status = if file.media_type == "application/pdf" || file.media_type.starts_with("text/") {
                    "pending"
                } else {
                    "not_applicable"
                };
                let row = StoredFile::insert(
                    conn,
                    &StoredFileInsertForm {
                        id: uuid::Uuid::now_v7(),
                        uploader_id,
                        name: &file.name,
                        media_type: file.media_type,
                        size_bytes: file.size,
                        sha256: &file.sha256,
                        thumbnail_status,
                        text_status,
                    },
                )?;
                let event = Event::FileUploaded {
                    file_id: row.id,
                    uploader_id,
                    media_type: row.media_type.clone(),
                    size_bytes: row.size_bytes,
                    sha256: row.sha256.clone(),
                };
                outbox::enqueue(conn, &Envelope::new(event, Some(request_id.clone())))?;
                rows.push(row);
            }
            let uploader = gamme_db::users::UserStatus::find(conn, uploader_id)?.map(|u| u.display_name);
            Ok::<_, FilesError>((rows, uploader.unwrap_or_default()))
        })
    })
    .await?;
    let (rows, uploader) = rows;
    let expires_at = chrono::Utc::now() + state.link_ttl();
    Ok(rows.into_iter().map(|row| FileView::new(row, uploader.clone(), Vec::new(), &state.links, expires_at)).collect())
}
