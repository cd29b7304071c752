//! The work service's errors and their one mapping to problem+json. Domain code returns
//! [`WorkError`]; handlers turn it into a [`Problem`] with `?`.

use gamme_db::{paging::PageError, DbError};
use gamme_service_kit::Problem;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// Bad input; `errors` names the fields at fault.
    #[error("{message}")]
    Validation { message: String, errors: Option<Value> },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A state the request does not fit (`code` says which).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub type Result<T, E = WorkError> = std::result::Result<T, E>;

impl WorkError {
    pub fn invalid(message: impl Into<String>) -> Self {
        WorkError::Validation { message: message.into(), errors: None }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        WorkError::Conflict { code, message: message.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        WorkError::Forbidden(message.into())
    }
}

impl From<diesel::result::Error> for WorkError {
    fn from(e: diesel::result::Error) -> Self {
        WorkError::Db(DbError::from(e))
    }
}

impl From<PageError> for WorkError {
    fn from(e: PageError) -> Self {
        WorkError::invalid(e.to_string())
    }
}

impl From<WorkError> for Problem {
    fn from(err: WorkError) -> Self {
        match err {
            WorkError::Validation { message, errors } => {
                let p = Problem::bad_request("validation_failed", message);
                match errors {
                    Some(errors) => p.with_errors(errors),
                    None => p,
                }
            }
            WorkError::Forbidden(message) => Problem::forbidden(message),
            WorkError::NotFound(what) => Problem::not_found(format!("There is no such {what}.")),
            WorkError::Conflict { code, message } => Problem::conflict(code, message),
            WorkError::Db(e) if e.is_unique_violation() => Problem::conflict(
                "conflict",
                "This conflicts with a change made at the same moment. Reload and try again.",
            ),
            WorkError::Db(e) => e.into(),
            WorkError::Unexpected(e) => Problem::internal(e.as_ref()),
        }
    }
}
