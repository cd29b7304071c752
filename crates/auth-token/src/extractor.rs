//! `AuthUser`: the signed-in user of a request, or a 401 problem — and, while the user must
//! still change a temporary password, a 403 `password_change_required` for everything but the
//! few routes that serve the change, which extract [`PasswordPending`] instead.

use std::{future::Future, pin::Pin, sync::Arc};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use chrono::{DateTime, Utc};
use gamme_db::{users::UserStatus, DbError, PgPool};
use gamme_service_kit::Problem;
use uuid::Uuid;

use crate::{
    jwks::{TokenError, Verifier},
    role::{Role, Roles},
    user_cache::UserCache,
};

/// Verifies the token, then checks the user is still active and the token was not issued
/// before the user's tokens were revoked (deactivation, password change). The role is read
/// from the database, or from a [`UserCache`] that auth's `user.updated` events clear, so a
/// role change or a deactivation applies at once.
#[derive(Clone)]
pub struct Authenticator {
    verifier: Verifier,
    pool: PgPool,
    users: Option<Arc<UserCache>>,
}

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub token_id: Uuid,
    /// The account still has its temporary password: only `me` and the password change serve it.
    pub must_change_password: bool,
    /// When the user last proved their password (the token's `auth_time`).
    pub authenticated_at: DateTime<Utc>,
}

/// The signed-in user even while a password change is pending: for `GET /api/auth/me` and
/// `POST /api/auth/me/password` alone. Every other route extracts [`AuthUser`].
#[derive(Debug, Clone)]
pub struct PasswordPending(pub AuthUser);

impl Authenticator {
    pub fn new(verifier: Verifier, pool: PgPool) -> Self {
        Self { verifier, pool, users: None }
    }

    /// Reads users through `cache` (which a listener must keep hearing events for).
    pub fn with_user_cache(self, cache: Arc<UserCache>) -> Self {
        Self { users: Some(cache), ..self }
    }

    async fn user_status(&self, user_id: Uuid) -> Result<Option<UserStatus>, Problem> {
        if let Some(status) = self.users.as_ref().and_then(|cache| cache.get(&user_id)) {
            return Ok(Some(status));
        }
        let seen = self.users.as_ref().map(|cache| cache.begin());
        let status = gamme_db::run(&self.pool, move |conn| UserStatus::find(conn, user_id).map_err(DbError::from))
            .await
            .map_err(Problem::from)?;
        // Only a user in good standing is kept: a refusal (deactivated, password change
        // pending) is read again each time, so the moment it ends is seen at once.
        if let (Some(cache), Some(seen), Some(status)) = (&self.users, seen, &status) {
            if status.is_active && !status.must_change_password {
                cache.keep(seen, user_id, status.clone(), 1);
            }
        }
        Ok(status)
    }

    pub async fn authenticate(&self, token: &str) -> Result<AuthUser, Problem> {
        let claims = self.verifier.verify(token).await.map_err(|err| match err {
            TokenError::KeysUnavailable(reason) => {
                tracing::error!(%reason, "cannot fetch the auth service's keys");
                Problem::service_unavailable("Sign-in cannot be checked right now. Try again in a moment.")
            }
            TokenError::Expired => Problem::unauthorized("token_expired", "Your session has expired. Sign in again."),
            other => {
                tracing::info!(reason = %other, "access token refused");
                Problem::unauthorized("invalid_token", "The access token is not valid. Sign in again.")
            }
        })?;
        let Some(status) = self.user_status(claims.sub).await? else {
            return Err(Problem::unauthorized("invalid_token", "This account no longer exists."));
        };
        if !status.is_active {
            return Err(Problem::unauthorized("account_deactivated", "This account has been deactivated."));
        }
        if claims.iat < status.tokens_valid_after.timestamp() {
            return Err(Problem::unauthorized("token_revoked", "This session has ended. Sign in again."));
        }
        Ok(AuthUser {
            id: status.id,
            email: status.email,
            display_name: status.display_name,
            role: status.role,
            token_id: claims.jti,
            must_change_password: status.must_change_password,
            authenticated_at: DateTime::from_timestamp(claims.auth_time, 0).unwrap_or_default(),
        })
    }
}

impl AuthUser {
    /// 403 unless the user's role is one of `allowed`.
    pub fn require(&self, allowed: Roles) -> Result<(), Problem> {
        if self.is(allowed) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!("Only {} can do this; you are {}.", allowed.names(), self.role)))
        }
    }

    /// Whether the user proved their password within `max_age` of `now`: what a signature
    /// needs, so that the signed-in person is the one who signs.
    pub fn signed_in_within(&self, max_age: chrono::Duration, now: DateTime<Utc>) -> bool {
        now - self.authenticated_at <= max_age
    }

    /// Whether the user's role is one of `allowed`: for what a role sees, not what it may do.
    pub fn is(&self, allowed: Roles) -> bool {
        allowed.contains(self.role)
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The problem every route but `me` and the password change answers while one is pending.
pub fn password_change_required() -> Problem {
    Problem::new(
        actix_web::http::StatusCode::FORBIDDEN,
        "password_change_required",
        "Choose your own password first: the temporary one only lets you change it.",
    )
}

fn signed_in(req: &HttpRequest) -> Pin<Box<dyn Future<Output = Result<AuthUser, actix_web::Error>>>> {
    let authenticator = req.app_data::<web::Data<Authenticator>>().cloned();
    let token = bearer(req);
    Box::pin(async move {
        let Some(authenticator) = authenticator else {
            return Err(Problem::internal(&std::io::Error::other("no Authenticator in app data")).into());
        };
        let Some(token) = token else {
            return Err(Problem::unauthorized("missing_token", "Sign in first: this needs an access token.").into());
        };
        authenticator.authenticate(&token).await.map_err(Into::into)
    })
}

impl FromRequest for AuthUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    /// Read from the database on every call, so a password change applies at once.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = signed_in(req);
        Box::pin(async move {
            let user = user.await?;
            if user.must_change_password {
                return Err(password_change_required().into());
            }
            Ok(user)
        })
    }
}

impl FromRequest for PasswordPending {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = signed_in(req);
        Box::pin(async move { Ok(PasswordPending(user.await?)) })
    }
}
