//! The `files` rows (what a file is, who uploaded it, what became of its thumbnail and text)
//! and what links to a file, as the procedures service's `file_references` view tells.

use chrono::{DateTime, Utc};
use diesel::{
    pg::PgConnection,
    prelude::*,
    sql_query,
    sql_types::{Array, Bool, Text},
};
use gamme_db::schema::{files, users};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = files, check_for_backend(diesel::pg::Pg))]
pub struct StoredFile {
    pub id: Uuid,
    pub uploader_id: Uuid,
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub thumbnail_status: String,
    pub thumbnail_note: Option<String>,
    pub text_status: String,
    pub text_pages: Option<i32>,
    pub text_note: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = files)]
pub struct StoredFileInsertForm<'a> {
    pub id: Uuid,
    pub uploader_id: Uuid,
    pub name: &'a str,
    pub media_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub thumbnail_status: &'a str,
    pub text_status: &'a str,
}

/// What the list can be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub uploader: Option<Uuid>,
    /// `image` (every image type) or one exact media type.
    pub media_type: Option<String>,
    /// Part of the name, case-insensitive.
    pub name_contains: Option<String>,
    /// The last id of the previous page: ids are UUIDv7, so newest first is id descending,
    /// and every row comes exactly once however many are added meanwhile.
    pub after: Option<Uuid>,
    /// Rows to load: one more than a page (`Pager::fetch`).
    pub fetch: i64,
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl StoredFile {
    /// The file and its uploader's display name.
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<(Self, String)>> {
        files::table
            .inner_join(users::table)
            .filter(files::id.eq(id))
            .select((Self::as_select(), users::display_name))
            .first(conn)
            .optional()
    }

    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        files::table.find(id).select(Self::as_select()).for_update().first(conn).optional()
    }

    /// One page, newest first, with one row more than asked when there is a next page.
    pub fn list(conn: &mut PgConnection, filter: &ListFilter) -> QueryResult<Vec<(Self, String)>> {
        let mut query =
            files::table.inner_join(users::table).select((Self::as_select(), users::display_name)).into_boxed();
        if let Some(uploader) = filter.uploader {
            query = query.filter(files::uploader_id.eq(uploader));
        }
        match filter.media_type.as_deref() {
            None => {}
            Some(family @ ("image" | "video" | "text")) => {
                query = query.filter(files::media_type.like(format!("{family}/%")))
            }
            Some(exact) => query = query.filter(files::media_type.eq(exact.to_owned())),
        }
        if let Some(q) = filter.name_contains.as_deref() {
            query = query.filter(files::name.ilike(escape_like(q)));
        }
        if let Some(after) = filter.after {
            query = query.filter(files::id.lt(after));
        }
        query.order(files::id.desc()).limit(filter.fetch).load(conn)
    }

    pub fn insert(conn: &mut PgConnection, form: &StoredFileInsertForm<'_>) -> QueryResult<Self> {
        diesel::insert_into(files::table).values(form).returning(Self::as_returning()).get_result(conn)
    }

    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(files::table.find(id)).execute(conn)
    }

    /// Whether any file row still points at these bytes.
    pub fn sha256_in_use(conn: &mut PgConnection, sha256: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(files::table.filter(files::sha256.eq(sha256)))).get_result(conn)
    }

    /// Of `hashes`, those some file row points at.
    pub fn hashes_in_use(conn: &mut PgConnection, hashes: &[String]) -> QueryResult<Vec<String>> {
        files::table.filter(files::sha256.eq_any(hashes)).select(files::sha256).distinct().load(conn)
    }

    /// Files uploaded before `before` whose thumbnail or text is still pending.
    pub fn stale_pending(conn: &mut PgConnection, before: DateTime<Utc>, limit: i64) -> QueryResult<Vec<Uuid>> {
        files::table
            .filter(files::created_at.lt(before))
            .filter(files::thumbnail_status.eq("pending").or(files::text_status.eq("pending")))
            .order(files::id)
            .select(files::id)
            .limit(limit)
            .load(conn)
    }

    pub fn set_thumbnail(conn: &mut PgConnection, id: Uuid, status: &str, note: Option<&str>) -> QueryResult<usize> {
        diesel::update(files::table.find(id))
            .set((files::thumbnail_status.eq(status), files::thumbnail_note.eq(note)))
            .execute(conn)
    }

    pub fn set_text(
        conn: &mut PgConnection,
        id: Uuid,
        status: &str,
        pages: Option<i32>,
        note: Option<&str>,
    ) -> QueryResult<usize> {
        diesel::update(files::table.find(id))
            .set((files::text_status.eq(status), files::text_pages.eq(pages), files::text_note.eq(note)))
            .execute(conn)
    }
}

/// Something that links to a file: a procedure revision (its steps' attachments) or a run
/// (photos taken during it). The procedures service owns the view.
#[derive(Debug, Clone, QueryableByName, Serialize, utoipa::ToSchema)]
pub struct FileReference {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    #[serde(skip)]
    pub file_id: Uuid,
    /// `revision` or `run`.
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub source_id: Uuid,
    /// A published or superseded revision, or a completed run: it must stay as it was, so
    /// the file cannot be deleted.
    #[diesel(sql_type = Bool)]
    pub protected: bool,
}

impl FileReference {
    pub fn for_files(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        sql_query(
            "SELECT file_id, source, source_id, protected FROM file_references \
             WHERE file_id = ANY($1) ORDER BY file_id, source, source_id",
        )
        .bind::<Array<diesel::sql_types::Uuid>, _>(ids)
        .load(conn)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::escape_like("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
