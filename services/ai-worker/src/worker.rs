//! The job consumer: takes a job from the queue, runs it with the provider, commits the result
//! (and `ai.job.finished`) and only then acks. Transient failures go back to the queue until
//! the last attempt, after which the job is failed and dead-lettered; a settled job that comes
//! back is acked and skipped, so each job has exactly one result.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Duration};

use diesel::Connection;
use futures_util::FutureExt;
use gamme_backoff::Backoff;
use gamme_bus::{outbox, Envelope, Event, Incoming, Outcome, WorkQueue};
use gamme_db::{DbError, PgPool};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    jobs::{Job, JobInput, JobStatus},
    provider::{Answered, Assistant, Provider, ProviderError, Task, Usage},
    sources,
};

/// The AI job queue: `<prefix>.ai_jobs`, fed by routing key `ai_job`, a job delivered at most
/// five times before it is dead-lettered to `<prefix>.ai_jobs.dead`. Its name is the outbox
/// destination its messages carry.
pub const JOBS: WorkQueue = WorkQueue { name: "ai_jobs", routing_key: "ai_job", max_attempts: 5 };

/// A job is delivered at most this many times before it is dead-lettered.
const MAX_ATTEMPTS: i32 = JOBS.max_attempts;

/// The queue message: only the id; the job itself is in the database.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobMessage {
    pub job_id: Uuid,
}

/// Up to this much document text goes into a draft.
const DRAFT_TEXT_LIMIT: usize = 60_000;
/// How long a draft waits for the files service to finish extracting a document's text.
const TEXT_WAIT: Duration = Duration::from_secs(60);

pub struct Worker {
    pub pool: PgPool,
    pub provider: Arc<Provider>,
    pub outbox: Arc<Notify>,
    pub requeue_pause: Duration,
}

impl Worker {
    #[tracing::instrument(skip_all, fields(job_id = tracing::field::Empty, delivery = msg.delivery_count))]
    pub async fn handle(self: Arc<Self>, msg: Incoming) -> Outcome {
        let Ok(JobMessage { job_id }) = serde_json::from_slice(&msg.body) else {
            tracing::error!("an AI job message without a job id; dead-lettering it");
            return Outcome::DeadLetter;
        };
        tracing::Span::current().record("job_id", tracing::field::display(job_id));
        let started = gamme_db::run(&self.pool, move |c| Job::start(c, job_id).map_err(DbError::from)).await;
        let job = match started {
            Ok(Some(job)) => job,
            Ok(None) => {
                tracing::info!("job already settled (or unknown): skipping the redelivery");
                return Outcome::Ack;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot start the job; it goes back to the queue");
                tokio::time::sleep(Duration::from_secs(1)).await;
                return Outcome::Requeue;
            }
        };
        let last_attempt = job.attempts >= MAX_ATTEMPTS || msg.delivery_count + 1 >= MAX_ATTEMPTS as u32;
        let outcome = AssertUnwindSafe(self.execute(&job)).catch_unwind().await.unwrap_or_else(|_| {
            tracing::error!("the job's handler panicked");
            Err(ProviderError::Transient {
                reason: "an internal error".into(),
                retry_after: None,
                usage: Usage::default(),
            })
        });
        let (provider, model) = (self.provider.name(), self.provider.model().map(str::to_owned));
        let settled = match outcome {
            Ok(Answered { result, usage }) => {
                self.settle(&job, JobStatus::Succeeded, Some(result), None, provider, model, usage, msg.correlation_id)
                    .await
            }
            Err(ProviderError::Permanent { message, usage }) => {
                self.settle(&job, JobStatus::Failed, None, Some(message), provider, model, usage, msg.correlation_id)
                    .await
            }
            Err(ProviderError::Transient { reason, usage, .. }) if last_attempt => {
                let message = format!(
                    "The assistant gave up after {} attempts: {reason}. Try again later.",
                    job.attempts.max(MAX_ATTEMPTS)
                );
                return match self
                    .settle(&job, JobStatus::Failed, None, Some(message), provider, model, usage, msg.correlation_id)
                    .await
                {
                    Ok(()) => Outcome::DeadLetter,
                    Err(()) => Outcome::Requeue,
                };
            }
            Err(ProviderError::Transient { reason, usage, .. }) => {
                tracing::info!(%reason, attempt = job.attempts, "transient failure; the job goes back to the queue");
                let message = format!("Waiting to try again: {reason}.");
                let id = job.id;
                let _ = gamme_db::run(&self.pool, move |c| Job::requeue(c, id, &message, usage).map_err(DbError::from))
                    .await;
                let pause = Backoff::exponential(self.requeue_pause, Duration::from_secs(30))
                    .nth(u32::try_from(job.attempts).unwrap_or(1));
                tokio::time::sleep(pause).await;
                return Outcome::Requeue;
            }
        };
        match settled {
            Ok(()) => Outcome::Ack,
            Err(()) => Outcome::Requeue,
        }
    }

