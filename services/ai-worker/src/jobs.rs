//! AI jobs: what was asked, by whom, and what came of it. A job's life is one table
//! ([`JobStatus::may_become`]); every change of status goes through [`Job::transition`], which
//! only moves a job that stands where that table allows. A job is settled once: the first
//! result written wins, a redelivered message for a settled job is skipped, and each settled
//! job announces `ai.job.finished` once, in the transaction that settled it.
//!
//! # Attempts, leases and redeliveries
//!
//! The broker is the one who counts attempts: a job's `attempts` is the delivery its worker
//! took it from (`x-delivery-count + 1`), written when the delivery starts it. A delivery that
//! was prefetched but never started still counts (the broker counted it), so the number a
//! person sees is the one the broker dead-letters on.
//!
//! A running job holds a lease (`lease_until`) that its worker renews while it works
//! ([`Job::renew`], every third of `GAMME_AI_LEASE_SECS`). Three things can end a worker's hold
//! on a job, and they are told apart this way:
//!
//! - **The worker's connection to the broker goes** (the process was killed, crashed, or lost
//!   its network): the broker hands the unacked message to another worker at once, and that
//!   delivery *takes the job over* — [`Job::start`] moves a running job to running again, with
//!   its own attempt number and a fresh lease. If the old worker is in fact still alive and
//!   finishes first, its result stands (first result wins) and the new delivery is skipped.
//! - **The lease runs out** (nobody renewed it for a whole lease): either the broker has not
//!   yet redelivered the message (every worker is down or busy) or the message will never come
//!   back. The sweep ([`Job::take_back_expired`], run by every replica, safe to run at once:
//!   each row is moved by one `UPDATE … WHERE lease_until < now() … RETURNING`) puts the job
//!   back to `queued` while the broker still has deliveries left for it, so the person sees it
//!   waiting, not running; its message takes it again when redelivered. A job whose lease ran
//!   out on its last attempt is failed: the broker dead-letters its message when that delivery
//!   returns, and nobody else would settle it.
//! - **The broker dead-letters the message** (delivery limit reached, or rejected): the
//!   dead-letter consumer fails the job at once if it is not settled ([`Job::fail_dead_lettered`])
//!   and acks the dead letter either way, so a job that had in fact succeeded keeps its one
//!   result and its one event.
//!
//! A fourth case has no one to notice it: **the message is lost** while its job is `queued` (a
//! broker whose volume was lost or whose queue was purged, a message dropped by an operator). The
//! same sweep sends a queued job's message again once the job has waited `GAMME_AI_RESEND_SECS`
//! (600) without a change ([`Job::resend_stale`], one `UPDATE … RETURNING` that also restarts the
//! wait, so one replica sends it once per wait). A resent message starts only a job that is
//! still `queued`; for a running or settled one it is acked and dropped, so a job whose original
//! message was only slow (a long queue) is not worked twice. Its deliveries count on from the
//! job's attempts (`resent_after`), and the broker still dead-letters it after five.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::{
    data_types::PgInterval,
    dsl,
    prelude::*,
    sql_types::{Interval, Nullable, Timestamptz},
};
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event, WorkQueue};
use gamme_db::{file_access::Viewer, locks, revision_texts::RevisionText, schema::ai_jobs};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{AiError, Result},
    provider::Usage,
};

/// The AI job queue: `<prefix>.ai_jobs`, fed by routing key `ai_job`, a job delivered at most
/// five times before it is dead-lettered to `<prefix>.ai_jobs.dead`. Its name is the outbox
/// destination its messages carry.
pub const JOBS: WorkQueue = WorkQueue { name: "ai_jobs", routing_key: "ai_job", max_attempts: 5 };

/// The queue message: only the id; the job itself is in the database. A message sent again for
/// a job that waited too long ([`Job::resend_stale`]) says how many deliveries the job had
/// before it, so the attempts a person sees keep counting from there.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobMessage {
    pub job_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resent_after: Option<i32>,
}

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum JobKind {
        DraftProcedure,
        TranslateRevision,
        ReviewRevision,
        AskDocument,
    }
}

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum JobStatus {
        Queued,
        Running,
        Succeeded,
        Failed,
        Cancelled,
    }
}

