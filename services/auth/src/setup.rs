//! First run: the first admin is created through the setup page (only while no user exists)
//! or from `GAMME_ADMIN_EMAIL` / `GAMME_ADMIN_PASSWORD` at start. Both take the
//! `FIRST_RUN_SETUP` lock, so two first admins can never be made.

use diesel::PgConnection;
use gamme_auth_token::Role;
use gamme_db::locks;
use gamme_service_kit::Store;
use secrecy::SecretString;

use crate::{
    error::AuthError,
    passwords,
    sessions::SignedIn,
    users::{normalize_email, NewUser, User},
    AuthConfig,
};

/// True while no user exists: the UI shows the first-run page.
pub fn is_needed(conn: &mut PgConnection) -> diesel::QueryResult<bool> {
    Ok(User::count(conn)? == 0)
}

/// Creates the first admin if there is no user yet; `None` when there already is one. Call
/// inside a transaction.
fn create_first_admin(
    conn: &mut PgConnection,
    admin: NewUser,
    password_hash: String,
    correlation_id: Option<String>,
) -> Result<Option<User>, AuthError> {
    locks::xact(conn, locks::FIRST_RUN_SETUP)?;
    if !is_needed(conn)? {
        return Ok(None);
    }
    User::create(conn, admin, password_hash, None, None, correlation_id).map(Some)
}

/// The setup page: the first admin, signed in. `already_set_up` once anyone exists.
pub async fn set_up(
    store: &Store,
    email: &str,
    display_name: &str,
    password: SecretString,
    correlation_id: String,
) -> Result<SignedIn, AuthError> {
    let admin = NewUser::new(email, display_name, Role::Admin)?;
    passwords::validate(&password)?;
    let password_hash = passwords::hash(password).await?;
    let session = store
        .write(move |c| {
            let Some(user) = create_first_admin(c, admin, password_hash, Some(correlation_id))? else {
                return Err(AuthError::AlreadySetUp);
            };
            Ok(SignedIn::start(c, &user)?)
        })
        .await?;
    tracing::info!(user_id = %session.user.id, "first admin created");
    Ok(session)
}

/// `GAMME_ADMIN_EMAIL` / `GAMME_ADMIN_PASSWORD`: the first admin, made at start when no user
/// exists, named after the email's local part.
pub async fn bootstrap_admin(store: &Store, config: &AuthConfig) -> Result<(), AuthError> {
    let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) else { return Ok(()) };
    let email = normalize_email(email)?;
    let display_name = email.split('@').next().unwrap_or("admin").to_owned();
    let admin = NewUser { email, display_name, role: Role::Admin };
    passwords::validate(password)?;
    let password_hash = passwords::hash(password.clone()).await?;
    if let Some(user) = store.write(move |c| create_first_admin(c, admin, password_hash, None)).await? {
        tracing::info!(user_id = %user.id, "admin created from GAMME_ADMIN_EMAIL");
    }
    Ok(())
}
