//! Revisions: numbered versions of a procedure with the lifecycle
//! `draft → in_review → published → superseded` (or `archived`). Only drafts change.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::schema::{reviews, revisions, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{ProcError, Result},
    steps::Content,
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    Draft,
    InReview,
    Published,
    Superseded,
    Archived,
}

impl RevisionStatus {
    pub const ALL: [RevisionStatus; 5] = [
        RevisionStatus::Draft,
        RevisionStatus::InReview,
        RevisionStatus::Published,
        RevisionStatus::Superseded,
        RevisionStatus::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RevisionStatus::Draft => "draft",
            RevisionStatus::InReview => "in_review",
            RevisionStatus::Published => "published",
            RevisionStatus::Superseded => "superseded",
            RevisionStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What viewers and technicians may read.
    pub fn is_public(self) -> bool {
        matches!(self, RevisionStatus::Published | RevisionStatus::Superseded)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = revisions)]
pub struct Revision {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub number: i32,
    pub status: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
    pub based_on_revision_id: Option<Uuid>,
    pub translated_from_revision_id: Option<Uuid>,
    pub author_id: Uuid,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A revision's descriptive fields, as written by an author.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionFields {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default)]
    pub parts: Vec<String>,
    #[serde(default)]
    pub ppe: Vec<String>,
}

/// A change to a draft's descriptive fields; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub language: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<i32>)]
    pub estimated_minutes: Option<Option<i32>>,
    pub tools: Option<Vec<String>>,
    pub parts: Option<Vec<String>>,
    pub ppe: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct ReviewView {
    pub id: Uuid,
    pub reviewer_id: Uuid,
    pub reviewer_name: String,
    /// `approved` or `rejected`.
    pub decision: String,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// A revision without its content, for lists.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionSummary {
    pub id: Uuid,
    pub number: i32,
    pub status: RevisionStatus,
    pub title: String,
    pub language: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub number: i32,
    pub status: RevisionStatus,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
    pub based_on_revision_id: Option<Uuid>,
    pub translated_from_revision_id: Option<Uuid>,
    pub author_id: Uuid,
    /// The author's display name, so readers who may not list users still see who wrote it.
    pub author_name: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub content: Content,
    pub reviews: Vec<ReviewView>,
}

pub struct CheckedFields {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
}

impl RevisionFields {
    pub fn check(&self) -> Result<CheckedFields> {
        if let Some(m) = self.estimated_minutes {
            if !(1..=100_000).contains(&m) {
                return Err(ProcError::invalid("`estimated_minutes` must be between 1 and 100000."));
            }
        }
        Ok(CheckedFields {
            title: validate::required_text("title", &self.title, 200)?,
            description: validate::bounded("description", self.description.trim(), 20_000)?,
            tags: validate::labels("tags", &self.tags, 30, 40)?,
            language: validate::language(&self.language)?,
            estimated_minutes: self.estimated_minutes,
            tools: validate::labels("tools", &self.tools, 100, 200)?,
            parts: validate::labels("parts", &self.parts, 100, 200)?,
            ppe: validate::labels("ppe", &self.ppe, 50, 200)?,
        })
    }
}

impl Revision {
    pub fn status(&self) -> RevisionStatus {
        RevisionStatus::parse(&self.status).unwrap_or(RevisionStatus::Archived)
    }

    pub fn fields(&self) -> RevisionFields {
        RevisionFields {
            title: self.title.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            language: self.language.clone(),
            estimated_minutes: self.estimated_minutes,
            tools: self.tools.clone(),
            parts: self.parts.clone(),
            ppe: self.ppe.clone(),
        }
    }

    pub fn apply(&mut self, patch: &RevisionPatch) -> Result<()> {
        let mut fields = self.fields();
        if let Some(v) = &patch.title {
            fields.title.clone_from(v);
        }
        if let Some(v) = &patch.description {
            fields.description.clone_from(v);
        }
        if let Some(v) = &patch.tags {
            fields.tags.clone_from(v);
        }
        if let Some(v) = &patch.language {
            fields.language.clone_from(v);
        }
        if let Some(v) = patch.estimated_minutes {
            fields.estimated_minutes = v;
        }
        if let Some(v) = &patch.tools {
            fields.tools.clone_from(v);
        }
        if let Some(v) = &patch.parts {
            fields.parts.clone_from(v);
        }
        if let Some(v) = &patch.ppe {
            fields.ppe.clone_from(v);
        }
        let c = fields.check()?;
        self.title = c.title;
        self.description = c.description;
        self.tags = c.tags;
        self.language = c.language;
        self.estimated_minutes = c.estimated_minutes;
        self.tools = c.tools;
        self.parts = c.parts;
        self.ppe = c.ppe;
        Ok(())
    }

