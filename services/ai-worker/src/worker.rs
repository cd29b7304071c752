//! The job consumer: takes a job from the queue, runs it with the provider, commits the result
//! (and `ai.job.finished`) and only then acks. Transient failures go back to the queue until
//! the last attempt, after which the job is failed and dead-lettered; a settled job that comes
//! back is acked and skipped, so each job has exactly one result.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Duration};

use futures_util::FutureExt;
use gamme_backoff::Backoff;
use gamme_bus::{Incoming, Outcome, WorkQueue};
use gamme_db::{documents, revision_texts::RevisionText, DbError};
use gamme_service_kit::Store;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    jobs::{Job, JobInput, JobStatus, Settlement},
    provider::{Answered, Assistant, Provider, ProviderError, Task, Usage},
    texts::{TextReady, WaitError},
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
    pub store: Store,
    pub provider: Arc<Provider>,
    pub texts: Arc<TextReady>,
    pub requeue_pause: Duration,
}

/// A database failure while working on a job: transient, the job goes back to the queue.
/// The cause goes to the log; the person reads that the database could not be reached.
fn database(err: impl std::fmt::Display) -> ProviderError {
    tracing::warn!(error = %err, "database error while working on a job");
    ProviderError::Transient {
        reason: "the database did not answer".into(),
        retry_after: None,
        usage: Usage::default(),
    }
}

impl Worker {
    #[tracing::instrument(skip_all, fields(job_id = tracing::field::Empty, delivery = msg.delivery_count))]
    pub async fn handle(self: Arc<Self>, msg: Incoming) -> Outcome {
        let Ok(JobMessage { job_id }) = serde_json::from_slice(&msg.body) else {
            tracing::error!("an AI job message without a job id; dead-lettering it");
            return Outcome::DeadLetter;
        };
        tracing::Span::current().record("job_id", tracing::field::display(job_id));
        let started = self.store.write(move |c| Job::start(c, job_id).map_err(DbError::from)).await;
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
        let end =
            |status, result, error, usage| Settlement { status, result, error, provider, model: model.clone(), usage };
        let settled = match outcome {
            Ok(Answered { result, usage }) => {
                self.settle(&job, end(JobStatus::Succeeded, Some(result), None, usage), msg.correlation_id).await
            }
            Err(ProviderError::Permanent { message, usage }) => {
                self.settle(&job, end(JobStatus::Failed, None, Some(message), usage), msg.correlation_id).await
            }
            Err(ProviderError::Transient { reason, usage, .. }) if last_attempt => {
                let message = format!(
                    "The assistant gave up after {} attempts: {reason}. Try again later.",
                    job.attempts.max(MAX_ATTEMPTS)
                );
                return match self
                    .settle(&job, end(JobStatus::Failed, None, Some(message), usage), msg.correlation_id)
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
                let _ = self.store.write(move |c| Job::requeue(c, id, &message, usage).map_err(DbError::from)).await;
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
    async fn settle(&self, job: &Job, end: Settlement, correlation: Option<String>) -> Result<(), ()> {
        let (job, status) = (job.clone(), end.status);
        match self.store.write(move |c| job.settle(c, &end, correlation).map_err(DbError::from)).await {
            Ok(true) => {
                tracing::info!(status = %status, "job settled");
                Ok(())
            }
            Ok(false) => {
                tracing::info!("another delivery settled this job first; keeping its result");
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
        match input {
            JobInput::DraftProcedure { file_ids, prompt, language } => {
                let names = self.wait_for_text(&file_ids).await?;
                let ids = file_ids.clone();
                let documents = self
                    .store
                    .read(move |c| documents::text(c, &ids, DRAFT_TEXT_LIMIT).map_err(DbError::from))
                    .await
                    .map_err(database)?;
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
                let passages = self
                    .store
                    .read(move |c| documents::passages(c, &file_ids, &q, 8).map_err(DbError::from))
                    .await
                    .map_err(database)?;
                self.provider.answer(&Task::Ask { question: &question, passages: &passages }).await
            }
        }
    }

    async fn revision(&self, procedure_id: Uuid, number: i32) -> Result<RevisionText, ProviderError> {
        self.store
            .read(move |c| RevisionText::find(c, procedure_id, number).map_err(DbError::from))
            .await
            .map_err(database)?
            .ok_or_else(|| ProviderError::permanent("This revision no longer exists."))
    }

    /// The documents' names once their text is extracted (or known to be absent).
    async fn wait_for_text(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, ProviderError> {
        match self.texts.wait(&self.store, ids, TEXT_WAIT).await {
            Ok(documents) => Ok(documents.into_iter().map(|d| (d.id, d.name)).collect()),
            Err(WaitError::StillPending) => Err(ProviderError::Transient {
                reason: "the documents' text is still being extracted".into(),
                retry_after: None,
                usage: Usage::default(),
            }),
            Err(WaitError::Db(err)) => Err(database(err)),
        }
    }
}

/// Marks failed the jobs whose worker died on their last attempt (the broker dead-lettered
/// the message, so nobody will settle them), every minute, until `shutdown`.
pub async fn sweep_abandoned(store: Store, stale_after: Duration, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
        let stale_before =
            chrono::Utc::now() - chrono::TimeDelta::from_std(stale_after).unwrap_or(chrono::TimeDelta::MAX);
        let swept =
            store.write(move |c| Job::fail_abandoned(c, MAX_ATTEMPTS, stale_before).map_err(DbError::from)).await;
        match swept {
            Ok(n) if n > 0 => tracing::warn!(jobs = n, "marked abandoned jobs failed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "cannot sweep abandoned jobs"),
        }
    }
}
