//! Full-text search over procedures: code, title, description, tags and step text, stemmed
//! in French and English with accents folded, ranked, filtered and paged by cursor.

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_types};
use gamme_db::paging::{Page, PageSize, Pager};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::{
    assets::Asset,
    error::{ProcError, Result},
    lifecycle::RevisionStatus,
    steps::Content,
};

/// What a revision's search document is made of.
pub struct Document<'a> {
    pub revision_id: Uuid,
    /// The procedure's code.
    pub code: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub tags: &'a [String],
    pub tools: &'a [String],
    pub parts: &'a [String],
    pub ppe: &'a [String],
    pub content: &'a Content,
}

/// Rewrites the search document of a revision.
pub fn index(conn: &mut PgConnection, doc: &Document<'_>) -> QueryResult<()> {
    let mut steps = String::new();
    for section in &doc.content.sections {
        if let Some(title) = &section.title {
            steps.push_str(title);
            steps.push('\n');
        }
        for step in &section.steps {
            for part in [Some(&step.title), Some(&step.body), step.warning_text.as_ref()].into_iter().flatten() {
                steps.push_str(part);
                steps.push('\n');
            }
            for option in &step.options {
                steps.push_str(option);
                steps.push('\n');
            }
        }
    }
    let labels = [doc.tags.join(" "), doc.tools.join(" "), doc.parts.join(" "), doc.ppe.join(" ")].join(" ");
    diesel::sql_query(
        "INSERT INTO revision_search (revision_id, document) VALUES ($1, \
            setweight(to_tsvector('gamme_simple', $2 || ' ' || $3), 'A') \
            || setweight(to_tsvector('gamme_fr', $3), 'A') || setweight(to_tsvector('gamme_en', $3), 'A') \
            || setweight(to_tsvector('gamme_fr', $4), 'B') || setweight(to_tsvector('gamme_en', $4), 'B') \
            || setweight(to_tsvector('gamme_fr', $5), 'C') || setweight(to_tsvector('gamme_en', $5), 'C')) \
         ON CONFLICT (revision_id) DO UPDATE SET document = EXCLUDED.document",
    )
    .bind::<sql_types::Uuid, _>(doc.revision_id)
    .bind::<sql_types::Text, _>(doc.code)
    .bind::<sql_types::Text, _>(doc.title)
    .bind::<sql_types::Text, _>(format!("{} {labels}", doc.description))
    .bind::<sql_types::Text, _>(steps)
    .execute(conn)
    .map(drop)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find; the last one also matches as a prefix (for typing).
    pub q: Option<String>,
    /// An asset: procedures linked to it or to anything under it.
    pub asset: Option<Uuid>,
    pub tag: Option<String>,
    /// Editors only; readers always see published procedures.
    pub status: Option<RevisionStatus>,
    /// Include archived procedures (editors only).
    #[serde(default)]
    pub archived: bool,
    pub cursor: Option<String>,
    /// 1–100, 20 by default.
    pub limit: Option<i64>,
}

/// 1–100, 20 by default.
pub const PAGE: PageSize = PageSize::new(20, 100);

/// Where a page of hits ends: by rank when searching words, by code otherwise.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum After {
    Ranked { r: f32, id: Uuid },
    ByCode { c: String },
}

#[derive(Debug, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    pub code: String,
    #[diesel(sql_type = sql_types::Uuid)]
    pub revision_id: Uuid,
    #[diesel(sql_type = sql_types::Float4)]
    pub rank: f32,
    #[diesel(sql_type = sql_types::Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = sql_types::Bool)]
    pub has_published: bool,
    #[diesel(sql_type = sql_types::Bool)]
    pub archived: bool,
}

/// Lower-cased words of letters and digits, for the prefix part of the query.
fn prefix_query(q: &str) -> Option<String> {
    let words: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(12).map(str::to_lowercase).collect();
    let (last, rest) = words.split_last()?;
    let mut parts: Vec<String> = rest.to_vec();
    parts.push(format!("{last}:*"));
    Some(parts.join(" & "))
}