    pub fn new_draft(procedure_id: Uuid, number: i32, author_id: Uuid, c: CheckedFields) -> Self {
        let now = crate::now();
        Revision {
            id: Uuid::now_v7(),
            procedure_id,
            number,
            status: RevisionStatus::Draft.as_str().to_owned(),
            title: c.title,
            description: c.description,
            tags: c.tags,
            language: c.language,
            estimated_minutes: c.estimated_minutes,
            tools: c.tools,
            parts: c.parts,
            ppe: c.ppe,
            based_on_revision_id: None,
            translated_from_revision_id: None,
            author_id,
            submitted_at: None,
            reviewed_by: None,
            reviewed_at: None,
            published_at: None,
            superseded_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::insert_into(revisions::table).values(self).execute(conn).map(drop)
    }

    /// Writes every mutable column back.
    pub fn save(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::update(revisions::table.find(self.id))
            .set((
                revisions::status.eq(&self.status),
                revisions::title.eq(&self.title),
                revisions::description.eq(&self.description),
                revisions::tags.eq(&self.tags),
                revisions::language.eq(&self.language),
                revisions::estimated_minutes.eq(self.estimated_minutes),
                revisions::tools.eq(&self.tools),
                revisions::parts.eq(&self.parts),
                revisions::ppe.eq(&self.ppe),
                revisions::submitted_at.eq(self.submitted_at),
                revisions::reviewed_by.eq(self.reviewed_by),
                revisions::reviewed_at.eq(self.reviewed_at),
                revisions::published_at.eq(self.published_at),
                revisions::superseded_at.eq(self.superseded_at),
                revisions::updated_at.eq(self.updated_at),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn find(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> Result<Self> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .filter(revisions::number.eq(number))
            .select(Revision::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("revision"))
    }

    pub fn by_id(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        revisions::table
            .find(id)
            .select(Revision::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("revision"))
    }

    /// Locks the row for the rest of the transaction, so two reviewers cannot both decide.
    pub fn find_for_update(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> Result<Self> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .filter(revisions::number.eq(number))
            .select(Revision::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("revision"))
    }

    pub fn list(conn: &mut PgConnection, procedure_id: Uuid) -> QueryResult<Vec<Self>> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .order(revisions::number.desc())
            .select(Revision::as_select())
            .load(conn)
    }

    pub fn max_number(conn: &mut PgConnection, procedure_id: Uuid) -> QueryResult<i32> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .select(diesel::dsl::max(revisions::number))
            .first::<Option<i32>>(conn)
            .map(|n| n.unwrap_or(0))
    }

    /// 409 unless this revision is a draft.
    pub fn require_draft(&self) -> Result<()> {
        match self.status() {
            RevisionStatus::Draft => Ok(()),
            status => Err(ProcError::conflict(
                "not_a_draft",
                format!(
                    "Revision {} is {}; only drafts change. Start a new draft to edit this procedure.",
                    self.number,
                    status.as_str()
                ),
            )),
        }
    }

    pub fn summary(&self) -> RevisionSummary {
        RevisionSummary {
            id: self.id,
            number: self.number,
            status: self.status(),
            title: self.title.clone(),
            language: self.language.clone(),
            author_id: self.author_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            submitted_at: self.submitted_at,
            published_at: self.published_at,
            superseded_at: self.superseded_at,
        }
    }

    pub fn view(&self, conn: &mut PgConnection) -> QueryResult<RevisionView> {
        let content = Content::load(conn, self.id)?;
        let reviews = reviews::table
            .inner_join(users::table.on(users::id.eq(reviews::reviewer_id)))
            .filter(reviews::revision_id.eq(self.id))
            .order(reviews::created_at.asc())
            .select((
                reviews::id,
                reviews::reviewer_id,
                users::display_name,
                reviews::decision,
                reviews::comment,
                reviews::created_at,
            ))
            .load(conn)?;
        let author_name =
            users::table.find(self.author_id).select(users::display_name).first(conn).optional()?.unwrap_or_default();
        Ok(RevisionView {
            id: self.id,
            procedure_id: self.procedure_id,
            number: self.number,
            status: self.status(),
            title: self.title.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            language: self.language.clone(),
            estimated_minutes: self.estimated_minutes,
            tools: self.tools.clone(),
            parts: self.parts.clone(),
            ppe: self.ppe.clone(),
            based_on_revision_id: self.based_on_revision_id,
            translated_from_revision_id: self.translated_from_revision_id,
            author_id: self.author_id,
            author_name,
            submitted_at: self.submitted_at,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
            published_at: self.published_at,
            superseded_at: self.superseded_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            content,
            reviews,
        })
    }

    pub fn add_review(
        &self,
        conn: &mut PgConnection,
        reviewer_id: Uuid,
        decision: &str,
        comment: &str,
    ) -> QueryResult<()> {
        diesel::insert_into(reviews::table)
            .values((
                reviews::id.eq(Uuid::now_v7()),
                reviews::revision_id.eq(self.id),
                reviews::reviewer_id.eq(reviewer_id),
                reviews::decision.eq(decision),
                reviews::comment.eq(comment),
            ))
            .execute(conn)
            .map(drop)
    }
}
