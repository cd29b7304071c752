//! AI jobs: what was asked, by whom, and what came of it. A job is settled once: the first
//! result written wins and a redelivered message for a settled job is skipped.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::schema::ai_jobs;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::provider::Usage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    DraftProcedure,
    TranslateRevision,
    ReviewRevision,
    AskDocument,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::DraftProcedure => "draft_procedure",
            JobKind::TranslateRevision => "translate_revision",
            JobKind::ReviewRevision => "review_revision",
            JobKind::AskDocument => "ask_document",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [JobKind::DraftProcedure, JobKind::TranslateRevision, JobKind::ReviewRevision, JobKind::AskDocument]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "succeeded" => JobStatus::Succeeded,
            "cancelled" => JobStatus::Cancelled,
            _ => JobStatus::Failed,
        }
    }

    pub fn is_settled(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled)
    }
}

/// What each kind of job needs (the `input` of `POST /api/ai/jobs`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum JobInput {
    /// A procedure proposal from uploaded documents and/or a description of the job.
    DraftProcedure {
        #[serde(default)]
        file_ids: Vec<Uuid>,
        prompt: Option<String>,
        /// `fr`, `en`, …
        language: String,
    },
    /// A proposal of the revision in another language, same structure, kinds, limits and units.
    TranslateRevision { procedure_id: Uuid, revision_number: i32, target_language: String },
    /// Safety and quality findings on a revision.
    ReviewRevision { procedure_id: Uuid, revision_number: i32 },
    /// An answer about documents, with the passages used.
    AskDocument { file_ids: Vec<Uuid>, question: String },
}

impl JobInput {
    pub fn kind(&self) -> JobKind {
        match self {
            JobInput::DraftProcedure { .. } => JobKind::DraftProcedure,
            JobInput::TranslateRevision { .. } => JobKind::TranslateRevision,
            JobInput::ReviewRevision { .. } => JobKind::ReviewRevision,
            JobInput::AskDocument { .. } => JobKind::AskDocument,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ai_jobs)]
pub struct Job {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub kind: String,
    pub status: String,
    pub input: Value,
    pub result: Option<Value>,
    pub error: Option<String>,
    pub attempts: i32,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub kind: JobKind,
    pub status: JobStatus,
    #[schema(value_type = Object)]
    pub input: Value,
    /// The proposal, findings or answer, once succeeded.
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    /// What went wrong, in words for the person who asked.
    pub error: Option<String>,
    pub attempts: i32,
    /// `offline` or `openai`.
    pub provider: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Job {
    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status)
    }

    pub fn view(&self) -> JobView {
        JobView {
            id: self.id,
            owner_id: self.owner_id,
            kind: JobKind::parse(&self.kind).unwrap_or(JobKind::DraftProcedure),
            status: self.status(),
            input: self.input.clone(),
            result: self.result.clone(),
            error: self.error.clone(),
            attempts: self.attempts,
            provider: self.provider.clone(),
            model: self.model.clone(),
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
        }
    }

    pub fn new(owner_id: Uuid, input: &JobInput) -> Self {
        let now = Utc::now();
        Job {
            id: Uuid::now_v7(),
            owner_id,
            kind: input.kind().as_str().to_owned(),
            status: JobStatus::Queued.as_str().to_owned(),
            input: serde_json::to_value(input).unwrap_or(Value::Null),
            result: None,
            error: None,
            attempts: 0,
            provider: None,
            model: None,
            prompt_tokens: 0,
            completion_tokens: 0,
            created_at: now,
            started_at: None,
            finished_at: None,
            updated_at: now,
        }
    }

    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::insert_into(ai_jobs::table).values(self).execute(conn).map(drop)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        ai_jobs::table.find(id).select(Job::as_select()).first(conn).optional()
    }

    pub fn open_count(conn: &mut PgConnection, owner_id: Uuid) -> QueryResult<i64> {
        ai_jobs::table
            .filter(ai_jobs::owner_id.eq(owner_id))
            .filter(ai_jobs::status.eq_any(["queued", "running"]))
            .count()
            .get_result(conn)
    }

    /// Newest first; `owner` None lists everyone's.
    pub fn list(
        conn: &mut PgConnection,
        owner: Option<Uuid>,
        before: Option<Uuid>,
        limit: i64,
    ) -> QueryResult<Vec<Self>> {
        let mut q = ai_jobs::table.select(Job::as_select()).order(ai_jobs::id.desc()).limit(limit).into_boxed();
        if let Some(o) = owner {
            q = q.filter(ai_jobs::owner_id.eq(o));
        }
        if let Some(b) = before {
            q = q.filter(ai_jobs::id.lt(b));
        }
        q.load(conn)
    }

    /// Marks a delivery as started: `None` when the job is already settled (skip it).
    pub fn start(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        diesel::update(ai_jobs::table.find(id).filter(ai_jobs::status.eq_any(["queued", "running"])))
            .set((
                ai_jobs::status.eq("running"),
                ai_jobs::attempts.eq(ai_jobs::attempts + 1),
                ai_jobs::started_at.eq(Some(Utc::now())),
                ai_jobs::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Job::as_returning())
            .get_result(conn)
            .optional()
    }

    /// Settles the job; false when another delivery settled it first.
    #[allow(clippy::too_many_arguments)]
    pub fn settle(
        conn: &mut PgConnection,
        id: Uuid,
        status: JobStatus,
        result: Option<&Value>,
        error: Option<&str>,
        provider: &str,
        model: Option<&str>,
        usage: Usage,
    ) -> QueryResult<bool> {
        let updated = diesel::update(ai_jobs::table.find(id).filter(ai_jobs::status.eq_any(["queued", "running"])))
            .set((
                ai_jobs::status.eq(status.as_str()),
                ai_jobs::result.eq(result),
                ai_jobs::error.eq(error),
                ai_jobs::provider.eq(provider),
                ai_jobs::model.eq(model),
                ai_jobs::prompt_tokens.eq(ai_jobs::prompt_tokens + usage.prompt_tokens),
                ai_jobs::completion_tokens.eq(ai_jobs::completion_tokens + usage.completion_tokens),
                ai_jobs::finished_at.eq(Some(Utc::now())),
                ai_jobs::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(updated == 1)
    }

    /// Back to the queue after a transient failure: tokens spent so far are kept.
    pub fn requeue(conn: &mut PgConnection, id: Uuid, reason: &str, usage: Usage) -> QueryResult<()> {
        diesel::update(ai_jobs::table.find(id).filter(ai_jobs::status.eq("running")))
            .set((
                ai_jobs::status.eq("queued"),
                ai_jobs::error.eq(reason),
                ai_jobs::prompt_tokens.eq(ai_jobs::prompt_tokens + usage.prompt_tokens),
                ai_jobs::completion_tokens.eq(ai_jobs::completion_tokens + usage.completion_tokens),
                ai_jobs::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Cancels a queued job; false when it is no longer queued.
    pub fn cancel(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
        let n = diesel::update(ai_jobs::table.find(id).filter(ai_jobs::status.eq("queued")))
            .set((
                ai_jobs::status.eq("cancelled"),
                ai_jobs::finished_at.eq(Some(Utc::now())),
                ai_jobs::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(n == 1)
    }
}