impl JobStatus {
    /// The statuses a job may be in for it to become `self`: a job's whole life, once.
    /// Running again from running is a redelivery (its worker died); queued again is a
    /// transient failure waiting for its next attempt.
    pub const fn may_become(self) -> &'static [JobStatus] {
        use JobStatus::*;
        match self {
            Queued => &[Running],
            Running => &[Queued, Running],
            Succeeded | Failed => &[Queued, Running],
            Cancelled => &[Queued],
        }
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
    AskDocument {
        #[schema(min_items = 1)]
        file_ids: Vec<Uuid>,
        /// 1 to 2000 characters, not all blank (spaces and control characters).
        #[schema(max_length = 2000, pattern = r"[^\s\x00-\x1F\x7F-\x9F]")]
        question: String,
    },
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

    /// Checks what can be checked before queueing, so a person hears of a mistake at once.
    pub fn check(&self, conn: &mut PgConnection, user: &AuthUser) -> Result<()> {
        let editor = || user.require(Roles::EDITORS).map_err(AiError::Forbidden);
        match self {
            JobInput::DraftProcedure { file_ids, prompt, language } => {
                editor()?;
                if !language_ok(language) {
                    return Err(AiError::invalid("`language` must be a language tag such as `fr` or `en`."));
                }
                if prompt.as_deref().is_some_and(|p| p.chars().count() > 20_000) {
                    return Err(AiError::invalid("The description is limited to 20000 characters."));
                }
                if file_ids.is_empty() && prompt.as_deref().is_none_or(|p| p.trim().is_empty()) {
                    return Err(AiError::invalid("Give documents, a description of the job, or both."));
                }
                documents_seen(conn, user, file_ids)
            }
            JobInput::TranslateRevision { procedure_id, revision_number, target_language } => {
                editor()?;
                if !language_ok(target_language) {
                    return Err(AiError::invalid("`target_language` must be a language tag such as `fr` or `en`."));
                }
                revision_exists(conn, *procedure_id, *revision_number)
            }
            JobInput::ReviewRevision { procedure_id, revision_number } => {
                editor()?;
                revision_exists(conn, *procedure_id, *revision_number)
            }
            JobInput::AskDocument { file_ids, question } => {
                if file_ids.is_empty() {
                    return Err(AiError::invalid("Name at least one document."));
                }
                let q = question.trim();
                if q.is_empty() || q.chars().count() > 2000 {
                    return Err(AiError::invalid("The question must be 1 to 2000 characters."));
                }
                documents_seen(conn, user, file_ids)
            }
        }
    }
}

fn language_ok(tag: &str) -> bool {
    let (p, r) = tag.split_once('-').map_or((tag, None), |(p, r)| (p, Some(r)));
    (2..=3).contains(&p.len())
        && p.chars().all(|c| c.is_ascii_lowercase())
        && r.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()))
}

/// Every document a job reads must be one the asker may see (`gamme_db::file_access`): a
/// document they may not see is refused like one that does not exist, so a job can neither
/// quote it nor tell that it is there.
fn documents_seen(conn: &mut PgConnection, user: &AuthUser, ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > 20 {
        return Err(AiError::invalid("A job reads at most 20 documents."));
    }
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if !Viewer::new(user.id, user.role).unseen_files(conn, &unique)?.is_empty() {
        return Err(AiError::NotFound("One of the documents does not exist (or was deleted)."));
    }
    Ok(())
}

fn revision_exists(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> Result<()> {
    if !RevisionText::exists(conn, procedure_id, number)? {
        return Err(AiError::NotFound("There is no such revision."));
    }
    Ok(())
}

// A job, as stored and as shown to the person who asked (`JobView` in the API; a doc comment
// here would become the schema's description).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = ai_jobs, check_for_backend(diesel::pg::Pg))]
#[schema(as = JobView)]
pub struct Job {
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
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
    /// Until when the worker on a running job holds it (see the module's documentation).
    #[serde(skip)]
    pub lease_until: Option<DateTime<Utc>>,
}

/// How a job ended, as its worker records it.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub status: JobStatus,
    pub result: Option<Value>,
    pub error: Option<String>,
    pub provider: &'static str,
    pub model: Option<String>,
    pub usage: Usage,
}

