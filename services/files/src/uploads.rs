//! Uploads: multipart, one or several files, each streamed to a staged file on the files
//! volume while it is hashed and typed from its bytes, then kept under its hash. Nothing is
//! kept, on disk or in the database, unless every file of the request arrived whole and was
//! accepted.

use actix_multipart::{Multipart, MultipartError};
use futures_util::StreamExt;
use gamme_bus::{outbox, Envelope, Event};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::{
    error::FilesError,
    metadata::{lock_blobs_shared, Described, StoredFile, StoredFileInsertForm, TextStatus, ThumbnailStatus},
    sniff::{self, Allowed, Sniffed, TextCheck, SNIFF_LEN},
    storage::{BlobKey, StagedFile, Storage},
};

/// Files in one request: a run's photos, or a handful of manuals.
pub const MAX_FILES_PER_UPLOAD: usize = 20;
const WRITE_BUFFER: usize = 256 * 1024;

/// A file of the upload, arrived whole and accepted, not kept yet.
pub struct Staged {
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

/// Reads every part; returns the staged files, or an error that drops (and so removes) them.
/// A body whose declared length is over `limit` is refused before any of it is read.
pub async fn receive(
    mut multipart: Multipart,
    declared_length: Option<u64>,
    storage: &dyn Storage,
    limit: u64,
) -> Result<Vec<Staged>, FilesError> {
    if declared_length.is_some_and(|len| len > limit) {
        return Err(FilesError::TooLarge { limit });
    }
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
        let (guard, file) = StagedFile::create(storage).await?;
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

/// Moves the staged files under their hashes and records them, with a `file.uploaded` event
/// each. Call inside a transaction.
pub fn keep(
    conn: &mut diesel::PgConnection,
    storage: &dyn Storage,
    staged: &[Staged],
    uploader_id: Uuid,
    request_id: &str,
) -> Result<Vec<Described>, FilesError> {
    // Shared with other uploads, exclusive against the sweeper and deletions, so no blob is
    // removed between being found here and being pointed at by a row.
    lock_blobs_shared(conn)?;
    let uploader_name =
        gamme_db::users::UserStatus::find(conn, uploader_id)?.map(|u| u.display_name).unwrap_or_default();
    let mut kept = Vec::with_capacity(staged.len());
    for file in staged {
        storage.put(&BlobKey::Original(file.sha256.clone()), file.guard.path())?;
        let row = StoredFile::insert(
            conn,
            &StoredFileInsertForm {
                id: Uuid::now_v7(),
                uploader_id,
                name: &file.name,
                media_type: file.media_type,
                size_bytes: file.size,
                sha256: &file.sha256,
                thumbnail_status: ThumbnailStatus::initial(file.media_type),
                text_status: TextStatus::initial(file.media_type),
            },
        )?;
        let event = Event::FileUploaded {
            file_id: row.id,
            uploader_id,
            media_type: row.media_type.clone(),
            size_bytes: row.size_bytes,
            sha256: row.sha256.clone(),
        };
        outbox::enqueue(conn, &Envelope::new(event, Some(request_id.to_owned())))?;
        kept.push(Described { file: row, uploader_name: uploader_name.clone(), references: Vec::new() });
    }
    Ok(kept)
}
