//! What services other than auth may read of a user: enough to refuse a deactivated user's
//! token and to use the current role, and the display names that show who did something; and
//! the role itself, the `users.role` column's enum.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::users;

crate::text_enum! {
    /// admin: everything; editor: write and review procedures; technician: read published
    /// procedures and run them; viewer: read published procedures.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Admin,
        Editor,
        Technician,
        Viewer,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserStatus {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub is_active: bool,
    /// A temporary password is still set: the account may only change it.
    pub must_change_password: bool,
    pub tokens_valid_after: DateTime<Utc>,
}

impl UserStatus {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        users::table.find(id).select(Self::as_select()).first(conn).optional()
    }
}

/// The display names of these users (of those that exist), to show beside what they did.
pub fn display_names(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::display_name)).load(conn)?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::Role;

    #[test]
    fn roles_read_and_write_as_their_snake_case_names() {
        assert_eq!(Role::Technician.to_string(), "technician");
        assert_eq!("viewer".parse::<Role>().ok(), Some(Role::Viewer));
        assert!("Admin".parse::<Role>().is_err());
        let names: Vec<&str> = Role::VARIANTS.iter().map(<&'static str>::from).collect();
        assert_eq!(names, ["admin", "editor", "technician", "viewer"]);
        // The JSON name is the column's value.
        assert_eq!(serde_json::to_value(Role::Editor).ok(), Some(serde_json::json!("editor")));
    }
}

/// A person as other services show and assign them: no credentials.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub is_active: bool,
}

impl Person {
    pub fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        users::table.filter(users::id.eq_any(ids)).select(Self::as_select()).load(conn)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        users::table.find(id).select(Self::as_select()).first(conn).optional()
    }

    /// Active people by name, optionally those whose name or email contains `search`.
    pub fn active(conn: &mut PgConnection, search: Option<&str>, limit: i64) -> QueryResult<Vec<Self>> {
        let mut q = users::table.filter(users::is_active.eq(true)).select(Self::as_select()).into_boxed();
        if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            q = q.filter(users::display_name.ilike(pattern.clone()).or(users::email.ilike(pattern)));
        }
        q.order(users::display_name.asc()).limit(limit).load(conn)
    }
}
