//! The job consumer: takes a job from the queue, runs it with the provider while renewing its
//! lease, commits the result (and `ai.job.finished`) and only then acks. Transient failures go
//! back to the queue until the last attempt, after which the job is failed and dead-lettered; a
//! settled job that comes back is acked and skipped, so each job has exactly one result. Also
//! here: the dead-letter consumer and the sweep of expired leases (how the three fit together
//! is told in [`crate::jobs`]).

use std::{panic::AssertUnwindSafe, sync::Arc, time::Duration};

use futures_util::FutureExt;
use gamme_backoff::Backoff;
use gamme_bus::{Death, Incoming, Outcome};
use gamme_db::{documents, revision_texts::RevisionText, DbError};
use gamme_service_kit::Store;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    jobs::{interrupted_too_often, Job, JobInput, JobStatus, Settlement},
    provider::{Answered, Assistant, Provider, ProviderError, Task, Usage},
    texts::{TextReady, WaitError},
};

/// The queue and its message belong to the job; the worker names them as it always has.
pub use crate::jobs::{JobMessage, JOBS};

/// A job is delivered at most this many times before it is dead-lettered.
const MAX_ATTEMPTS: i32 = JOBS.max_attempts;

/// Up to this much document text goes into a draft.
const DRAFT_TEXT_LIMIT: usize = 60_000;
/// How long a draft waits for the files service to finish extracting a document's text.
const TEXT_WAIT: Duration = Duration::from_secs(60);

