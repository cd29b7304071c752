//! Who uploaded a file, through the files service's `file_uploads` view: so a service can check
//! that the photos a person attaches are their own uploads.

use diesel::prelude::*;
use uuid::Uuid;

diesel::table! {
    /// A view (see the `work` migration), read-only.
    file_uploads (file_id) {
        file_id -> Uuid,
        uploader_id -> Uuid,
        media_type -> Text,
        created_at -> Timestamptz,
    }
}

/// Of `ids`, those that are not files `uploader` uploaded (unknown ids included).
pub fn not_uploaded_by(conn: &mut PgConnection, uploader: Uuid, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let theirs: Vec<Uuid> = file_uploads::table
        .filter(file_uploads::file_id.eq_any(ids))
        .filter(file_uploads::uploader_id.eq(uploader))
        .select(file_uploads::file_id)
        .load(conn)?;
    Ok(ids.iter().copied().filter(|id| !theirs.contains(id)).collect())
}
