//! What services other than files read of a document's text (files owns `files` and
//! `file_texts`): whether the text is extracted yet, the text page by page, and the passages
//! that best match a question. The AI worker reads documents this way only.

use diesel::{dsl::sql, prelude::*, sql_types};
use uuid::Uuid;

use crate::schema::{file_texts, files};

/// A Postgres `tsquery` (Diesel has no type of its own for it).
#[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(name = "tsquery", schema = "pg_catalog"))]
pub struct Tsquery;

diesel::define_sql_function! {
    /// Rank of a match, favouring words close together.
    fn ts_rank_cd(document: crate::schema::sql_types::Tsvector, query: Tsquery) -> Float;
}

diesel::infix_operator!(Matches, " @@ ", backend: diesel::pg::Pg);

/// A document as a reader of its text sees it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = files, check_for_backend(diesel::pg::Pg))]
pub struct Document {
    pub id: Uuid,
    /// The name it was uploaded with; for display only.
    pub name: String,
    /// `pending` until the files service has extracted the text (or found there is none).
    pub text_status: String,
}

/// A chunk of a document's text with the page it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = file_texts, check_for_backend(diesel::pg::Pg))]
pub struct Chunk {
    pub file_id: Uuid,
    pub page: i32,
    pub body: String,
}

impl Document {
    /// While this is its status, the text is still being extracted.
    pub const PENDING: &'static str = "pending";

    /// The documents among `ids`, in the order asked; unknown ones are left out.
    pub fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let found: Vec<Self> = files::table.filter(files::id.eq_any(ids)).select(Self::as_select()).load(conn)?;
        Ok(ids.iter().filter_map(|id| found.iter().find(|d| d.id == *id).cloned()).collect())
    }

    pub fn is_pending(&self) -> bool {
        self.text_status == Self::PENDING
    }
}

/// Every chunk of the documents, document by document in the order asked, then in page order;
/// bounded: the first `max_chars` bytes of text.
pub fn text(conn: &mut PgConnection, ids: &[Uuid], max_chars: usize) -> QueryResult<Vec<Chunk>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let chunks: Vec<Chunk> = file_texts::table
        .filter(file_texts::file_id.eq_any(ids))
        .order((file_texts::page.asc(), file_texts::chunk.asc()))
        .select(Chunk::as_select())
        .load(conn)?;
    let mut total = 0;
    Ok(ids
        .iter()
        .flat_map(|id| chunks.iter().filter(move |c| c.file_id == *id))
        .take_while(|c| {
            total += c.body.len();
            total <= max_chars
        })
        .cloned()
        .collect())
}

/// Up to `limit` passages of the documents that best match `question` (any of its words of
/// three letters or more, accents and case ignored, as the files service indexes them).
pub fn passages(conn: &mut PgConnection, ids: &[Uuid], question: &str, limit: i64) -> QueryResult<Vec<Chunk>> {
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2)
        .take(30)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() || ids.is_empty() {
        return Ok(Vec::new());
    }
    // The words are letters and digits only, so `|` between them is a valid tsquery.
    let query = || {
        sql::<Tsquery>("to_tsquery('simple', files_unaccent(").bind::<sql_types::Text, _>(words.join(" | ")).sql("))")
    };
    file_texts::table
        .filter(file_texts::file_id.eq_any(ids))
        .filter(Matches::new(file_texts::search, query()))
        .order((
            ts_rank_cd(file_texts::search, query()).desc(),
            file_texts::file_id.asc(),
            file_texts::page.asc(),
            file_texts::chunk.asc(),
        ))
        .limit(limit)
        .select(Chunk::as_select())
        .load(conn)
}
