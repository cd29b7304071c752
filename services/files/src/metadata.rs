//! The `files` rows (what a file is, who uploaded it, what became of its thumbnail and text),
//! what links to a file (the procedures service's `file_references` view), the rules over them
//! (which work a new upload waits for, how the list is narrowed, who may delete), and how a
//! file is shown through the API.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use diesel::{
    pg::PgConnection,
    prelude::*,
    sql_query,
    sql_types::{Array, Bool, Text},
};
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::{
    locks,
    paging::{Page, Pager},
    schema::{files, users},
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    access::Reader,
    error::FilesError,
    links::{Issued, Variant},
    storage::{BlobKey, Storage},
};

gamme_db::text_enum! {
    /// Where a file's thumbnail stands: `pending`, `ready`, `not_applicable` (not a photo),
    /// `refused` (too large to decode safely) or `failed`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ThumbnailStatus {
        Pending,
        Ready,
        NotApplicable,
        Refused,
        Failed,
    }
}

gamme_db::text_enum! {
    /// Where a file's text stands: `pending`, `extracted`, `no_text_layer` (a scanned PDF),
    /// `not_applicable` or `failed`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum TextStatus {
        Pending,
        Extracted,
        NoTextLayer,
        NotApplicable,
        Failed,
    }
}

impl ThumbnailStatus {
    /// Photos get a thumbnail, except HEIC, which browsers cannot show anyway.
    pub fn initial(media_type: &str) -> Self {
        if media_type.starts_with("image/") && media_type != "image/heic" {
            Self::Pending
        } else {
            Self::NotApplicable
        }
    }
}

impl TextStatus {
    /// PDFs and text files have text to extract.
    pub fn initial(media_type: &str) -> Self {
        if media_type == "application/pdf" || media_type.starts_with("text/") {
            Self::Pending
        } else {
            Self::NotApplicable
        }
    }
}

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
    pub thumbnail_status: ThumbnailStatus,
    pub thumbnail_note: Option<String>,
    pub text_status: TextStatus,
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
    pub thumbnail_status: ThumbnailStatus,
    pub text_status: TextStatus,
}

/// What the list can be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub uploader: Option<Uuid>,
    /// `image`, `video`, `text` (every type of that family) or one exact media type.
    pub media_type: Option<String>,
    /// Part of the name, case-insensitive.
    pub name_contains: Option<String>,
}

impl ListFilter {
    /// From the list's query: `uploader` is `me` or a user's id; blanks mean no filter.
    pub fn new(
        user: &AuthUser,
        uploader: Option<&str>,
        media_type: Option<&str>,
        name_contains: Option<&str>,
    ) -> Result<Self, FilesError> {
        let uploader = match uploader.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some("me") => Some(user.id),
            Some(other) => Some(
                Uuid::parse_str(other)
                    .map_err(|_| FilesError::Validation("`uploader` must be `me` or a user's id.".into()))?,
            ),
        };
        // Postgres refuses text holding NUL, and no name or type holds a control character.
        for (field, value) in [("type", media_type), ("q", name_contains)] {
            if value.is_some_and(|v| v.chars().any(char::is_control)) {
                return Err(FilesError::Validation(format!("`{field}` contains control characters.")));
            }
        }
        Ok(Self {
            uploader,
            media_type: media_type.map(|t| t.trim().to_ascii_lowercase()).filter(|t| !t.is_empty()),
            name_contains: name_contains.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
        })
    }
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

/// Held shared by uploads (between keeping a blob and recording its row) and exclusively by
/// the sweep and by deletions, so a blob is never removed while a new row is about to point
/// at it.
pub fn lock_blobs_shared(conn: &mut PgConnection) -> QueryResult<()> {
    locks::xact_shared(conn, locks::FILES_BLOBS)
}

pub fn lock_blobs_exclusive(conn: &mut PgConnection) -> QueryResult<()> {
    locks::xact(conn, locks::FILES_BLOBS)
}

/// A file as its metadata shows it: the row, its uploader's name and what links to it.
#[derive(Debug, Clone)]
pub struct Described {
    pub file: StoredFile,
    pub uploader_name: String,
    pub references: Vec<FileReference>,
}

impl StoredFile {
    /// The file, if `reader` may see it.
    pub fn find(conn: &mut PgConnection, id: Uuid, reader: &Reader) -> QueryResult<Option<Self>> {
        files::table.filter(files::id.eq(id)).filter(reader.visible()).select(Self::as_select()).first(conn).optional()
    }

    /// The file with its uploader's name and references, if `reader` may see it.
    pub fn describe(conn: &mut PgConnection, id: Uuid, reader: &Reader) -> Result<Described, FilesError> {
        let (file, uploader_name) = files::table
            .inner_join(users::table)
            .filter(files::id.eq(id))
            .filter(reader.visible())
            .select((Self::as_select(), users::display_name))
            .first(conn)
            .optional()?
            .ok_or(FilesError::NotFound)?;
        let references = FileReference::for_files(conn, &[id], reader)?;
        Ok(Described { file, uploader_name, references })
    }