pub struct Worker {
    pub store: Store,
    pub provider: Arc<Provider>,
    pub texts: Arc<TextReady>,
    pub requeue_pause: Duration,
    /// How long a running job is held without renewal (`GAMME_AI_LEASE_SECS`); renewed every
    /// third of it.
    pub lease: Duration,
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
        let Ok(JobMessage { job_id, resent_after }) = serde_json::from_slice(&msg.body) else {
            tracing::error!("an AI job message without a job id; dead-lettering it");
            return Outcome::DeadLetter;
        };
        tracing::Span::current().record("job_id", tracing::field::display(job_id));
        // The broker's count, never one of our own: the two cannot drift apart. A message sent
        // again counts on from the deliveries of the one it replaced.
        let delivery = i32::try_from(msg.delivery_count).unwrap_or(i32::MAX - 1) + 1;
        let attempt = resent_after.unwrap_or(0).saturating_add(delivery);
        let lease = self.lease;
        let started = self
            .store
            .write(move |c| {
                let started = if resent_after.is_some() {
                    Job::start_waiting(c, job_id, attempt, lease)
                } else {
                    Job::start(c, job_id, attempt, lease)
                };
                started.map_err(DbError::from)
            })
            .await;
        let job = match started {
            Ok(Some(job)) => job,
            Ok(None) => {
                tracing::info!(
                    resent = resent_after.is_some(),
                    "job already settled, taken, or unknown: skipping the delivery"
                );
                return Outcome::Ack;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot start the job; it goes back to the queue");
                tokio::time::sleep(Duration::from_secs(1)).await;
                return Outcome::Requeue;
            }
        };
        let last_attempt = attempt >= MAX_ATTEMPTS;
        let outcome = tokio::select! {
            outcome = AssertUnwindSafe(self.execute(&job)).catch_unwind() => outcome.unwrap_or_else(|_| {
                tracing::error!("the job's handler panicked");
                Err(ProviderError::Transient {
                    reason: "an internal error".into(),
                    retry_after: None,
                    usage: Usage::default(),
                })
            }),
            status = self.hold_lease(job.id) => {
                tracing::info!(?status, "the job was settled elsewhere; leaving it");
                return Outcome::Ack;
            }
        };
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
                let message = format!("The assistant gave up after {attempt} attempts: {reason}. Try again later.");
                return match self
                    .settle(&job, end(JobStatus::Failed, None, Some(message), usage), msg.correlation_id)
                    .await
                {
                    Ok(true) => Outcome::DeadLetter,
                    // Another delivery settled it: its result stands, nothing to dead-letter.
                    Ok(false) => Outcome::Ack,
                    Err(()) => Outcome::Requeue,
                };
            }
            Err(ProviderError::Transient { reason, usage, .. }) => {
                tracing::info!(%reason, attempt, "transient failure; the job goes back to the queue");
                let message = format!("Waiting to try again: {reason}.");
                let id = job.id;
                let _ = self.store.write(move |c| Job::requeue(c, id, &message, usage).map_err(DbError::from)).await;
                let pause = Backoff::exponential(self.requeue_pause, Duration::from_secs(30))
                    .nth(u32::try_from(attempt).unwrap_or(1));
                tokio::time::sleep(pause).await;
                return Outcome::Requeue;
            }
        };
        match settled {
            Ok(_) => Outcome::Ack,
            Err(()) => Outcome::Requeue,
        }
    }

    /// Renews the job's lease every third of it for as long as it is awaited; returns only when
    /// the job was settled by someone else (another delivery of it, or the dead-letter consumer),
    /// with its status, or `None` when it is gone. A renewal that fails is not fatal: the job
    /// goes on, and if the lease runs out the sweep takes the job back.
    async fn hold_lease(&self, id: Uuid) -> Option<JobStatus> {
        let lease = self.lease;
        loop {
            tokio::time::sleep(lease / 3).await;
            match self.store.write(move |c| Job::renew(c, id, lease).map_err(DbError::from)).await {
                Ok(Some(JobStatus::Running | JobStatus::Queued)) => {}
                Ok(settled) => return settled,
                Err(err) => tracing::warn!(error = %err, "cannot renew the job's lease"),
            }
        }
    }

    /// Commits the job's end and its event together: true when this delivery settled it.
    async fn settle(&self, job: &Job, end: Settlement, correlation: Option<String>) -> Result<bool, ()> {
        let (job, status) = (job.clone(), end.status);
        match self.store.write(move |c| job.settle(c, &end, correlation).map_err(DbError::from)).await {
            Ok(true) => {
                tracing::info!(status = %status, "job settled");
                Ok(true)
            }
            Ok(false) => {
                tracing::info!("another delivery settled this job first; keeping its result");
                Ok(false)
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

/// A dead letter of the job queue: its job is failed at once if nothing settled it, with a
/// sentence for the person that says why, and the dead letter is acked either way (a job that
/// had in fact succeeded keeps its one result and its one event). Only a database that does
/// not answer keeps the dead letter, for a later try.
#[tracing::instrument(skip_all, fields(job_id = tracing::field::Empty, reason = ?msg.death))]
pub async fn handle_dead_letter(store: Store, msg: Incoming) -> Outcome {
    let Ok(JobMessage { job_id, .. }) = serde_json::from_slice(&msg.body) else {
        tracing::error!(message_id = ?msg.message_id, "a dead letter without a job id; dropping it");
        return Outcome::Ack;
    };
    tracing::Span::current().record("job_id", tracing::field::display(job_id));
    let (error, attempts) = match msg.death {
        // Every delivery the broker allows was made and none was acked: its workers stopped.
        Some(Death::DeliveryLimit) => (interrupted_too_often(MAX_ATTEMPTS), Some(MAX_ATTEMPTS)),
        _ => (
            "The assistant could not finish this job. Ask again; if it keeps happening, tell your administrator."
                .to_owned(),
            None,
        ),
    };
    let correlation = msg.correlation_id;
    let failed = store
        .write(move |c| Job::fail_dead_lettered(c, job_id, &error, attempts, correlation).map_err(DbError::from))
        .await;
    match failed {
        Ok(true) => {
            tracing::warn!("the job's message was dead-lettered: the job is failed");
            Outcome::Ack
        }
        Ok(false) => {
            tracing::info!("a dead letter for a settled (or unknown) job: dropped");
            Outcome::Ack
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot fail the dead-lettered job; the dead letter is kept");
            tokio::time::sleep(Duration::from_secs(1)).await;
            Outcome::Requeue
        }
    }
}

/// Every `every`, until `shutdown`: takes back the running jobs whose lease ran out
/// ([`Job::take_back_expired`]) and sends again the message of jobs that waited `resend_after`
/// in the queue ([`Job::resend_stale`]). Every replica runs it; each job is moved by one of them.
pub async fn sweep(store: Store, every: Duration, resend_after: Duration, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        match store.write(|c| Job::take_back_expired(c, MAX_ATTEMPTS).map_err(DbError::from)).await {
            Ok(taken) if taken.requeued + taken.failed > 0 => {
                tracing::warn!(requeued = taken.requeued, failed = taken.failed, "took back jobs whose lease ran out");
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "cannot take back jobs whose lease ran out"),
        }
        match store.write(move |c| Job::resend_stale(c, resend_after).map_err(DbError::from)).await {
            Ok(0) => {}
            Ok(resent) => tracing::warn!(resent, "sent again the messages of jobs that waited too long in the queue"),
            Err(err) => tracing::warn!(error = %err, "cannot send again the messages of waiting jobs"),
        }
    }
}
