//! Full-text search over procedures: code, title, description, tags and step text, stemmed
//! in French and English with accents folded, listed best tier first, filtered and paged by
//! cursor at a cost that follows the page, not the number of matches.

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
    // The heading and the summary are kept beside the document: they tell a hit's tier
    // (`Tier`) without reading the whole document. The tags, for a search filtered by one.
    diesel::sql_query(
        "INSERT INTO revision_search (revision_id, heading, summary, document, tags) \
         SELECT $1, heading, heading || labels, heading || labels || steps, \
                ARRAY(SELECT lower(t) FROM unnest($6::text[]) t) FROM (SELECT \
            setweight(to_tsvector('gamme_simple', $2 || ' ' || $3), 'A') \
                || setweight(to_tsvector('gamme_fr', $3), 'A') || setweight(to_tsvector('gamme_en', $3), 'A') AS heading, \
            setweight(to_tsvector('gamme_fr', $4), 'B') || setweight(to_tsvector('gamme_en', $4), 'B') AS labels, \
            setweight(to_tsvector('gamme_fr', $5), 'C') || setweight(to_tsvector('gamme_en', $5), 'C') AS steps) d \
         ON CONFLICT (revision_id) DO UPDATE \
         SET heading = EXCLUDED.heading, summary = EXCLUDED.summary, document = EXCLUDED.document, \
             tags = EXCLUDED.tags",
    )
    .bind::<sql_types::Uuid, _>(doc.revision_id)
    .bind::<sql_types::Text, _>(doc.code)
    .bind::<sql_types::Text, _>(doc.title)
    .bind::<sql_types::Text, _>(format!("{} {labels}", doc.description))
    .bind::<sql_types::Text, _>(steps)
    .bind::<sql_types::Array<sql_types::Text>, _>(doc.tags)
    .execute(conn)
    .map(drop)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find; the last one also matches as a prefix (for typing). Code and title matches
    /// come first, then description and labels, then step text; each group by code.
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
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// 1–100, 20 by default.
pub const PAGE: PageSize = PageSize::new(20, 100);

/// Where a page of hits ends: by tier and code when searching words, by code otherwise.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum After {
    Tiered { t: Tier, c: String },
    ByCode { c: String },
}

/// How well a procedure matches, best first: the hits of a search are listed tier by tier, each
/// tier by code. Postgres can walk the procedures in code order and stop at the page's end,
/// where ranking (ts_rank_cd) would have read every match's whole document before the first
/// page could be cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "i16", try_from = "i16")]
enum Tier {
    /// The words are in the code or the title.
    Heading,
    /// In those, the description and the labels (tags, tools, parts, PPE).
    Summary,
    /// Only with the steps' text.
    Steps,
}

impl From<Tier> for i16 {
    fn from(t: Tier) -> i16 {
        t as i16
    }
}

impl TryFrom<i16> for Tier {
    type Error = &'static str;
    fn try_from(n: i16) -> std::result::Result<Self, Self::Error> {
        Tier::ALL.get(usize::try_from(n).map_err(|_| "tier")?).copied().ok_or("tier")
    }
}

impl Tier {
    const ALL: [Tier; 3] = [Tier::Heading, Tier::Summary, Tier::Steps];

    /// The revisions in this tier. The negated test comes first: Postgres keeps the order of
    /// equally costly conditions, and it spares reading a document whose summary matched.
    fn condition(self) -> &'static str {
        match self {
            Tier::Heading => "s.heading @@ query.q",
            Tier::Summary => "NOT s.heading @@ query.q AND s.summary @@ query.q",
            Tier::Steps => "NOT s.summary @@ query.q AND s.document @@ query.q",
        }
    }

    /// How many procedures a page walks in code order before it asks the tier's full-text index
    /// instead: past that the tier's matches are sparse (under one in twenty procedures, one in
    /// five for the steps, whose documents are read from TOAST), so fetching them all and sorting
    /// them costs less than walking on.
    fn walk(self, fetch: i64) -> i64 {
        match self {
            Tier::Heading | Tier::Summary => 20 * fetch,
            Tier::Steps => 5 * fetch,
        }
    }
}

