//! The procedures service's errors and their one mapping to problem+json. Domain code returns
//! [`ProcError`]; handlers answer `Problem`, which `?` makes from it here, and nowhere else.

use gamme_db::{paging::PageError, DbError};
use gamme_service_kit::Problem;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    /// Bad input; `errors` names the fields or steps at fault.
    #[error("{message}")]
    Validation { message: String, errors: Option<Value> },
    /// The role may act, but not on this (the four-eyes rule, someone else's run).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A state the request does not fit (`code` says which).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Well-formed, but the domain refuses it as it stands (e.g. required steps missing).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String, errors: Option<Value> },
    /// A signature needs a sign-in younger than `minutes`: 403 `reauthentication_required`.
    #[error("signing needs a sign-in less than {minutes} minutes old")]
    ReauthenticationRequired { minutes: i64 },
    /// `NotFound` → 404, pool exhausted → 503, a unique violation → 409, else an opaque 500.
    #[error(transparent)]
    Db(#[from] DbError),
    /// An opaque 500; the cause chain goes to the log.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub type Result<T, E = ProcError> = std::result::Result<T, E>;

impl ProcError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ProcError::Validation { message: message.into(), errors: None }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ProcError::Conflict { code, message: message.into() }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>, errors: Option<Value>) -> Self {
        ProcError::Unprocessable { code, message: message.into(), errors }
    }
}

impl From<diesel::result::Error> for ProcError {
    fn from(e: diesel::result::Error) -> Self {
        ProcError::Db(DbError::from(e))
    }
}

impl From<PageError> for ProcError {
    fn from(e: PageError) -> Self {
        ProcError::invalid(e.to_string())
    }
}

impl From<ProcError> for Problem {
    fn from(err: ProcError) -> Self {
        match err {
            ProcError::Validation { message, errors } => {
                let p = Problem::bad_request("validation_failed", message);
                match errors {
                    Some(errors) => p.with_errors(errors),
                    None => p,
                }
            }
            ProcError::Forbidden(message) => Problem::forbidden(message),
            ProcError::ReauthenticationRequired { minutes } => Problem::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "reauthentication_required",
                format!(
                    "Signing needs your password again: confirm it (POST /api/auth/reauthenticate), then sign within {minutes} minutes."
                ),
            ),
            ProcError::NotFound(what) => Problem::not_found(format!("There is no such {what}.")),
            ProcError::Conflict { code, message } => Problem::conflict(code, message),
            ProcError::Unprocessable { code, message, errors } => {
                let p = Problem::unprocessable(code, message);
                match errors {
                    Some(errors) => p.with_errors(errors),
                    None => p,
                }
            }
            ProcError::Db(e) if e.is_unique_violation() => Problem::conflict(
                "conflict",
                "This conflicts with a change made at the same moment. Reload and try again.",
            ),
            ProcError::Db(e) => e.into(),
            ProcError::Unexpected(e) => Problem::internal(e.as_ref()),
        }
    }
}