    /// One page of what `reader` may see, newest first: ids are UUIDv7, so every row comes
    /// exactly once however many are added meanwhile.
    pub fn list(
        conn: &mut PgConnection,
        filter: &ListFilter,
        pager: &Pager<Uuid>,
        reader: &Reader,
    ) -> Result<Page<Described>, FilesError> {
        let mut query = files::table
            .inner_join(users::table)
            .filter(reader.visible())
            .select((Self::as_select(), users::display_name))
            .into_boxed();
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
        if let Some(after) = pager.after {
            query = query.filter(files::id.lt(after));
        }
        let rows: Vec<(Self, String)> = query.order(files::id.desc()).limit(pager.fetch()).load(conn)?;
        let page = pager.page(rows, |(file, _)| file.id);
        let ids: Vec<Uuid> = page.items.iter().map(|(f, _)| f.id).collect();
        let mut by_file: HashMap<Uuid, Vec<FileReference>> = HashMap::new();
        for reference in FileReference::for_files(conn, &ids, reader)? {
            by_file.entry(reference.file_id).or_default().push(reference);
        }
        let items = page
            .items
            .into_iter()
            .map(|(file, uploader_name)| {
                let references = by_file.remove(&file.id).unwrap_or_default();
                Described { file, uploader_name, references }
            })
            .collect();
        Ok(Page { items, next_cursor: page.next_cursor })
    }

    /// The file whatever the reader: for the service's own work on it, never for an answer.
    pub fn pending_work(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        files::table.find(id).select(Self::as_select()).first(conn).optional()
    }

    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        files::table.find(id).select(Self::as_select()).for_update().first(conn).optional()
    }

    pub fn insert(conn: &mut PgConnection, form: &StoredFileInsertForm<'_>) -> QueryResult<Self> {
        diesel::insert_into(files::table).values(form).returning(Self::as_returning()).get_result(conn)
    }

    /// Deletes file `id` for `user`: only its uploader or an admin may, and never while a
    /// published revision or a completed run uses it (they must stay as they were). The same
    /// bytes may belong to another upload; when not, they go now rather than at the next sweep,
    /// since a deleted photo is expected to be gone. The deletion enters the audit log
    /// (`audit.entry` to procedures). Call inside a transaction.
    pub fn delete(
        conn: &mut PgConnection,
        id: Uuid,
        user: &AuthUser,
        storage: &Arc<dyn Storage>,
        correlation_id: Option<String>,
    ) -> Result<(), FilesError> {
        // A file one may not see is not found, whoever asks: its existence does not leak.
        Self::find(conn, id, &Reader::User(user.clone()))?.ok_or(FilesError::NotFound)?;
        lock_blobs_exclusive(conn)?;
        let file = Self::find_for_update(conn, id)?.ok_or(FilesError::NotFound)?;
        if file.uploader_id != user.id && !user.is(Roles::ADMINS) {
            return Err(FilesError::Forbidden(
                "Only the person who uploaded a file, or an administrator, can delete it.",
            ));
        }
        let protected =
            FileReference::for_files(conn, &[id], &Reader::Link)?.into_iter().filter(|r| r.protected).count();
        if protected > 0 {
            return Err(FilesError::InUse { references: protected });
        }
        diesel::delete(files::table.find(id)).execute(conn)?;
        let entry = Event::AuditEntry {
            actor_id: user.id,
            action: "file.deleted".to_owned(),
            entity_type: "file".to_owned(),
            entity_id: file.id,
            before: Some(serde_json::json!({
                "name": file.name,
                "media_type": file.media_type,
                "size_bytes": file.size_bytes,
                "sha256": file.sha256,
                "uploader_id": file.uploader_id,
                "created_at": file.created_at,
            })),
            after: None,
        };
        outbox::enqueue(conn, &Envelope::new(entry, correlation_id))?;
        if !Self::sha256_in_use(conn, &file.sha256)? {
            storage.delete(&BlobKey::Original(file.sha256.clone()))?;
            storage.delete(&BlobKey::Thumbnail(file.sha256.clone()))?;
        }
        tracing::info!(sha256 = %file.sha256, "file deleted");
        Ok(())
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
            .filter(files::thumbnail_status.eq(ThumbnailStatus::Pending).or(files::text_status.eq(TextStatus::Pending)))
            .order(files::id)
            .select(files::id)
            .limit(limit)
            .load(conn)
    }

    pub fn set_thumbnail(
        conn: &mut PgConnection,
        id: Uuid,
        status: ThumbnailStatus,
        note: Option<&str>,
    ) -> QueryResult<usize> {
        diesel::update(files::table.find(id))
            .set((files::thumbnail_status.eq(status), files::thumbnail_note.eq(note)))
            .execute(conn)
    }

    pub fn set_text(
        conn: &mut PgConnection,
        id: Uuid,
        status: TextStatus,
        pages: Option<i32>,
        note: Option<&str>,
    ) -> QueryResult<usize> {
        diesel::update(files::table.find(id))
            .set((files::text_status.eq(status), files::text_pages.eq(pages), files::text_note.eq(note)))
            .execute(conn)
    }
}

