//! The auth service's errors and their one mapping to problem+json.

use gamme_db::DbError;
use gamme_service_kit::Problem;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Validation(String),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many failed sign-ins")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("already set up")]
    AlreadySetUp,
    #[error("email taken")]
    EmailTaken,
    #[error("last admin")]
    LastAdmin,
    #[error("new password equals the old one")]
    PasswordUnchanged,
    #[error("user not found")]
    UserNotFound,
    #[error("temporary password expired")]
    TemporaryPasswordExpired,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AuthError {
    fn from(e: diesel::result::Error) -> Self {
        AuthError::Db(DbError::from(e))
    }
}

impl From<AuthError> for Problem {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Validation(msg) => Problem::bad_request("validation_failed", msg),
            AuthError::InvalidCredentials => {
                Problem::unauthorized("invalid_credentials", "The email or the password is not right.")
            }
            AuthError::TooManyAttempts { retry_after_secs } => Problem::too_many_requests(
                "too_many_attempts",
                format!("Too many failed sign-ins. Try again in {retry_after_secs} seconds."),
                retry_after_secs,
            ),
            AuthError::InvalidRefreshToken => {
                Problem::unauthorized("invalid_refresh_token", "Your session has ended. Sign in again.")
            }
            AuthError::AlreadySetUp => {
                Problem::conflict("already_set_up", "Gamme is already set up: sign in with an existing account.")
            }
            AuthError::EmailTaken => Problem::conflict("email_taken", "A user with this email already exists."),
            AuthError::LastAdmin => Problem::conflict(
                "last_admin",
                "This would leave Gamme without an active administrator. Make someone else admin first.",
            ),
            AuthError::PasswordUnchanged => {
                Problem::bad_request("password_unchanged", "The new password must differ from the current one.")
            }
            AuthError::UserNotFound => Problem::not_found("There is no such user."),
            AuthError::TemporaryPasswordExpired => Problem::unauthorized(
                "temporary_password_expired",
                "This temporary password has expired. Ask an administrator for help.",
            ),
            AuthError::Db(e) => e.into(),
            AuthError::Unexpected(e) => Problem::internal(e.as_ref()),
        }
    }
}
