//! A `text_enum!` column against real Postgres: every variant passes the column's `CHECK`,
//! reads back as itself, and filters like any value.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use diesel::prelude::*;
use gamme_db::{
    schema::users,
    strum::VariantArray,
    testing::TestDb,
    users::{Role, UserStatus},
};
use uuid::Uuid;

#[test]
fn every_role_is_stored_as_its_name_and_read_back() {
    let db = TestDb::new();
    let mut conn = db.connect();
    for role in Role::VARIANTS {
        let id = Uuid::new_v4();
        diesel::insert_into(users::table)
            .values((
                users::id.eq(id),
                users::email.eq(format!("{role}@usine.test")),
                users::display_name.eq(role.to_string()),
                users::password_hash.eq("not-a-hash"),
                users::role.eq(role),
            ))
            .execute(&mut conn)
            .unwrap();
        assert_eq!(UserStatus::find(&mut conn, id).unwrap().unwrap().role, *role);
        let stored: String = users::table.find(id).select(users::role).first(&mut conn).unwrap();
        assert_eq!(stored, role.to_string());
    }
    let editors: i64 = users::table.filter(users::role.eq(Role::Editor)).count().get_result(&mut conn).unwrap();
    assert_eq!(editors, 1);
}