gamme_db::text_enum! {
    /// What links to a file.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ReferenceSource {
        /// A procedure revision: its steps' attachments.
        Revision,
        /// A run: photos taken during it, its signature.
        Run,
    }
}

/// Something that links to a file: a procedure revision (its steps' attachments) or a run
/// (photos taken during it). The procedures service owns the view.
#[derive(Debug, Clone, QueryableByName, Serialize, utoipa::ToSchema)]
pub struct FileReference {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    #[serde(skip)]
    pub file_id: Uuid,
    #[diesel(sql_type = Text)]
    pub source: ReferenceSource,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub source_id: Uuid,
    /// A published or superseded revision, or a completed run: it must stay as it was, so
    /// the file cannot be deleted.
    #[diesel(sql_type = Bool)]
    pub protected: bool,
}

impl FileReference {
    /// What links to these files, of what `reader` may see (a link's holder: all of it).
    pub fn for_files(conn: &mut PgConnection, ids: &[Uuid], reader: &Reader) -> QueryResult<Vec<Self>> {
        let (reader_id, role) = match reader {
            Reader::User(user) => (Some(user.id), Some(<&'static str>::from(user.role))),
            Reader::Link => (None, None),
        };
        sql_query(
            "SELECT file_id, source, source_id, protected FROM file_references \
             WHERE file_id = ANY($1) \
               AND ($2::uuid IS NULL OR file_reference_visible_to(source, source_id, $2, $3)) \
             ORDER BY file_id, source, source_id",
        )
        .bind::<Array<diesel::sql_types::Uuid>, _>(ids)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(reader_id)
        .bind::<diesel::sql_types::Nullable<Text>, _>(role)
        .load(conn)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Uploader {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThumbnailView {
    pub status: ThumbnailStatus,
    /// A signed link, valid until `links_expire_at`, when the thumbnail is ready.
    pub url: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TextView {
    pub status: TextStatus,
    pub pages: Option<i32>,
    pub note: Option<String>,
}

/// A file as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: Uuid,
    /// The name it was uploaded with, cleaned; for display only.
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub uploaded_by: Uploader,
    /// A signed download link for `<img src>` and plain links, valid until `links_expire_at`;
    /// `/api/files/{id}/content` with a token works too.
    pub content_url: String,
    pub links_expire_at: DateTime<Utc>,
    pub thumbnail: ThumbnailView,
    pub text: TextView,
    /// What links to this file: procedure revisions and runs.
    pub references: Vec<FileReference>,
}

impl FileView {
    /// The metadata with fresh signed links: a thumbnail link only once the thumbnail is ready.
    pub fn new(described: Described, links: &Issued<'_>) -> Self {
        let Described { file, uploader_name, references } = described;
        let thumbnail_url =
            (file.thumbnail_status == ThumbnailStatus::Ready).then(|| links.url(file.id, Variant::Thumbnail));
        Self {
            id: file.id,
            content_url: links.url(file.id, Variant::Content),
            links_expire_at: links.expires_at,
            name: file.name,
            media_type: file.media_type,
            size_bytes: file.size_bytes,
            sha256: file.sha256,
            created_at: file.created_at,
            uploaded_by: Uploader { id: file.uploader_id, display_name: uploader_name },
            thumbnail: ThumbnailView { status: file.thumbnail_status, url: thumbnail_url, note: file.thumbnail_note },
            text: TextView { status: file.text_status, pages: file.text_pages, note: file.text_note },
            references,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(escape_like("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn a_new_upload_waits_for_the_work_its_type_needs() {
        assert_eq!(ThumbnailStatus::initial("image/png"), ThumbnailStatus::Pending);
        assert_eq!(ThumbnailStatus::initial("image/heic"), ThumbnailStatus::NotApplicable);
        assert_eq!(ThumbnailStatus::initial("application/pdf"), ThumbnailStatus::NotApplicable);
        assert_eq!(TextStatus::initial("application/pdf"), TextStatus::Pending);
        assert_eq!(TextStatus::initial("text/markdown"), TextStatus::Pending);
        assert_eq!(TextStatus::initial("video/mp4"), TextStatus::NotApplicable);
    }
}
