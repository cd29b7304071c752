//! Sign-in, silent refresh and sign-out. The refresh token travels only in an httpOnly,
//! SameSite=Strict cookie scoped to `/api/auth`; the access token only in the body.

use actix_web::{
    cookie::{time::Duration as CookieDuration, Cookie, SameSite},
    web, HttpRequest, HttpResponse,
};
use chrono::Utc;
use diesel::Connection;
use gamme_auth_token::ACCESS_TOKEN_TTL_SECS;
use gamme_db::DbError;
use gamme_service_kit::Problem;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::AuthError,
    passwords,
    sessions::{RefreshToken, Rotation, REFRESH_TTL_DAYS},
    throttle,
    users::{normalize_email, User, UserUpdateForm, UserView},
    AppState,
};

pub const REFRESH_COOKIE: &str = "gamme_refresh";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// A signed-in session: the access token and who it is for.
#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: UserView,
}

fn refresh_cookie(state: &AppState, token: &SecretString) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.expose_secret().to_owned())
        .path("/api/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.cookie_secure)
        .max_age(CookieDuration::days(REFRESH_TTL_DAYS))
        .finish()
}

fn cleared_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = Cookie::build(REFRESH_COOKIE, "")
        .path("/api/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.cookie_secure)
        .finish();
    c.make_removal();
    c
}

/// The answer to every successful sign-in: access token in the body, refresh token in the cookie.
pub fn signed_in(
    state: &AppState,
    user: &User,
    refresh: &SecretString,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AuthError> {
    let (access_token, _) = state.keys.current.sign_access_token(user, &state.config.issuer, &state.config.audience)?;
    Ok(HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .cookie(refresh_cookie(state, refresh))
        .json(LoginResponse {
            access_token,
            token_type: "Bearer",
            expires_in: ACCESS_TOKEN_TTL_SECS,
            user: user.view()?,
        }))
}

/// The client's address as nginx saw it; services are reachable only through nginx.
fn client_address(req: &HttpRequest) -> String {
    req.headers()
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as the `gamme_refresh` cookie", body = LoginResponse),
        (status = 400, description = "Malformed request", body = Problem),
        (status = 401, description = "`invalid_credentials`", body = Problem),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, Problem> {
    let LoginRequest { email, password } = body.into_inner();
    let email = normalize_email(&email).map_err(|_| AuthError::InvalidCredentials)?;
    let keys = vec![throttle::account_key(&email), throttle::address_key(&client_address(&req))];
    {
        let keys = keys.clone();
        let blocked =
            gamme_db::run(&state.pool, move |c| throttle::blocked_for(c, &keys).map_err(DbError::from)).await?;
        if let Some(retry_after_secs) = blocked {
            return Err(AuthError::TooManyAttempts { retry_after_secs }.into());
        }
    }
    let lookup = email.clone();
    let user = gamme_db::run(&state.pool, move |c| User::find_by_email(c, &lookup).map_err(DbError::from)).await?;
    let stored = user.as_ref().filter(|u| u.is_active).map(|u| u.password_hash.clone());
    let ok = passwords::verify(password, stored).await?;
    let (Some(user), true) = (user, ok) else {
        let (limits, keys) = ((state.config.max_failures_per_account, state.config.max_failures_per_address), keys);
        gamme_db::run(&state.pool, move |c| {
            throttle::record_failure(c, &keys[0], limits.0)?;
            throttle::record_failure(c, &keys[1], limits.1).map_err(DbError::from)
        })
        .await?;
        tracing::info!("failed sign-in");
        return Err(AuthError::InvalidCredentials.into());
    };
    let account_key = keys[0].clone();
    let (user, refresh) = gamme_db::run(&state.pool, move |c| {
        c.transaction(|c| {
            throttle::clear(c, &account_key)?;
            let now = Utc::now();
            let user = User::update(c, user.id, &UserUpdateForm { last_login_at: Some(now), ..Default::default() })?;
            let refresh = RefreshToken::issue(c, user.id, None)?;
            Ok::<_, diesel::result::Error>((user, refresh))
        })
        .map_err(DbError::from)
    })
    .await?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(signed_in(&state, &user, &refresh, actix_web::http::StatusCode::OK)?)
}

/// Exchange the refresh cookie for a new access token (and a new refresh cookie).
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth",
    responses(
        (status = 200, description = "Renewed; a new `gamme_refresh` cookie replaces the old one", body = LoginResponse),
        (status = 401, description = "`invalid_refresh_token`", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn refresh(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let Some(presented) = req.cookie(REFRESH_COOKIE).map(|c| SecretString::from(c.value().to_owned())) else {
        return Err(AuthError::InvalidRefreshToken.into());
    };
    let outcome = gamme_db::run(&state.pool, move |c| {
        c.transaction(|c| {
            let rotation = RefreshToken::rotate(c, &presented)?;
            let user = match &rotation {
                Rotation::Rotated { user_id, .. } => User::find(c, *user_id)?,
                _ => None,
            };
            Ok::<_, diesel::result::Error>((rotation, user))
        })
        .map_err(DbError::from)
    })
    .await?;
    match outcome {
        (Rotation::Rotated { token, .. }, Some(user)) if user.is_active => {
            Ok(signed_in(&state, &user, &token, actix_web::http::StatusCode::OK)?)
        }
        (Rotation::Replayed { user_id }, _) => {
            tracing::warn!(%user_id, "a rotated refresh token was presented again; its sign-in is revoked");
            Err(AuthError::InvalidRefreshToken.into())
        }
        _ => Err(AuthError::InvalidRefreshToken.into()),
    }
}

/// Sign out: revokes this sign-in's refresh tokens and clears the cookie. Always 204.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
#[tracing::instrument(skip_all)]
pub async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    if let Some(presented) = req.cookie(REFRESH_COOKIE).map(|c| SecretString::from(c.value().to_owned())) {
        gamme_db::run(&state.pool, move |c| RefreshToken::revoke_presented(c, &presented).map_err(DbError::from))
            .await?;
    }
    Ok(HttpResponse::NoContent().cookie(cleared_cookie(&state)).finish())
}
