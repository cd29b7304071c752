//! Who may see which file and which run: the SQL functions of migration
//! `2026-12-04-000007_access_rules`, typed, so every service asks the one rule — files for its
//! list and reads, procedures for runs, the AI worker for the documents a job names. A file
//! may be seen by its uploader, editors and admins, and by anyone who may see something that
//! uses it (the published revision of an unarchived procedure, a run they may see). A run may
//! be seen by its technician, editors and admins, and by everyone once it is completed.

use diesel::{prelude::*, sql_types::Text};
use uuid::Uuid;

use crate::{file_metadata::file_metadata, users::Role};

diesel::define_sql_function! {
    /// Whether the reader (`reader_id` with `reader_role`) may see file `file_id`.
    fn file_visible_to(file_id: diesel::sql_types::Uuid, reader_id: diesel::sql_types::Uuid, reader_role: Text) -> diesel::sql_types::Bool;
}

diesel::define_sql_function! {
    /// Whether the reader may see run `run_id`.
    fn run_visible_to(run_id: diesel::sql_types::Uuid, reader_id: diesel::sql_types::Uuid, reader_role: Text) -> diesel::sql_types::Bool;
}

/// Someone signed in, as the access rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub id: Uuid,
    pub role: Role,
}

impl Viewer {
    pub fn new(id: Uuid, role: Role) -> Self {
        Self { id, role }
    }

    fn role_name(self) -> &'static str {
        self.role.into()
    }

    /// The condition "this viewer may see the file whose id is `file_id`", for a query's filter.
    pub fn may_see_file<E>(self, file_id: E) -> file_visible_to<E, Uuid, &'static str>
    where
        E: Expression<SqlType = diesel::sql_types::Uuid>,
    {
        file_visible_to(file_id, self.id, self.role_name())
    }

    /// The condition "this viewer may see the run whose id is `run_id`", for a query's filter.
    pub fn may_see_run<E>(self, run_id: E) -> run_visible_to<E, Uuid, &'static str>
    where
        E: Expression<SqlType = diesel::sql_types::Uuid>,
    {
        run_visible_to(run_id, self.id, self.role_name())
    }

    /// Of `ids`, those this viewer may not see (unknown ids included), in their order.
    pub fn unseen_files(self, conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let seen: Vec<Uuid> = file_metadata::table
            .filter(file_metadata::id.eq_any(ids))
            .filter(self.may_see_file(file_metadata::id))
            .select(file_metadata::id)
            .load(conn)?;
        Ok(ids.iter().copied().filter(|id| !seen.contains(id)).collect())
    }
}