/// The columns a status change sets besides the status.
#[derive(AsChangeset, Default)]
#[diesel(table_name = ai_jobs)]
struct Changes<'a> {
    result: Option<Option<&'a Value>>,
    error: Option<Option<&'a str>>,
    provider: Option<&'a str>,
    model: Option<Option<&'a str>>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    /// The broker's number of the delivery that starts the job (`x-delivery-count + 1`).
    attempts: Option<i32>,
}

/// What a person reads of a job that was taken back after its worker stopped without a word.
const INTERRUPTED: &str = "The assistant stopped while working on this job; it is waiting to be tried again.";

/// What a person reads of a job given up because its worker stopped `attempts` times (it
/// was killed, crashed or lost its connections) before it could finish.
pub fn interrupted_too_often(attempts: i32) -> String {
    format!(
        "The assistant stopped while working on this job {attempts} times, so Gamme gave up on it. \
         Ask again; if it keeps happening, tell your administrator."
    )
}

impl Job {
    /// Queues a new job for `user`, with its queue message, in the caller's transaction;
    /// refused when the person already has `limit` jobs open.
    pub fn create(
        conn: &mut PgConnection,
        user: &AuthUser,
        input: &JobInput,
        limit: i64,
        correlation: &str,
    ) -> Result<Self> {
        input.check(conn, user)?;
        // One person's jobs are counted one request at a time.
        locks::xact_ai_jobs_of(conn, user.id)?;
        if Job::open_count(conn, user.id)? >= limit {
            return Err(AiError::TooManyJobs { limit });
        }
        let now = Utc::now();
        let job = Job {
            id: Uuid::now_v7(),
            owner_id: user.id,
            kind: input.kind(),
            status: JobStatus::Queued,
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
            lease_until: None,
        };
        diesel::insert_into(ai_jobs::table).values(&job).execute(conn)?;
        outbox::enqueue_work(
            conn,
            &JOBS,
            "ai.job",
            Some(correlation),
            json!(JobMessage { job_id: job.id, resent_after: None }),
        )?;
        Ok(job)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        ai_jobs::table.find(id).select(Job::as_select()).first(conn).optional()
    }

    /// The job if `user` may see it: their own, or any for an admin.
    pub fn find_visible(conn: &mut PgConnection, user: &AuthUser, id: Uuid) -> Result<Self> {
        match Job::find(conn, id)? {
            Some(job) if job.owner_id == user.id || user.is(Roles::ADMINS) => Ok(job),
            _ => Err(AiError::NotFound("There is no such job.")),
        }
    }