#[derive(Debug, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    pub code: String,
    #[diesel(sql_type = sql_types::Uuid)]
    pub revision_id: Uuid,
    #[diesel(sql_type = sql_types::Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = sql_types::Bool)]
    pub has_published: bool,
    #[diesel(sql_type = sql_types::Bool)]
    pub archived: bool,
}

/// How far a bounded walk went.
#[derive(QueryableByName)]
struct Walked {
    #[diesel(sql_type = sql_types::BigInt)]
    rows: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    last: Option<String>,
}

/// Lower-cased words of letters and digits, for the prefix part of the query.
/// `text` with each control character turned into a space.
fn words_only(text: &str) -> String {
    text.replace(char::is_control, " ")
}

fn prefix_query(q: &str) -> Option<String> {
    let words: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(12).map(str::to_lowercase).collect();
    let (last, rest) = words.split_last()?;
    let mut parts: Vec<String> = rest.to_vec();
    parts.push(format!("{last}:*"));
    Some(parts.join(" & "))
}

/// The words of a search as one tsquery: French or English stems, or the typed words with the
/// last as a prefix. Written inline so Postgres folds it into a constant when it plans, and
/// estimates from the statistics how many documents it matches.
const QUERY: &str = "(SELECT websearch_to_tsquery('gamme_fr', $1) || websearch_to_tsquery('gamme_en', $1) \
     || CASE WHEN $2 = '' THEN ''::tsquery ELSE to_tsquery('gamme_simple', $2) END AS q) query";

/// One search's SQL: which revision a procedure shows, and the filters. Every statement binds
/// the same parameters: $1 words, $2 prefix query, $3 asset subtree, $4 tag, $5 status, $6 the
/// code to start after, $7 rows to fetch, $8 procedures to walk (a statement may leave some
/// unused). Each filter is written only when it is asked for, so the planner sees no dead ones.
struct Statements {
    revision_column: &'static str,
    /// Conditions on the procedure `p` alone.
    procedures: String,
    /// The filters of a search, on the procedure `p` and the revision it shows.
    filters: String,
    /// The same when listing by code: the tag is tested on the revision.
    listing_filters: String,
    /// The tag filter of a search, on the revision's search row `s`.
    tagged: &'static str,
}

impl Statements {
    fn new(editor: bool, binds: &Binds<'_>, archived: bool) -> Self {
        // Readers see the published revision; editors the newest one.
        let revision_column = if editor { "p.latest_revision_id" } else { "p.published_revision_id" };
        let mut procedures = format!("{revision_column} IS NOT NULL AND p.code > $6");
        if !(editor && archived) {
            procedures.push_str(" AND p.archived_at IS NULL");
        }
        let mut filters = String::new();
        if binds.assets.is_some() {
            filters.push_str(
                " AND EXISTS (SELECT 1 FROM procedure_assets pa WHERE pa.procedure_id = p.id AND pa.asset_id = ANY($3))",
            );
        }
        let on_revision = |tests: &[&str]| match tests {
            [] => String::new(),
            _ => format!(
                " AND EXISTS (SELECT 1 FROM revisions r WHERE r.id = {revision_column} AND {})",
                tests.join(" AND ")
            ),
        };
        let tag = binds.tag.map(|_| "EXISTS (SELECT 1 FROM unnest(r.tags) t WHERE lower(t) = lower($4))");
        let status = binds.status.as_ref().map(|_| "r.status = $5");
        let listing_filters =
            format!("{filters}{}", on_revision(&[tag, status].into_iter().flatten().collect::<Vec<_>>()));
        filters.push_str(&on_revision(&status.into_iter().collect::<Vec<_>>()));
        let tagged = if binds.tag.is_some() { " AND s.tags @> ARRAY[lower($4)]" } else { "" };
        Self { revision_column, procedures, filters, listing_filters, tagged }
    }

    fn columns(&self) -> String {
        format!(
            "SELECT p.id, p.code, {} AS revision_id, p.updated_at, \
                    p.published_revision_id IS NOT NULL AS has_published, p.archived_at IS NOT NULL AS archived",
            self.revision_column
        )
    }

