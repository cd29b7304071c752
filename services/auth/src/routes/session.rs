//! Sign-in, silent refresh and sign-out. The refresh token travels only in an httpOnly,
//! SameSite=Strict cookie scoped to `/api/auth`; the access token only in the body.

use actix_web::{
    cookie::{time::Duration as CookieDuration, Cookie, CookieBuilder, SameSite},
    http::StatusCode,
    web, HttpRequest, HttpResponse,
};
use gamme_auth_token::ACCESS_TOKEN_TTL_SECS;
use gamme_service_kit::Json;
use gamme_service_kit::Problem;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::AuthError,
    refresh_tokens::REFRESH_TTL_DAYS,
    sessions::{self, SignedIn},
    users::{User, UserView},
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

/// The refresh cookie, httpOnly, SameSite=Strict and scoped to `/api/auth`.
fn cookie(state: &AppState, value: String) -> CookieBuilder<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.cookie_secure)
}

fn refresh_cookie(state: &AppState, token: &SecretString) -> Cookie<'static> {
    cookie(state, token.expose_secret().to_owned()).max_age(CookieDuration::days(REFRESH_TTL_DAYS)).finish()
}

fn cleared_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = cookie(state, String::new()).finish();
    c.make_removal();
    c
}

fn login_response(
    state: &AppState,
    user: &User,
    authenticated_at: chrono::DateTime<chrono::Utc>,
) -> Result<LoginResponse, AuthError> {
    let (access_token, _) =
        state.keys.current.sign_access_token(user, authenticated_at, &state.config.issuer, &state.config.audience)?;
    Ok(LoginResponse { access_token, token_type: "Bearer", expires_in: ACCESS_TOKEN_TTL_SECS, user: user.view() })
}

/// The answer to every successful sign-in: access token in the body, refresh token in the cookie.
pub fn signed_in(state: &AppState, session: &SignedIn, status: StatusCode) -> Result<HttpResponse, AuthError> {
    let SignedIn { user, refresh, authenticated_at } = session;
    Ok(HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .cookie(refresh_cookie(state, refresh))
        .json(login_response(state, user, *authenticated_at)?))
}

/// An access token alone, for `user` who proved their password at `authenticated_at`: the
/// refresh cookie stays as it is.
pub fn access_only(
    state: &AppState,
    user: &User,
    authenticated_at: chrono::DateTime<chrono::Utc>,
) -> Result<HttpResponse, AuthError> {
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(login_response(
        state,
        user,
        authenticated_at,
    )?))
}

fn presented_refresh(req: &HttpRequest) -> Option<SecretString> {
    req.cookie(REFRESH_COOKIE).map(|c| SecretString::from(c.value().to_owned()))
}

/// The client's address: the peer's, or from `X-Forwarded-For` when the peer is a trusted proxy.
fn client_address(req: &HttpRequest, state: &AppState) -> String {
    let forwarded: Vec<&str> = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
    state
        .config
        .trusted_proxies
        .client(req.peer_addr().map(|a| a.ip()), &forwarded)
        .map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as the `gamme_refresh` cookie", body = LoginResponse),
        (status = 400, description = "Malformed request", body = Problem),
        (status = 401, description = "`invalid_credentials`; `temporary_password_expired` (the right temporary password, too old)", body = Problem),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, Problem> {
    let LoginRequest { email, password } = body.into_inner();
    let session =
        sessions::sign_in(&state.store, state.config.login_limits, &email, password, &client_address(&req, &state))
            .await?;
    Ok(signed_in(&state, &session, StatusCode::OK)?)
}

/// Exchange the refresh cookie for a new access token (and a new refresh cookie).
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth",
    responses(
        (status = 200, description = "Renewed; a new `gamme_refresh` cookie replaces the old one", body = LoginResponse),
        (status = 401, description = "`invalid_refresh_token`", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn refresh(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let presented = presented_refresh(&req).ok_or(AuthError::InvalidRefreshToken)?;
    let session = sessions::renew(&state.store, presented).await?;
    Ok(signed_in(&state, &session, StatusCode::OK)?)
}

/// Sign out: revokes this sign-in's refresh tokens, clears the cookie and asks the browser to
/// drop what it cached from Gamme (procedures kept for revalidation), so the next person on a
/// shared device finds none of it. Always 204.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
#[tracing::instrument(skip_all)]
pub async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    if let Some(presented) = presented_refresh(&req) {
        sessions::sign_out(&state.store, presented).await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(cleared_cookie(&state))
        .insert_header(("Clear-Site-Data", "\"cache\""))
        .finish())
}
