//! What services other than files may read of an uploaded file: the `file_metadata` view the
//! files service owns (migration `2026-12-02-000001_file_metadata`), typed.

use diesel::prelude::*;
use uuid::Uuid;

diesel::table! {
    /// A view, not a table: `diesel print-schema` leaves it out of `schema.rs`.
    file_metadata (id) {
        id -> Uuid,
        name -> Text,
        media_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
    }
}

/// An uploaded file as another service may describe it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = file_metadata, check_for_backend(diesel::pg::Pg))]
pub struct FileMetadata {
    pub id: Uuid,
    /// The name it was uploaded with, cleaned; for display only.
    pub name: String,
    /// Decided from the bytes.
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

impl FileMetadata {
    /// The files among `ids` that exist, in no particular order.
    pub fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        file_metadata::table.filter(file_metadata::id.eq_any(ids)).select(Self::as_select()).load(conn)
    }

    /// Which of `ids` name an uploaded file.
    pub fn existing(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
        file_metadata::table.filter(file_metadata::id.eq_any(ids)).select(file_metadata::id).load(conn)
    }
}