    /// Every procedure after $6 by code (no words to search).
    fn by_code(&self) -> String {
        format!(
            "{columns} FROM procedures p WHERE {procs} {filters} ORDER BY p.code LIMIT $7",
            columns = self.columns(),
            procs = self.procedures,
            filters = self.listing_filters,
        )
    }

    /// The tier's hits among the next $8 procedures by code. The test of the document is a
    /// subquery per procedure, which Postgres cannot turn into a join that reads every match.
    fn walk(&self, tier: Tier) -> String {
        format!(
            "{columns} FROM (SELECT * FROM procedures p WHERE {procs} ORDER BY p.code LIMIT $8) p \
             WHERE (SELECT {cond}{tagged} FROM revision_search s, {QUERY} WHERE s.revision_id = {rev}) {filters} \
             ORDER BY p.code LIMIT $7",
            columns = self.columns(),
            procs = self.procedures,
            cond = tier.condition(),
            tagged = self.tagged,
            rev = self.revision_column,
            filters = self.filters,
        )
    }

    /// How many procedures that walk passed, and the last one's code.
    fn walked(&self) -> String {
        format!(
            "SELECT count(*) AS rows, max(code) AS last FROM \
             (SELECT p.code FROM procedures p WHERE {procs} ORDER BY p.code LIMIT $8) w",
            procs = self.procedures,
        )
    }

    /// The tier's hits after $6 by code, found through its full-text index: every match is
    /// read, joined to its procedure one by one, and sorted, which the walk has shown to be few.
    fn sparse(&self, tier: Tier) -> String {
        format!(
            "WITH hits AS MATERIALIZED (SELECT s.revision_id FROM revision_search s, {QUERY} WHERE {cond}{tagged}) \
             {columns} FROM hits CROSS JOIN LATERAL \
                 (SELECT * FROM procedures p WHERE {rev} = hits.revision_id OFFSET 0) p \
             WHERE {procs} {filters} ORDER BY p.code LIMIT $7",
            cond = tier.condition(),
            tagged = self.tagged,
            columns = self.columns(),
            rev = self.revision_column,
            procs = self.procedures,
            filters = self.filters,
        )
    }
}

/// The parameters every statement of one search binds.
struct Binds<'a> {
    q: &'a str,
    prefix: String,
    assets: Option<Vec<Uuid>>,
    tag: Option<&'a str>,
    status: Option<String>,
}

impl Binds<'_> {
    fn load<T: QueryableByName<diesel::pg::Pg> + 'static>(
        &self,
        conn: &mut PgConnection,
        sql: String,
        after: &str,
        fetch: i64,
        walk: i64,
    ) -> QueryResult<Vec<T>> {
        diesel::sql_query(sql)
            .bind::<sql_types::Text, _>(self.q)
            .bind::<sql_types::Text, _>(&self.prefix)
            .bind::<sql_types::Nullable<sql_types::Array<sql_types::Uuid>>, _>(self.assets.as_deref())
            .bind::<sql_types::Nullable<sql_types::Text>, _>(self.tag)
            .bind::<sql_types::Nullable<sql_types::Text>, _>(self.status.as_deref())
            .bind::<sql_types::Text, _>(after)
            .bind::<sql_types::BigInt, _>(fetch)
            .bind::<sql_types::BigInt, _>(walk)
            .load(conn)
    }

    /// Up to `wanted` hits of `tier` after the code `after`, in code order, for a page that
    /// fetches `fetch` rows; `walked` holds the hits of its walk when that has been done.
    fn tier(
        &self,
        conn: &mut PgConnection,
        sql: &Statements,
        tier: Tier,
        after: &str,
        (wanted, fetch): (i64, i64),
        walked: Option<Vec<Hit>>,
    ) -> QueryResult<Vec<Hit>> {
        let walk = tier.walk(fetch);
        let mut hits: Vec<Hit> = match walked {
            Some(hits) => hits,
            None => self.load(conn, sql.walk(tier), after, wanted, walk)?,
        };
        if hits.len() as i64 == wanted {
            return Ok(hits);
        }
        let walked: Vec<Walked> = self.load(conn, sql.walked(), after, wanted, walk)?;
        let Some(Walked { rows, last: Some(last) }) = walked.into_iter().next() else { return Ok(hits) };
        if rows < walk {
            return Ok(hits); // the walk reached the last procedure
        }
        let more = wanted - hits.len() as i64;
        hits.extend(self.load::<Hit>(conn, sql.sparse(tier), &last, more, walk)?);
        Ok(hits)
    }
}

