//! The signed-in user: who am I, change my password.

use actix_web::{http::StatusCode, web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use gamme_auth_token::AuthUser;
use gamme_db::DbError;
use gamme_service_kit::Problem;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    error::AuthError,
    passwords,
    routes::session::{signed_in, LoginResponse},
    sessions::RefreshToken,
    users::{User, UserUpdateForm, UserView},
    AppState,
};

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
pub async fn me(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let id = user.id;
    let found = gamme_db::run(&state.pool, move |c| User::find(c, id).map_err(DbError::from)).await?;
    let found = found.ok_or(AuthError::UserNotFound)?;
    Ok(HttpResponse::Ok().json(found.view()?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(value_type = String, format = Password)]
    pub current_password: SecretString,
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// Change my password. Every other sign-in of mine ends; this one continues with new tokens.
#[utoipa::path(post, path = "/api/auth/me/password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed; a new session", body = LoginResponse),
        (status = 400, description = "`validation_failed` or `password_unchanged`", body = Problem),
        (status = 401, description = "`invalid_credentials`: the current password is wrong", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn change_password(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, Problem> {
    let ChangePasswordRequest { current_password, new_password } = body.into_inner();
    passwords::validate(&new_password)?;
    if current_password.expose_secret() == new_password.expose_secret() {
        return Err(AuthError::PasswordUnchanged.into());
    }
    let id = user.id;
    let stored = gamme_db::run(&state.pool, move |c| User::find(c, id).map_err(DbError::from))
        .await?
        .ok_or(AuthError::UserNotFound)?;
    if !passwords::verify(current_password, Some(stored.password_hash)).await? {
        return Err(AuthError::InvalidCredentials.into());
    }
    let password_hash = passwords::hash(new_password).await?;
    let (updated, refresh) = gamme_db::run(&state.pool, move |c| {
        c.transaction(|c| {
            let now = Utc::now();
            let updated = User::update(
                c,
                id,
                &UserUpdateForm {
                    password_hash: Some(password_hash),
                    must_change_password: Some(false),
                    tokens_valid_after: Some(now),
                    updated_at: Some(now),
                    ..Default::default()
                },
            )?;
            RefreshToken::revoke_all_for_user(c, id)?;
            let refresh = RefreshToken::issue(c, id, None)?;
            Ok::<_, diesel::result::Error>((updated, refresh))
        })
        .map_err(DbError::from)
    })
    .await?;
    tracing::info!("password changed; other sessions revoked");
    Ok(signed_in(&state, &updated, &refresh, StatusCode::OK)?)
}
