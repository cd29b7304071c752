//! Sign-in sessions: signing in with a password (throttled), renewing with a refresh token,
//! signing out, and changing one's password (which ends every other session). Each gives the
//! user and the refresh token of the session that continues; the routes turn that into an
//! access token and a cookie.

use chrono::{DateTime, Utc};
use gamme_service_kit::Store;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::{
    error::AuthError,
    passwords,
    refresh_tokens::{RefreshToken, Rotation},
    throttle::{Attempt, Limits, PasswordChange},
    users::{normalize_email, User},
};

/// A session that starts or continues.
pub struct SignedIn {
    pub user: User,
    pub refresh: SecretString,
    /// When this session's holder last proved their password: the access token's `auth_time`.
    pub authenticated_at: DateTime<Utc>,
}

impl SignedIn {
    /// A new session (a new refresh-token family) for `user`, stamped as a sign-in.
    pub fn start(conn: &mut diesel::PgConnection, user: &User) -> diesel::QueryResult<Self> {
        let user = user.signed_in(conn)?;
        let authenticated_at = Utc::now();
        let refresh = RefreshToken::issue(conn, user.id, None, authenticated_at)?;
        Ok(Self { user, refresh, authenticated_at })
    }
}

/// Email and password, from the client at `address`. Whatever is wrong (no such account, a
/// deactivated one, a wrong password, not even an email) is the same `invalid_credentials`,
/// and takes as long; past the limits, `too_many_attempts`.
pub async fn sign_in(
    store: &Store,
    limits: Limits,
    email: &str,
    password: SecretString,
    address: &str,
) -> Result<SignedIn, AuthError> {
    let email = normalize_email(email).map_err(|_| AuthError::InvalidCredentials)?;
    let attempt = Attempt::new(&email, address);
    // Counted before the password is checked, so parallel guesses cannot pass the limit.
    let check = attempt.clone();
    if let Err(retry_after_secs) = store.write(move |c| check.count(c, limits).map_err(AuthError::from)).await? {
        return Err(AuthError::TooManyAttempts { retry_after_secs });
    }
    let user = store.read(move |c| User::find_by_email(c, &email).map_err(AuthError::from)).await?;
    let stored = user.as_ref().filter(|u| u.is_active).map(|u| u.password_hash.clone());
    let verified = passwords::verify(password, stored).await?;
    let (Some(user), true) = (user, verified) else {
        tracing::info!("failed sign-in");
        return Err(AuthError::InvalidCredentials);
    };
    // Only the holder of the temporary password learns that it has expired.
    if user.temporary_password_expired(chrono::Utc::now()) {
        tracing::info!(user_id = %user.id, "temporary password expired");
        return Err(AuthError::TemporaryPasswordExpired);
    }
    let session = store
        .write(move |c| {
            attempt.succeeded(c, limits)?;
            SignedIn::start(c, &user).map_err(AuthError::from)
        })
        .await?;
    tracing::info!(user_id = %session.user.id, "signed in");
    Ok(session)
}

/// Exchanges a refresh token for the next one of its family. A token presented again after
/// it was rotated revokes the whole family (it was copied); any other refusal, an unknown,
/// expired or revoked token, or a deactivated user, is `invalid_refresh_token` too.
pub async fn renew(store: &Store, presented: SecretString) -> Result<SignedIn, AuthError> {
    let (rotation, user) = store
        .write(move |c| {
            let rotation = RefreshToken::rotate(c, &presented)?;
            let user = match &rotation {
                Rotation::Rotated { user_id, .. } => User::find(c, *user_id)?,
                _ => None,
            };
            Ok::<_, AuthError>((rotation, user))
        })
        .await?;
    match (rotation, user) {
        (Rotation::Rotated { token, authenticated_at, .. }, Some(user)) if user.is_active => {
            Ok(SignedIn { user, refresh: token, authenticated_at })
        }
        (Rotation::Replayed { user_id }, _) => {
            tracing::warn!(%user_id, "a rotated refresh token was presented again; its sign-in is revoked");
            Err(AuthError::InvalidRefreshToken)
        }
        _ => Err(AuthError::InvalidRefreshToken),
    }
}

/// The signed-in user's `password`, proven: counted per account before it is checked (password
/// changes and re-authentications share the count). Answers the user and the attempt, whose
/// success the caller records.
async fn prove_password(
    store: &Store,
    limits: Limits,
    user_id: Uuid,
    password: SecretString,
) -> Result<(User, PasswordChange), AuthError> {
    let attempt = PasswordChange::new(user_id);
    let check = attempt.clone();
    if let Err(retry_after_secs) =
        store.write(move |c| check.count(c, limits.per_account).map_err(AuthError::from)).await?
    {
        return Err(AuthError::TooManyAttempts { retry_after_secs });
    }
    let user = store.read(move |c| User::get(c, user_id)).await?;
    if !passwords::verify(password, Some(user.password_hash.clone())).await? {
        tracing::info!("wrong password of a signed-in user");
        return Err(AuthError::InvalidCredentials);
    }
    Ok((user, attempt))
}

/// The signed-in user proves their password again, before a signature: the answer is the user
/// and the moment of the proof, for an access token whose `auth_time` is now.
pub async fn reauthenticate(
    store: &Store,
    limits: Limits,
    user_id: Uuid,
    password: SecretString,
) -> Result<(User, DateTime<Utc>), AuthError> {
    let (user, attempt) = prove_password(store, limits, user_id, password).await?;
    store.write(move |c| attempt.succeeded(c).map_err(AuthError::from)).await?;
    tracing::info!("re-authenticated");
    Ok((user, Utc::now()))
}

/// Ends the session `presented` belongs to; an unknown token is ignored.
pub async fn sign_out(store: &Store, presented: SecretString) -> Result<(), AuthError> {
    store.write(move |c| RefreshToken::revoke_presented(c, &presented).map_err(AuthError::from)).await
}

/// The signed-in user's new password, once the current one is proven: every other session
/// ends, and a new one continues here. Attempts are counted per account before the current
/// password is checked, like sign-ins.
pub async fn change_password(
    store: &Store,
    limits: Limits,
    user_id: Uuid,
    current: SecretString,
    new: SecretString,
) -> Result<SignedIn, AuthError> {
    // The current password first: whoever holds a stolen token learns nothing, not even the
    // rules a new password must meet, without it.
    let unchanged = current.expose_secret() == new.expose_secret();
    let (user, attempt) = prove_password(store, limits, user_id, current).await?;
    let refused = match passwords::validate(&new) {
        Err(err) => Some(err),
        Ok(()) if unchanged => Some(AuthError::PasswordUnchanged),
        Ok(()) => None,
    };
    if let Some(err) = refused {
        // The password was right: the attempt does not count against the account.
        store.write(move |c| attempt.succeeded(c).map_err(AuthError::from)).await?;
        return Err(err);
    }
    if user.temporary_password_expired(chrono::Utc::now()) {
        return Err(AuthError::TemporaryPasswordExpired);
    }
    let password_hash = passwords::hash(new).await?;
    let session = store
        .write(move |c| {
            attempt.succeeded(c)?;
            let user = user.change_password(c, password_hash)?;
            let authenticated_at = Utc::now();
            let refresh = RefreshToken::issue(c, user.id, None, authenticated_at)?;
            Ok::<_, AuthError>(SignedIn { user, refresh, authenticated_at })
        })
        .await?;
    tracing::info!("password changed; other sessions revoked");
    Ok(session)
}