pub fn search(conn: &mut PgConnection, params: &SearchParams, editor: bool) -> Result<Page<Hit>> {
    let pager: Pager<After> = Pager::new(PAGE, params.limit, params.cursor.as_deref())?;
    // A control character separates words like a space (and Postgres text cannot hold NUL).
    let typed = params.q.as_deref().map(words_only);
    let q = typed.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > 200) {
        return Err(ProcError::invalid("The search text is limited to 200 characters."));
    }
    // No tag holds a control character: such a filter matches nothing, as Postgres can compare it.
    let tag = params.tag.as_deref().map(words_only);
    let assets = match params.asset {
        Some(id) => {
            Asset::find(conn, id)?;
            Some(Asset::subtree_ids(conn, id)?)
        }
        None => None,
    };
    let binds = Binds {
        q: q.unwrap_or(""),
        prefix: q.and_then(prefix_query).unwrap_or_default(),
        assets,
        tag: tag.as_deref(),
        status: if editor { params.status.map(|s| s.to_string()) } else { None },
    };
    let sql = Statements::new(editor, &binds, params.archived);
    let fetch = pager.fetch();

    let Some(_) = q else {
        let after = match &pager.after {
            None => String::new(),
            Some(After::ByCode { c }) => c.clone(),
            Some(After::Tiered { .. }) => return Err(gamme_db::paging::PageError::Cursor.into()),
        };
        let hits: Vec<Hit> = binds.load(conn, sql.by_code(), &after, fetch, 0)?;
        return Ok(pager.page(hits, |last| After::ByCode { c: last.code.clone() }));
    };

    let (first_tier, after) = match &pager.after {
        None => (Tier::Heading, String::new()),
        Some(After::Tiered { t, c }) => (*t, c.clone()),
        Some(After::ByCode { .. }) => return Err(gamme_db::paging::PageError::Cursor.into()),
    };
    // Most pages are filled by walking their first tier: one statement.
    let walk = first_tier.walk(fetch);
    let found: Vec<Hit> = binds.load(conn, sql.walk(first_tier), &after, fetch, walk)?;
    let hits: Vec<(Tier, Hit)> = if found.len() as i64 == fetch {
        found.into_iter().map(|h| (first_tier, h)).collect()
    } else {
        // A sparse tier is read from its full-text index, which the walk has shown to hold few of
        // its matches: a planner misjudging their number must not turn that into a read of every
        // document, so it is kept off sequential scans (SET LOCAL: in a transaction). Like the
        // pages of any keyset walk, each statement sees the library as it is when it runs.
        conn.transaction(|conn| {
            diesel::sql_query("SET LOCAL enable_seqscan = off").execute(conn)?;
            let mut walked = Some(found);
            let mut hits: Vec<(Tier, Hit)> = Vec::new();
            for tier in Tier::ALL.into_iter().filter(|t| *t >= first_tier) {
                let start = if tier == first_tier { after.as_str() } else { "" };
                let wanted = fetch - hits.len() as i64;
                let found = binds.tier(conn, &sql, tier, start, (wanted, fetch), walked.take())?;
                hits.extend(found.into_iter().map(|h| (tier, h)));
                if hits.len() as i64 == fetch {
                    break;
                }
            }
            QueryResult::Ok(hits)
        })?
    };
    let page = pager.page(hits, |(tier, last)| After::Tiered { t: *tier, c: last.code.clone() });
    Ok(Page { items: page.items.into_iter().map(|(_, hit)| hit).collect(), next_cursor: page.next_cursor })
}