pub fn search(conn: &mut PgConnection, params: &SearchParams, editor: bool) -> Result<Page<Hit>> {
    let pager: Pager<After> = Pager::new(PAGE, params.limit, params.cursor.as_deref())?;
    let q = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > 200) {
        return Err(ProcError::invalid("The search text is limited to 200 characters."));
    }
    let assets = match params.asset {
        Some(id) => {
            Asset::find(conn, id)?;
            Some(Asset::subtree_ids(conn, id)?)
        }
        None => None,
    };

    // Readers see the published revision; editors the newest one.
    let revision_column = if editor { "p.latest_revision_id" } else { "p.published_revision_id" };
    let mut sql = format!(
        "SELECT p.id, p.code, r.id AS revision_id, {rank} AS rank, p.updated_at, \
                p.published_revision_id IS NOT NULL AS has_published, p.archived_at IS NOT NULL AS archived \
         FROM procedures p JOIN revisions r ON r.id = {revision_column} \
         JOIN revision_search s ON s.revision_id = r.id \
         WHERE TRUE",
        rank = if q.is_some() { "ts_rank_cd(s.document, query.q)::real" } else { "0::real" },
    );
    if q.is_some() {
        sql = sql.replace(
            "WHERE TRUE",
            ", (SELECT websearch_to_tsquery('gamme_fr', $1) || websearch_to_tsquery('gamme_en', $1) \
                       || CASE WHEN $2 = '' THEN ''::tsquery ELSE to_tsquery('gamme_simple', $2) END AS q) query \
             WHERE s.document @@ query.q",
        );
    } else {
        sql.push_str(" AND $1 = $1 AND $2 = $2");
    }
    if !(editor && params.archived) {
        sql.push_str(" AND p.archived_at IS NULL");
    }
    sql.push_str(" AND ($3::uuid[] IS NULL OR EXISTS (SELECT 1 FROM procedure_assets pa WHERE pa.procedure_id = p.id AND pa.asset_id = ANY($3)))");
    sql.push_str(" AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM unnest(r.tags) t WHERE lower(t) = lower($4)))");
    sql.push_str(" AND ($5::text IS NULL OR r.status = $5)");
    let mut wrapped = format!("SELECT * FROM ({sql}) hits WHERE TRUE");
    let (rank_after, id_after, code_after) = match &pager.after {
        Some(After::Ranked { r, id }) => (Some(*r), Some(*id), None),
        Some(After::ByCode { c }) => (None, None, Some(c.clone())),
        None => (None, None, None),
    };
    if q.is_some() {
        wrapped.push_str(" AND ($6::real IS NULL OR rank < $6 OR (rank = $6 AND id > $7))");
        wrapped.push_str(" AND $8::text IS NULL ORDER BY rank DESC, id ASC LIMIT $9");
    } else {
        wrapped.push_str(" AND $6::real IS NULL AND $7::uuid IS NULL AND ($8::text IS NULL OR code > $8)");
        wrapped.push_str(" ORDER BY code ASC LIMIT $9");
    }
    let status = if editor { params.status.map(|s| s.to_string()) } else { None };
    let hits: Vec<Hit> = diesel::sql_query(wrapped)
        .bind::<sql_types::Text, _>(q.unwrap_or(""))
        .bind::<sql_types::Text, _>(q.and_then(prefix_query).unwrap_or_default())
        .bind::<sql_types::Nullable<sql_types::Array<sql_types::Uuid>>, _>(assets)
        .bind::<sql_types::Nullable<sql_types::Text>, _>(params.tag.as_deref())
        .bind::<sql_types::Nullable<sql_types::Text>, _>(status)
        .bind::<sql_types::Nullable<sql_types::Float4>, _>(rank_after)
        .bind::<sql_types::Nullable<sql_types::Uuid>, _>(id_after)
        .bind::<sql_types::Nullable<sql_types::Text>, _>(code_after)
        .bind::<sql_types::BigInt, _>(pager.fetch())
        .load(conn)?;
    Ok(pager.page(hits, |last| match q {
        Some(_) => After::Ranked { r: last.rank, id: last.id },
        None => After::ByCode { c: last.code.clone() },
    }))
}
