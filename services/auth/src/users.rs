//! Users: the model and its queries, the rules of an account's life (created, renamed, its role
//! changed, deactivated, reactivated, its password changed), each written once as a method of
//! [`User`], and how a user is shown through the API.
//!
//! The rule every role or active-flag change obeys: Gamme always keeps an active admin, so the
//! last one can be neither demoted nor deactivated. Admins' changes take the `ADMIN_CHANGES`
//! lock first, so two admins demoting each other at the same moment cannot both succeed.

use std::fmt;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::Role;
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::{locks, schema::users};
use gamme_service_kit::Store;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{error::AuthError, passwords, refresh_tokens::RefreshToken};

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub is_active: bool,
    pub must_change_password: bool,
    /// Access tokens issued before this instant are refused by every service.
    pub tokens_valid_after: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the temporary password (`must_change_password`) stops signing in.
    pub temporary_password_expires_at: Option<DateTime<Utc>>,
}

/// The password hash stays out of logs.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("is_active", &self.is_active)
            .field("password_hash", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct UserInsertForm {
    id: Uuid,
    email: String,
    display_name: String,
    password_hash: String,
    role: Role,
    must_change_password: bool,
    temporary_password_expires_at: Option<DateTime<Utc>>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
struct UserUpdateForm {
    display_name: Option<String>,
    role: Option<Role>,
    is_active: Option<bool>,
    password_hash: Option<String>,
    must_change_password: Option<bool>,
    temporary_password_expires_at: Option<Option<DateTime<Utc>>>,
    tokens_valid_after: Option<DateTime<Utc>>,
    last_login_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

/// An account to create: its email and name checked, its role chosen.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl NewUser {
    pub fn new(email: &str, display_name: &str, role: Role) -> Result<Self, AuthError> {
        Ok(Self { email: normalize_email(email)?, display_name: validate_display_name(display_name)?, role })
    }
}

// What an admin changes of a user (the body of `PATCH /api/auth/users/{id}`); each field given
// is one transition.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateUserRequest)]
pub struct UserChange {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub is_active: Option<bool>,
}

impl User {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        users::table.find(id).select(Self::as_select()).first(conn).optional()
    }

    pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<Self>> {
        users::table.filter(users::email.eq(email)).select(Self::as_select()).first(conn).optional()
    }

    /// Like [`User::find`], a missing user being an error.
    pub fn get(conn: &mut PgConnection, id: Uuid) -> Result<Self, AuthError> {
        Self::find(conn, id)?.ok_or(AuthError::UserNotFound)
    }

    pub fn count(conn: &mut PgConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    /// Every user, sorted by email.
    pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Self>> {
        users::table.order(users::email.asc()).select(Self::as_select()).load(conn)
    }

    /// Creates the account with `password_hash` and announces it (`user.created`, and an
    /// audit entry naming `created_by`, or the account itself at first-run setup). A temporary
    /// password (one that expires at `temporary_until`) must be changed at first sign-in, and no
    /// longer signs in once expired.
    pub fn create(
        conn: &mut PgConnection,
        new: NewUser,
        password_hash: String,
        temporary_until: Option<DateTime<Utc>>,
        created_by: Option<Uuid>,
        correlation_id: Option<String>,
    ) -> Result<Self, AuthError> {
        let form = UserInsertForm {
            id: Uuid::now_v7(),
            email: new.email,
            display_name: new.display_name,
            password_hash,
            role: new.role,
            must_change_password: temporary_until.is_some(),
            temporary_password_expires_at: temporary_until,
        };
        let user: Self =
            diesel::insert_into(users::table).values(&form).returning(Self::as_returning()).get_result(conn).map_err(
                |e| match e {
                    diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                        AuthError::EmailTaken
                    }
                    other => other.into(),
                },
            )?;
        let event = Event::UserCreated { user_id: user.id, role: user.role.to_string() };
        outbox::enqueue(conn, &Envelope::new(event, correlation_id.clone()))?;
        let actor = created_by.unwrap_or(user.id);
        user.audit(conn, actor, "user.created", None, Some(user.audited()), correlation_id)?;
        Ok(user)
    }

    /// What the audit log keeps of an account: never its password or tokens.
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "email": self.email,
            "display_name": self.display_name,
            "role": self.role,
            "is_active": self.is_active,
        })
    }

    /// Sends an entry for the audit log, which procedures keeps (`audit.entry`).
    fn audit(
        &self,
        conn: &mut PgConnection,
        actor_id: Uuid,
        action: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
        correlation_id: Option<String>,
    ) -> QueryResult<()> {
        let event = Event::AuditEntry {
            actor_id,
            action: action.to_owned(),
            entity_type: "user".to_owned(),
            entity_id: self.id,
            before,
            after,
        };
        outbox::enqueue(conn, &Envelope::new(event, correlation_id))
    }

    fn apply(&self, conn: &mut PgConnection, form: &UserUpdateForm) -> QueryResult<Self> {
        diesel::update(users::table.find(self.id)).set(form).returning(Self::as_returning()).get_result(conn)
    }

    fn is_active_admin(&self) -> bool {
        self.is_active && self.role == Role::Admin
    }

    /// Refuses a change that would leave Gamme without an active admin.
    fn keep_an_active_admin(&self, conn: &mut PgConnection) -> Result<(), AuthError> {
        if !self.is_active_admin() {
            return Ok(());
        }
        let others: i64 = users::table
            .filter(users::role.eq(Role::Admin))
            .filter(users::is_active.eq(true))
            .filter(users::id.ne(self.id))
            .count()
            .get_result(conn)?;
        if others == 0 {
            return Err(AuthError::LastAdmin);
        }
        Ok(())
    }

    pub fn rename(&self, conn: &mut PgConnection, display_name: String) -> QueryResult<Self> {
        self.apply(
            conn,
            &UserUpdateForm { display_name: Some(display_name), updated_at: Some(Utc::now()), ..Default::default() },
        )
    }

    /// The new role applies at once: every service reads the role from the database.
    pub fn change_role(&self, conn: &mut PgConnection, role: Role) -> Result<Self, AuthError> {
        if role != Role::Admin {
            self.keep_an_active_admin(conn)?;
        }
        Ok(self.apply(conn, &UserUpdateForm { role: Some(role), updated_at: Some(Utc::now()), ..Default::default() })?)
    }

    /// Ends every session of the user: access tokens already issued are refused by every
    /// service, refresh tokens are revoked.
    pub fn deactivate(&self, conn: &mut PgConnection) -> Result<Self, AuthError> {
        self.keep_an_active_admin(conn)?;
        let now = Utc::now();
        let ending = self.is_active;
        let user = self.apply(
            conn,
            &UserUpdateForm {
                is_active: Some(false),
                tokens_valid_after: ending.then_some(now),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        if ending {
            RefreshToken::revoke_all_for_user(conn, self.id)?;
        }
        Ok(user)
    }

    /// The user signs in again with their password; old sessions stay ended.
    pub fn reactivate(&self, conn: &mut PgConnection) -> QueryResult<Self> {
        self.apply(conn, &UserUpdateForm { is_active: Some(true), updated_at: Some(Utc::now()), ..Default::default() })
    }

    /// The user's own new password: a temporary one is done with, and every session ends
    /// (the caller starts the one that continues).
    pub fn change_password(&self, conn: &mut PgConnection, password_hash: String) -> QueryResult<Self> {
        let now = Utc::now();
        let user = self.apply(
            conn,
            &UserUpdateForm {
                password_hash: Some(password_hash),
                must_change_password: Some(false),
                temporary_password_expires_at: Some(None),
                tokens_valid_after: Some(now),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        RefreshToken::revoke_all_for_user(conn, self.id)?;
        // Other services keep users between requests: this tells them tokens before now are void.
        user.announce(conn, None)?;
        // The log says that it changed and that it was a temporary one, never what it is.
        let after = serde_json::json!({ "was_temporary": self.must_change_password, "other_sessions_ended": true });
        user.audit(conn, self.id, "user.password_changed", None, Some(after), None)?;
        Ok(user)
    }

    /// `user.updated`: the other services forget what they kept of this user.
    fn announce(&self, conn: &mut PgConnection, correlation_id: Option<String>) -> QueryResult<()> {
        let event = Event::UserUpdated { user_id: self.id, role: self.role.to_string(), is_active: self.is_active };
        outbox::enqueue(conn, &Envelope::new(event, correlation_id))
    }

    /// Whether the account still has a temporary password that has expired by `now`.
    pub fn temporary_password_expired(&self, now: DateTime<Utc>) -> bool {
        self.must_change_password && self.temporary_password_expires_at.is_some_and(|until| until <= now)
    }

    /// Stamps a successful sign-in.
    pub fn signed_in(&self, conn: &mut PgConnection) -> QueryResult<Self> {
        self.apply(conn, &UserUpdateForm { last_login_at: Some(Utc::now()), ..Default::default() })
    }

    pub fn view(&self) -> UserView {
        UserView {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            is_active: self.is_active,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
            last_login_at: self.last_login_at,
        }
    }
}

/// An account an admin creates: it gets a one-time password, shown once, that the user must
/// change at first sign-in.
pub async fn create_with_temporary_password(
    store: &Store,
    admin_id: Uuid,
    new: NewUser,
    valid_for: chrono::Duration,
    correlation_id: Option<String>,
) -> Result<(User, SecretString), AuthError> {
    let temporary = passwords::temporary();
    let password_hash = passwords::hash(temporary.clone()).await?;
    let until = Some(Utc::now() + valid_for);
    let user = store.write(move |c| User::create(c, new, password_hash, until, Some(admin_id), correlation_id)).await?;
    Ok((user, temporary))
}

/// `admin_id`'s change to user `id`, announced as `user.updated` (even when nothing changed)
/// and, when something did, entered in the audit log. Call inside a transaction.
pub fn administer(
    conn: &mut PgConnection,
    admin_id: Uuid,
    id: Uuid,
    change: UserChange,
    correlation_id: Option<String>,
) -> Result<User, AuthError> {
    let display_name = change.display_name.as_deref().map(validate_display_name).transpose()?;
    locks::xact(conn, locks::ADMIN_CHANGES)?;
    let mut user = User::get(conn, id)?;
    let before = user.clone();
    if let Some(name) = display_name {
        user = user.rename(conn, name)?;
    }
    if let Some(role) = change.role {
        user = user.change_role(conn, role)?;
    }
    user = match change.is_active {
        Some(false) => user.deactivate(conn)?,
        Some(true) => user.reactivate(conn)?,
        None => user,
    };
    user.announce(conn, correlation_id.clone())?;
    let action = if user.is_active != before.is_active {
        if user.is_active {
            "user.reactivated"
        } else {
            "user.deactivated"
        }
    } else if user.role != before.role {
        "user.role_changed"
    } else if user.display_name != before.display_name {
        "user.renamed"
    } else {
        return Ok(user);
    };
    user.audit(conn, admin_id, action, Some(before.audited()), Some(user.audited()), correlation_id)?;
    Ok(user)
}

// The row without its password hash and token bookkeeping.
/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub is_active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// Emails are compared lower-cased and trimmed.
pub fn normalize_email(raw: &str) -> Result<String, AuthError> {
    let email = raw.trim().to_lowercase();
    let valid = email.chars().count() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(AuthError::Validation(format!("`{}` is not an email address.", raw.chars().take(80).collect::<String>())))
    }
}

pub fn validate_display_name(raw: &str) -> Result<String, AuthError> {
    let name = raw.trim();
    let len = name.chars().count();
    if len == 0 || len > 100 || name.chars().any(char::is_control) {
        return Err(AuthError::Validation("A name has 1 to 100 printable characters.".into()));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(normalize_email("  Jean.Dupont@Usine.FR ").unwrap(), "jean.dupont@usine.fr");
        assert!(normalize_email("no-at-sign").is_err());
        assert!(normalize_email("a b@c.fr").is_err());
        assert!(normalize_email("a@localhost").is_err());
    }
}
