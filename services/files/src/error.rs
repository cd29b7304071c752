//! The files service's errors and their one mapping to problem+json.

use actix_web::http::StatusCode;
use gamme_db::DbError;
use gamme_service_kit::Problem;

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("{0}")]
    Validation(String),
    #[error("the body is not multipart/form-data")]
    NotMultipart,
    #[error("no file in the upload")]
    NoFile,
    #[error("too many files in one upload")]
    TooManyFiles { max: usize },
    #[error("empty file")]
    EmptyFile { name: String },
    #[error("refused type: {detected}")]
    UnsupportedType { name: String, detected: &'static str },
    #[error("upload larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload was interrupted")]
    Interrupted(String),
    #[error("file not found")]
    NotFound,
    #[error("no thumbnail")]
    NoThumbnail,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("file in use")]
    InUse { references: usize },
    #[error("link expired")]
    LinkExpired,
    #[error("bad link signature")]
    BadSignature,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for FilesError {
    fn from(e: diesel::result::Error) -> Self {
        FilesError::Db(DbError::from(e))
    }
}

impl From<std::io::Error> for FilesError {
    fn from(e: std::io::Error) -> Self {
        FilesError::Unexpected(anyhow::Error::new(e))
    }
}

impl From<FilesError> for Problem {
    fn from(err: FilesError) -> Self {
        match err {
            FilesError::Validation(msg) => Problem::bad_request("validation_failed", msg),
            FilesError::NotMultipart => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "not_multipart",
                "Send files as multipart/form-data, one part per file.",
            ),
            FilesError::NoFile => {
                Problem::bad_request("no_file", "The upload has no file: add at least one part with a file name.")
            }
            FilesError::TooManyFiles { max } => {
                Problem::bad_request("too_many_files", format!("Upload at most {max} files at a time."))
            }
            FilesError::EmptyFile { name } => Problem::bad_request(
                "empty_file",
                format!("\u{201c}{name}\u{201d} is empty: there is nothing to keep."),
            ),
            FilesError::UnsupportedType { name, detected } => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_type",
                format!(
                    "\u{201c}{name}\u{201d} is {detected}, which Gamme does not keep. Upload photos (PNG, JPEG, WebP, \
                     GIF, HEIC), PDF documents, MP4 videos or text and Markdown files."
                ),
            )
            .with_errors(serde_json::json!({ "detected": detected })),
            FilesError::TooLarge { limit } => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The upload is larger than the {} MiB this server accepts.", limit / (1024 * 1024)),
            ),
            FilesError::Interrupted(reason) => Problem::bad_request(
                "upload_interrupted",
                format!("The upload did not arrive whole ({reason}); nothing was kept. Try again."),
            ),
            FilesError::NotFound => Problem::not_found("There is no such file."),
            FilesError::NoThumbnail => Problem::not_found("This file has no thumbnail."),
            FilesError::Forbidden(why) => Problem::forbidden(why),
            FilesError::InUse { references } => Problem::conflict(
                "file_in_use",
                format!(
                    "This file is used by {references} published revision(s) or completed run(s), which must stay \
                     as they were: it cannot be deleted."
                ),
            ),
            FilesError::LinkExpired => {
                Problem::new(StatusCode::FORBIDDEN, "link_expired", "This link has expired: open the file again.")
            }
            FilesError::BadSignature => {
                Problem::new(StatusCode::FORBIDDEN, "invalid_link", "This link is not valid for this file.")
            }
            FilesError::Db(e) if e.is_not_found() => Problem::not_found("There is no such file."),
            FilesError::Db(e) => e.into(),
            FilesError::Unexpected(e) => Problem::internal(e.as_ref()),
        }
    }
}
