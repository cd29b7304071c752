//! The signed-in user: who am I, change my password.

use actix_web::{http::StatusCode, web, HttpResponse};
use gamme_auth_token::{AuthUser, PasswordPending};
use gamme_service_kit::Json;
use gamme_service_kit::Problem;
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    routes::session::{access_only, signed_in, LoginResponse},
    sessions,
    users::{User, UserView},
    AppState,
};

/// The signed-in user; answered even while a password change is pending (`must_change_password`).
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
pub async fn me(PasswordPending(user): PasswordPending, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let id = user.id;
    let found = state.store.read(move |c| User::get(c, id)).await?;
    Ok(HttpResponse::Ok().json(found.view()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(value_type = String, format = Password)]
    pub current_password: SecretString,
    #[schema(value_type = String, format = Password, min_length = 8, max_length = 128)]
    pub new_password: SecretString,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReauthenticateRequest {
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// A fresh access token for the signed-in user, who types their password again: approving a
/// revision, signing off a run and verifying one need a sign-in a few minutes old at most
/// (`auth_time`). The refresh cookie stays as it is. Attempts are limited per account, with
/// password changes.
#[utoipa::path(post, path = "/api/auth/reauthenticate", tag = "auth", security(("bearer" = [])),
    request_body = ReauthenticateRequest,
    responses(
        (status = 200, description = "Confirmed; an access token whose `auth_time` is now", body = LoginResponse),
        (status = 401, description = "`invalid_credentials`: the password is wrong", body = Problem),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn reauthenticate(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<ReauthenticateRequest>,
) -> Result<HttpResponse, Problem> {
    let password = body.into_inner().password;
    let (user, at) = sessions::reauthenticate(&state.store, state.config.login_limits, user.id, password).await?;
    Ok(access_only(&state, &user, at)?)
}

/// Change my password. Every other sign-in of mine ends; this one continues with new tokens.
/// The one call, with `me`, a temporary password allows. Attempts are limited per account.
#[utoipa::path(post, path = "/api/auth/me/password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed; a new session", body = LoginResponse),
        (status = 400, description = "`validation_failed` (8 to 128 characters, not a common password) or `password_unchanged`", body = Problem),
        (status = 401, description = "`invalid_credentials`: the current password is wrong; `temporary_password_expired`", body = Problem),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn change_password(
    PasswordPending(user): PasswordPending,
    state: web::Data<AppState>,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, Problem> {
    let ChangePasswordRequest { current_password, new_password } = body.into_inner();
    let session =
        sessions::change_password(&state.store, state.config.login_limits, user.id, current_password, new_password)
            .await?;
    Ok(signed_in(&state, &session, StatusCode::OK)?)
}
