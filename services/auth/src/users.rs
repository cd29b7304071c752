//! Users: the model, its queries, and how it is shown through the API.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::Role;
use gamme_db::schema::users;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::AuthError;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub is_active: bool,
    pub must_change_password: bool,
    pub tokens_valid_after: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct UserInsertForm {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub must_change_password: bool,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserUpdateForm {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub is_active: Option<bool>,
    pub password_hash: Option<String>,
    pub must_change_password: Option<bool>,
    pub tokens_valid_after: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn role(&self) -> anyhow::Result<Role> {
        Ok(Role::from_str(&self.role)?)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        users::table.find(id).select(Self::as_select()).first(conn).optional()
    }

    pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<Self>> {
        users::table.filter(users::email.eq(email)).select(Self::as_select()).first(conn).optional()
    }

    pub fn count(conn: &mut PgConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Self>> {
        users::table.order(users::email.asc()).select(Self::as_select()).load(conn)
    }

    pub fn count_active_admins_except(conn: &mut PgConnection, id: Uuid) -> QueryResult<i64> {
        users::table
            .filter(users::role.eq("admin"))
            .filter(users::is_active.eq(true))
            .filter(users::id.ne(id))
            .count()
            .get_result(conn)
    }

    pub fn insert(conn: &mut PgConnection, form: &UserInsertForm) -> QueryResult<Self> {
        diesel::insert_into(users::table).values(form).returning(Self::as_returning()).get_result(conn)
    }

    pub fn update(conn: &mut PgConnection, id: Uuid, form: &UserUpdateForm) -> QueryResult<Self> {
        diesel::update(users::table.find(id)).set(form).returning(Self::as_returning()).get_result(conn)
    }

    pub fn view(&self) -> Result<UserView, AuthError> {
        Ok(UserView {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
            is_active: self.is_active,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
            last_login_at: self.last_login_at,
        })
    }
}

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
    let valid = email.len() <= 254
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