    /// Commits the job's end and its event together.
    #[allow(clippy::too_many_arguments)]
    async fn settle(
        &self,
        job: &Job,
        status: JobStatus,
        result: Option<serde_json::Value>,
        error: Option<String>,
        provider: &'static str,
        model: Option<String>,
        usage: Usage,
        correlation: Option<String>,
    ) -> Result<(), ()> {
        let (id, owner, kind) = (job.id, job.owner_id, job.kind.clone());
        let done = gamme_db::run(&self.pool, move |c| {
            c.transaction(|c| {
                let first =
                    Job::settle(c, id, status, result.as_ref(), error.as_deref(), provider, model.as_deref(), usage)?;
                if first {
                    outbox::enqueue(
                        c,
                        &Envelope::new(
                            Event::AiJobFinished {
                                job_id: id,
                                owner_id: owner,
                                kind,
                                status: status.as_str().to_owned(),
                            },
                            correlation,
                        ),
                    )?;
                }
                Ok::<_, diesel::result::Error>(first)
            })
            .map_err(DbError::from)
        })
        .await;
        match done {
            Ok(first) => {
                if first {
                    self.outbox.notify_one();
                    tracing::info!(status = status.as_str(), "job settled");
                } else {
                    tracing::info!("another delivery settled this job first; keeping its result");
                }
                Ok(())
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot record the job's result; it goes back to the queue");
                Err(())
            }
        }
    }

    async fn execute(&self, job: &Job) -> Result<Answered, ProviderError> {
        let input: JobInput = serde_json::from_value(job.input.clone())
            .map_err(|_| ProviderError::permanent("This job's input is not understood by this version of Gamme."))?;
        let db = |e: DbError| ProviderError::Transient {
            reason: format!("the database: {e}"),
            retry_after: None,
            usage: Usage::default(),
        };
        match input {
            JobInput::DraftProcedure { file_ids, prompt, language } => {
                let names = self.wait_for_text(&file_ids).await?;
                let ids = file_ids.clone();
                let documents = gamme_db::run(&self.pool, move |c| {
                    sources::document_text(c, &ids, DRAFT_TEXT_LIMIT).map_err(DbError::from)
                })
                .await
                .map_err(db)?;
                if !file_ids.is_empty() && documents.is_empty() && prompt.as_deref().is_none_or(|p| p.trim().is_empty())
                {
                    return Err(ProviderError::permanent(
                        "These documents have no text Gamme could read (a scanned PDF has no text layer). Describe the job instead.",
                    ));
                }
                let task = Task::Draft {
                    language: &language,
                    prompt: prompt.as_deref(),
                    documents: &documents,
                    names: &names,
                };
                self.provider.answer(&task).await
            }
            JobInput::TranslateRevision { procedure_id, revision_number, target_language } => {
                let revision = self.revision(procedure_id, revision_number).await?;
                self.provider.answer(&Task::Translate { revision: &revision, target_language: &target_language }).await.map(
                    |mut a| {
                        a.result["source"] = serde_json::json!({ "procedure_id": procedure_id, "revision_id": revision.revision_id,
                            "revision_number": revision_number });
                        a
                    },
                )
            }
            JobInput::ReviewRevision { procedure_id, revision_number } => {
                let revision = self.revision(procedure_id, revision_number).await?;
                self.provider.answer(&Task::Review { revision: &revision }).await
            }
            JobInput::AskDocument { file_ids, question } => {
                self.wait_for_text(&file_ids).await?;
                let q = question.clone();
                let passages =
                    gamme_db::run(&self.pool, move |c| sources::passages(c, &file_ids, &q, 8).map_err(DbError::from))
                        .await
                        .map_err(db)?;
                self.provider.answer(&Task::Ask { question: &question, passages: &passages }).await
            }
        }
    }

    async fn revision(&self, procedure_id: Uuid, number: i32) -> Result<sources::RevisionText, ProviderError> {
        gamme_db::run(&self.pool, move |c| sources::revision(c, procedure_id, number).map_err(DbError::from))
            .await
            .map_err(|e| ProviderError::Transient {
                reason: format!("the database: {e}"),
                retry_after: None,
                usage: Usage::default(),
            })?
            .ok_or_else(|| ProviderError::permanent("This revision no longer exists."))
    }

    /// The documents' names once their text is extracted (or known to be absent).
    async fn wait_for_text(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, ProviderError> {
        let deadline = tokio::time::Instant::now() + TEXT_WAIT;
        loop {
            let ids = ids.to_vec();
            let docs = gamme_db::run(&self.pool, move |c| sources::documents(c, &ids).map_err(DbError::from))
                .await
                .map_err(|e| ProviderError::Transient {
                    reason: format!("the database: {e}"),
                    retry_after: None,
                    usage: Usage::default(),
                })?;
            if docs.iter().all(|d| d.text_status != "pending") {
                return Ok(docs.into_iter().map(|d| (d.id, d.name)).collect());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ProviderError::Transient {
                    reason: "the documents' text is still being extracted".into(),
                    retry_after: None,
                    usage: Usage::default(),
                });
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// Marks failed the jobs whose worker died on their last attempt (the broker dead-lettered
/// the message, so nobody will settle them), every minute, until `shutdown`.
pub async fn sweep_abandoned(pool: PgPool, stale_after: Duration, shutdown: CancellationToken) {
    let secs = i64::try_from(stale_after.as_secs()).unwrap_or(i64::MAX);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
        let swept = gamme_db::run(&pool, move |c| {
            use diesel::RunQueryDsl;
            diesel::sql_query(
                "UPDATE ai_jobs SET status = 'failed', finished_at = now(), updated_at = now(), \
                        error = 'The assistant stopped while working on this job too many times.' \
                 WHERE status = 'running' AND attempts >= $1 AND updated_at < now() - make_interval(secs => $2)",
            )
            .bind::<diesel::sql_types::Integer, _>(MAX_ATTEMPTS)
            .bind::<diesel::sql_types::Double, _>(secs as f64)
            .execute(c)
            .map_err(DbError::from)
        })
        .await;
        match swept {
            Ok(n) if n > 0 => tracing::warn!(jobs = n, "marked abandoned jobs failed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "cannot sweep abandoned jobs"),
        }
    }
}
