//! The AI worker's errors and their one mapping to problem+json. Domain code returns
//! [`AiError`]; handlers answer `Problem`, which `?` makes from it here, and nowhere else.

use gamme_db::{paging::PageError, DbError};
use gamme_service_kit::Problem;

#[derive(Debug, thiserror::Error)]
pub enum AiError {
    /// Bad input, in words for the person who asked.
    #[error("{0}")]
    Validation(String),
    /// The role may not ask for this kind of job (the role guard's answer).
    #[error("forbidden")]
    Forbidden(Problem),
    #[error("{0}")]
    NotFound(&'static str),
    /// The person already has `limit` jobs waiting or running.
    #[error("too many open jobs")]
    TooManyJobs { limit: i64 },
    /// Only a queued job can be cancelled.
    #[error("the job is not queued")]
    NotQueued,
    /// `NotFound` → 404, pool exhausted → 503, else an opaque 500.
    #[error(transparent)]
    Db(#[from] DbError),
}

pub type Result<T, E = AiError> = std::result::Result<T, E>;

impl AiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AiError::Validation(message.into())
    }
}

impl From<diesel::result::Error> for AiError {
    fn from(e: diesel::result::Error) -> Self {
        AiError::Db(DbError::from(e))
    }
}

impl From<PageError> for AiError {
    fn from(e: PageError) -> Self {
        AiError::invalid(e.to_string())
    }
}

impl From<AiError> for Problem {
    fn from(err: AiError) -> Self {
        match err {
            AiError::Validation(message) => Problem::bad_request("validation_failed", message),
            AiError::Forbidden(problem) => problem,
            AiError::NotFound(message) => Problem::not_found(message),
            AiError::TooManyJobs { limit } => Problem::too_many_requests(
                "too_many_jobs",
                format!("You already have {limit} jobs waiting or running. Wait for one to finish or cancel one."),
                30,
            ),
            AiError::NotQueued => {
                Problem::conflict("not_queued", "This job has already started or finished: it cannot be cancelled.")
            }
            AiError::Db(e) => e.into(),
        }
    }
}
