//! What the assistants read: document text the files service extracted (`file_texts`) and
//! revisions the procedures service keeps. Read-only: those tables belong to other services.

use diesel::{prelude::*, sql_types};
use serde::Serialize;
use uuid::Uuid;

/// A chunk of a document's text with the page it comes from.
#[derive(Debug, Clone, QueryableByName, Serialize)]
pub struct Chunk {
    #[diesel(sql_type = sql_types::Uuid)]
    pub file_id: Uuid,
    #[diesel(sql_type = sql_types::Integer)]
    pub page: i32,
    #[diesel(sql_type = sql_types::Text)]
    pub body: String,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct DocumentInfo {
    #[diesel(sql_type = sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = sql_types::Text)]
    pub text_status: String,
}

/// The documents, in the order asked; missing ones are left out.
pub fn documents(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<DocumentInfo>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::sql_query(
        "SELECT f.id, f.name, f.text_status FROM unnest($1::uuid[]) WITH ORDINALITY AS i(id, n) \
         JOIN files f ON f.id = i.id ORDER BY i.n",
    )
    .bind::<sql_types::Array<sql_types::Uuid>, _>(ids)
    .load(conn)
}

/// Every chunk of the documents, in page order (bounded: a draft reads the first `max_chars`).
pub fn document_text(conn: &mut PgConnection, ids: &[Uuid], max_chars: usize) -> QueryResult<Vec<Chunk>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let chunks: Vec<Chunk> = diesel::sql_query(
        "SELECT t.file_id, t.page, t.body FROM unnest($1::uuid[]) WITH ORDINALITY AS i(id, n) \
         JOIN file_texts t ON t.file_id = i.id ORDER BY i.n, t.page, t.chunk",
    )
    .bind::<sql_types::Array<sql_types::Uuid>, _>(ids)
    .load(conn)?;
    let mut total = 0;
    Ok(chunks
        .into_iter()
        .take_while(|c| {
            total += c.body.len();
            total <= max_chars
        })
        .collect())
}

/// The passages that best match `question`, by Postgres full-text search (any word).
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
    diesel::sql_query(
        "SELECT t.file_id, t.page, t.body FROM file_texts t, \
                to_tsquery('simple', files_unaccent($2)) q \
         WHERE t.file_id = ANY($1) AND t.search @@ q \
         ORDER BY ts_rank_cd(t.search, q) DESC, t.file_id, t.page, t.chunk LIMIT $3",
    )
    .bind::<sql_types::Array<sql_types::Uuid>, _>(ids)
    .bind::<sql_types::Text, _>(words.join(" | "))
    .bind::<sql_types::BigInt, _>(limit)
    .load(conn)
}

/// A revision as the assistants see it: its fields and steps, numbered.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionText {
    pub revision_id: Uuid,
    pub procedure_id: Uuid,
    pub code: String,
    pub number: i32,
    pub status: String,
    pub title: String,
    pub description: String,
    pub language: String,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
    pub sections: Vec<SectionText>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionText {
    pub title: Option<String>,
    pub steps: Vec<StepText>,
}

#[derive(Debug, Clone, Serialize, QueryableByName)]
pub struct StepText {
    #[diesel(sql_type = sql_types::Integer)]
    pub number: i32,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    #[serde(skip)]
    pub section: Option<String>,
    #[diesel(sql_type = sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = sql_types::Text)]
    pub title: String,
    #[diesel(sql_type = sql_types::Text)]
    pub body: String,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub warning_level: Option<String>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub warning_text: Option<String>,
    #[diesel(sql_type = sql_types::Bool)]
    pub required: bool,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub unit: Option<String>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Double>)]
    pub min: Option<f64>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Double>)]
    pub max: Option<f64>,
    #[diesel(sql_type = sql_types::Array<sql_types::Text>)]
    pub options: Vec<String>,
}

#[derive(QueryableByName)]
struct RevisionRow {
    #[diesel(sql_type = sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = sql_types::Uuid)]
    procedure_id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    code: String,
    #[diesel(sql_type = sql_types::Integer)]
    number: i32,
    #[diesel(sql_type = sql_types::Text)]
    status: String,
    #[diesel(sql_type = sql_types::Text)]
    title: String,
    #[diesel(sql_type = sql_types::Text)]
    description: String,
    #[diesel(sql_type = sql_types::Text)]
    language: String,
    #[diesel(sql_type = sql_types::Array<sql_types::Text>)]
    tools: Vec<String>,
    #[diesel(sql_type = sql_types::Array<sql_types::Text>)]
    parts: Vec<String>,
    #[diesel(sql_type = sql_types::Array<sql_types::Text>)]
    ppe: Vec<String>,
}

/// Reads revision `number` of a procedure (None when there is none).
pub fn revision(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> QueryResult<Option<RevisionText>> {
    let row: Option<RevisionRow> = diesel::sql_query(
        "SELECT r.id, r.procedure_id, p.code, r.number, r.status, r.title, r.description, r.language, r.tools, r.parts, r.ppe \
         FROM revisions r JOIN procedures p ON p.id = r.procedure_id WHERE r.procedure_id = $1 AND r.number = $2",
    )
    .bind::<sql_types::Uuid, _>(procedure_id)
    .bind::<sql_types::Integer, _>(number)
    .get_result(conn)
    .optional()?;
    let Some(row) = row else { return Ok(None) };
    let steps: Vec<StepText> = diesel::sql_query(
        "SELECT s.position + 1 AS number, sec.title AS section, s.kind, s.title, s.body, s.warning_level, s.warning_text, \
                s.required, s.unit, s.min_value AS min, s.max_value AS max, s.options \
         FROM steps s LEFT JOIN sections sec ON sec.id = s.section_id WHERE s.revision_id = $1 ORDER BY s.position",
    )
    .bind::<sql_types::Uuid, _>(row.id)
    .load(conn)?;
    let mut sections: Vec<SectionText> = Vec::new();
    for step in steps {
        match sections.last_mut() {
            Some(last) if last.title == step.section => last.steps.push(step),
            _ => sections.push(SectionText { title: step.section.clone(), steps: vec![step] }),
        }
    }
    Ok(Some(RevisionText {
        revision_id: row.id,
        procedure_id: row.procedure_id,
        code: row.code,
        number: row.number,
        status: row.status,
        title: row.title,
        description: row.description,
        language: row.language,
        tools: row.tools,
        parts: row.parts,
        ppe: row.ppe,
        sections,
    }))
}

impl RevisionText {
    pub fn steps(&self) -> impl Iterator<Item = &StepText> {
        self.sections.iter().flat_map(|s| s.steps.iter())
    }
}