    pub fn open_count(conn: &mut PgConnection, owner_id: Uuid) -> QueryResult<i64> {
        ai_jobs::table
            .filter(ai_jobs::owner_id.eq(owner_id))
            .filter(ai_jobs::status.eq_any([JobStatus::Queued, JobStatus::Running]))
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

    /// Moves job `id` to `to` if it stands where [`JobStatus::may_become`] allows; the job as
    /// it now is, or `None` when it did not move. `usage` adds the tokens spent. A job moved to
    /// running holds a lease of `lease` from now (by the database's clock, which every replica
    /// shares); a job moved anywhere else holds none.
    fn transition(
        conn: &mut PgConnection,
        id: Uuid,
        to: JobStatus,
        changes: Changes<'_>,
        lease: Duration,
        usage: Usage,
    ) -> QueryResult<Option<Self>> {
        Job::transition_from(conn, id, to.may_become(), to, changes, lease, usage)
    }

    /// [`Job::transition`] from the statuses `from` only (each one that `to` may come from).
    fn transition_from(
        conn: &mut PgConnection,
        id: Uuid,
        from: &[JobStatus],
        to: JobStatus,
        changes: Changes<'_>,
        lease: Duration,
        usage: Usage,
    ) -> QueryResult<Option<Self>> {
        debug_assert!(from.iter().all(|f| to.may_become().contains(f)));
        let lease = (to == JobStatus::Running).then(|| lease_interval(lease));
        diesel::update(ai_jobs::table.find(id).filter(ai_jobs::status.eq_any(from)))
            .set((
                ai_jobs::status.eq(to),
                changes,
                // now() + NULL is NULL: no lease.
                ai_jobs::lease_until
                    .eq(dsl::now.into_sql::<Nullable<Timestamptz>>() + lease.into_sql::<Nullable<Interval>>()),
                ai_jobs::prompt_tokens.eq(ai_jobs::prompt_tokens + usage.prompt_tokens),
                ai_jobs::completion_tokens.eq(ai_jobs::completion_tokens + usage.completion_tokens),
                ai_jobs::updated_at.eq(dsl::now),
            ))
            .returning(Job::as_returning())
            .get_result(conn)
            .optional()
    }

    /// Starts the job for the delivery numbered `attempt` by the broker, with a lease of
    /// `lease`; a running job is taken over (its worker's connection went, so the broker gave
    /// the message to this one). `None` when the job is already settled (skip it).
    pub fn start(conn: &mut PgConnection, id: Uuid, attempt: i32, lease: Duration) -> QueryResult<Option<Self>> {
        let changes = Changes { started_at: Some(Utc::now()), attempts: Some(attempt), ..Changes::default() };
        Job::transition(conn, id, JobStatus::Running, changes, lease, Usage::default())
    }

    /// [`Job::start`] for a message sent again ([`Job::resend_stale`]): only a job still waiting
    /// starts; a running one has a worker (whose own message the broker redelivers if it dies).
    pub fn start_waiting(
        conn: &mut PgConnection,
        id: Uuid,
        attempt: i32,
        lease: Duration,
    ) -> QueryResult<Option<Self>> {
        let changes = Changes { started_at: Some(Utc::now()), attempts: Some(attempt), ..Changes::default() };
        Job::transition_from(conn, id, &[JobStatus::Queued], JobStatus::Running, changes, lease, Usage::default())
    }

    /// Sends the message of every job that has waited in `queued` for `after` without a change
    /// again (its own may be lost), and restarts its wait; the number sent. Safe for every
    /// replica to run at once: each job is moved by one of them.
    pub fn resend_stale(conn: &mut PgConnection, after: Duration) -> QueryResult<usize> {
        let waited_since = dsl::now.into_sql::<Timestamptz>() - lease_interval(after);
        let stale: Vec<(Uuid, i32)> = diesel::update(
            ai_jobs::table.filter(ai_jobs::status.eq(JobStatus::Queued)).filter(ai_jobs::updated_at.lt(waited_since)),
        )
        .set(ai_jobs::updated_at.eq(dsl::now))
        .returning((ai_jobs::id, ai_jobs::attempts))
        .get_results(conn)?;
        for (job_id, attempts) in &stale {
            let message = JobMessage { job_id: *job_id, resent_after: Some(*attempts) };
            outbox::enqueue_work(conn, &JOBS, "ai.job", None, json!(message))?;
        }
        Ok(stale.len())
    }

    /// Renews the lease of a running job for `lease` from now. The job's status after: a
    /// settled job is not worth working on any more; `None` when it is gone. A job no longer
    /// running is left as it is (it was taken back while its worker could not renew, or put
    /// back to the queue): its worker may still settle it.
    pub fn renew(conn: &mut PgConnection, id: Uuid, lease: Duration) -> QueryResult<Option<JobStatus>> {
        let renewed = diesel::update(ai_jobs::table.find(id).filter(ai_jobs::status.eq(JobStatus::Running)))
            .set(ai_jobs::lease_until.eq(dsl::now.into_sql::<Nullable<Timestamptz>>() + lease_interval(lease)))
            .execute(conn)?;
        if renewed == 1 {
            return Ok(Some(JobStatus::Running));
        }
        ai_jobs::table.find(id).select(ai_jobs::status).first(conn).optional()
    }

    /// Settles the job and announces `ai.job.finished`, together; false when another
    /// delivery settled it first (its result stands, and nothing is announced again).
    pub fn settle(&self, conn: &mut PgConnection, end: &Settlement, correlation: Option<String>) -> QueryResult<bool> {
        let changes = Changes {
            result: Some(end.result.as_ref()),
            error: Some(end.error.as_deref()),
            provider: Some(end.provider),
            model: Some(end.model.as_deref()),
            finished_at: Some(Utc::now()),
            ..Changes::default()
        };
        match Job::transition(conn, self.id, end.status, changes, Duration::ZERO, end.usage)? {
            Some(job) => job.announce(conn, correlation).map(|()| true),
            None => Ok(false),
        }
    }

    /// `ai.job.finished`, in the transaction that settled the job.
    fn announce(&self, conn: &mut PgConnection, correlation: Option<String>) -> QueryResult<()> {
        let event = Event::AiJobFinished {
            job_id: self.id,
            owner_id: self.owner_id,
            kind: self.kind.to_string(),
            status: self.status.to_string(),
        };
        outbox::enqueue(conn, &Envelope::new(event, correlation))
    }

    /// Back to the queue after a transient failure: tokens spent so far are kept.
    pub fn requeue(conn: &mut PgConnection, id: Uuid, reason: &str, usage: Usage) -> QueryResult<()> {
        let changes = Changes { error: Some(Some(reason)), ..Changes::default() };
        Job::transition(conn, id, JobStatus::Queued, changes, Duration::ZERO, usage).map(drop)
    }

    /// Cancels a queued job (the person's own, or any for an admin).
    pub fn cancel(conn: &mut PgConnection, user: &AuthUser, id: Uuid) -> Result<Self> {
        let job = Job::find_visible(conn, user, id)?;
        let changes = Changes { finished_at: Some(Utc::now()), ..Changes::default() };
        Job::transition(conn, job.id, JobStatus::Cancelled, changes, Duration::ZERO, Usage::default())?
            .ok_or(AiError::NotQueued)
    }

    /// Fails a job whose message the broker dead-lettered, with `error` for the person, if it
    /// is not settled yet; `attempts`, when known, is the broker's count of its deliveries.
    /// False when it was settled already (its result and its one event stand).
    pub fn fail_dead_lettered(
        conn: &mut PgConnection,
        id: Uuid,
        error: &str,
        attempts: Option<i32>,
        correlation: Option<String>,
    ) -> QueryResult<bool> {
        let changes =
            Changes { error: Some(Some(error)), finished_at: Some(Utc::now()), attempts, ..Changes::default() };
        match Job::transition(conn, id, JobStatus::Failed, changes, Duration::ZERO, Usage::default())? {
            Some(job) => job.announce(conn, correlation).map(|()| true),
            None => Ok(false),
        }
    }

    /// Takes back the running jobs whose lease ran out (see the module's documentation): back
    /// to `queued` while the broker has deliveries left for them, failed (and announced) on
    /// their last one. Safe for every replica to run at once: each job is moved by one of them.
    pub fn take_back_expired(conn: &mut PgConnection, max_attempts: i32) -> QueryResult<TakenBack> {
        let expired = || {
            ai_jobs::table
                .filter(ai_jobs::status.eq(JobStatus::Running))
                .filter(ai_jobs::lease_until.lt(dsl::now.into_sql::<Nullable<Timestamptz>>()))
        };
        let given_up: Vec<Job> = diesel::update(expired().filter(ai_jobs::attempts.ge(max_attempts)))
            .set((
                ai_jobs::status.eq(JobStatus::Failed),
                ai_jobs::error.eq(interrupted_too_often(max_attempts)),
                ai_jobs::finished_at.eq(dsl::now),
                ai_jobs::lease_until.eq(None::<DateTime<Utc>>),
                ai_jobs::updated_at.eq(dsl::now),
            ))
            .returning(Job::as_returning())
            .get_results(conn)?;
        for job in &given_up {
            job.announce(conn, None)?;
        }
        let requeued = diesel::update(expired())
            .set((
                ai_jobs::status.eq(JobStatus::Queued),
                ai_jobs::error.eq(INTERRUPTED),
                ai_jobs::lease_until.eq(None::<DateTime<Utc>>),
                ai_jobs::updated_at.eq(dsl::now),
            ))
            .execute(conn)?;
        Ok(TakenBack { requeued, failed: given_up.len() })
    }
}

/// What a sweep took back: jobs put back to the queue, jobs failed on their last attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TakenBack {
    pub requeued: usize,
    pub failed: usize,
}

fn lease_interval(lease: Duration) -> PgInterval {
    PgInterval::from_microseconds(i64::try_from(lease.as_micros()).unwrap_or(i64::MAX))
}
