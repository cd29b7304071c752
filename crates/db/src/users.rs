//! What services other than auth may read of a user: enough to refuse a deactivated user's
//! token and to use the current role.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::users;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserStatus {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub is_active: bool,
    pub tokens_valid_after: DateTime<Utc>,
}

impl UserStatus {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        users::table.find(id).select(Self::as_select()).first(conn).optional()
    }
}
