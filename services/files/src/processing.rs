//! What happens after an upload, off the request path: this service consumes its own
//! `file.uploaded` events, makes the thumbnail of a photo and extracts the text of a PDF or
//! text file, then announces `file.text_extracted` through the outbox. Work is safe to do
//! twice: a redelivered message finds it done.
//!
//! The row is what says work is owed (a status still `pending`), not the message: a message is
//! acked once its results are committed, or once a failure has been handed to a later retry,
//! so a failing file never sits in a prefetch slot while it waits. Retries follow the one
//! backoff, one file at a time; whatever a restart or a long outage loses, the catch-up finds
//! among the rows still pending.

use std::{sync::Arc, time::Duration};

use diesel::prelude::*;
use gamme_backoff::Backoff;
use gamme_bus::{consumer, outbox, Bus, Envelope, Event, EventQueue, Incoming, Outcome};
use gamme_db::schema::file_texts;
use gamme_service_kit::Store;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

use crate::{
    error::FilesError,
    metadata::{StoredFile, TextStatus, ThumbnailStatus},
    storage::{BlobKey, Storage},
    text::Extracted,
    thumbnails::Thumbnail,
    worker::{Job, Output, Runner},
};

/// Two files at a time per replica: a big PDF does not hold up a run's photos, and memory
/// stays bounded.
const PREFETCH: u16 = 2;

/// Tries after a failure: 2 s, doubling, at most a minute apart; after the last, the file is
/// the catch-up's.
const RETRIES: u32 = 5;

fn retry_delay(attempt: u32) -> Duration {
    Backoff::exponential(Duration::from_secs(2), Duration::from_secs(60)).nth(attempt)
}

#[derive(Clone)]
pub struct Processor {
    store: Store,
    storage: Arc<dyn Storage>,
    runner: Runner,
    /// Retries run one at a time, beside the consumer's own work.
    retrying: Arc<Semaphore>,
    shutdown: CancellationToken,
}

/// The queue this service consumes its own `file.uploaded` from. Until it exists the broker
/// drops those events; the kit declares it whenever the service connects, before the outbox
/// relay publishes anything.
pub const QUEUE: EventQueue = EventQueue { name: "files.uploaded", event_types: &["file.uploaded"] };

/// Consumes the queue until `shutdown`.
pub async fn run(processor: Processor, bus: Bus, shutdown: CancellationToken) {
    let queue = bus.topology().queue(QUEUE.name);
    consumer::run(bus, queue, PREFETCH, shutdown, move |incoming| {
        let processor = processor.clone();
        async move { processor.handle(incoming).await }
    })
    .await;
}

/// A file still pending this long after its upload lost its message (the broker went away at
/// the wrong moment): it is picked up again.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Every few minutes, processes files whose `file.uploaded` never arrived.
pub async fn catch_up(processor: Processor, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(STALE_AFTER / 2) => {}
        }
        let before = chrono::Utc::now() - chrono::Duration::from_std(STALE_AFTER).unwrap_or_default();
        if let Err(err) = processor.process_stale(before).await {
            tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "catch-up failed");
        }
    }
}

impl Processor {
    pub fn new(store: Store, storage: Arc<dyn Storage>, runner: Runner, shutdown: &CancellationToken) -> Self {
        Self { store, storage, runner, retrying: Arc::new(Semaphore::new(1)), shutdown: shutdown.clone() }
    }

    async fn handle(&self, incoming: Incoming) -> Outcome {
        let envelope = match incoming.envelope() {
            Ok(envelope) => envelope,
            Err(outcome) => return outcome,
        };
        let Event::FileUploaded { file_id, .. } = envelope.event else { return Outcome::Ack };
        let span = tracing::info_span!("process_file", %file_id, correlation_id = ?envelope.correlation_id);
        let correlation_id = envelope.correlation_id;
        let done = self.process(file_id, correlation_id.clone()).instrument(span.clone()).await;
        if let Err(err) = done {
            let error = gamme_service_kit::problem::error_chain(&err);
            span.in_scope(|| tracing::warn!(%error, "processing failed; retrying later"));
            self.retry_later(file_id, correlation_id, span);
        }
        Outcome::Ack
    }

    /// The database or the disk is the trouble: tries `file_id` again after the backoff's
    /// delays, without holding a message. Stops at shutdown (the row is still pending).
    fn retry_later(&self, file_id: Uuid, correlation_id: Option<String>, span: tracing::Span) {
        let this = self.clone();
        tokio::spawn(
            async move {
                for attempt in 1..=RETRIES {
                    tokio::select! {
                        _ = this.shutdown.cancelled() => return,
                        _ = tokio::time::sleep(retry_delay(attempt)) => {}
                    }
                    let Ok(_turn) = this.retrying.acquire().await else { return };
                    match this.process(file_id, correlation_id.clone()).await {
                        Ok(()) => return,
                        Err(err) => {
                            let error = gamme_service_kit::problem::error_chain(&err);
                            tracing::warn!(attempt, %error, "retry failed");
                        }
                    }
                }
                tracing::warn!("processing keeps failing; the catch-up will try again");
            }
            .instrument(span),
        );
    }

    /// Processes files uploaded before `before` that are still pending; returns how many.
    pub async fn process_stale(&self, before: chrono::DateTime<chrono::Utc>) -> Result<usize, FilesError> {
        let ids =
            self.store.read(move |conn| StoredFile::stale_pending(conn, before, 100).map_err(FilesError::from)).await?;
        for id in &ids {
            tracing::info!(file_id = %id, "processing a file whose upload event was lost");
            self.process(*id, None).await?;
        }
        Ok(ids.len())
    }

    /// Makes whatever of the thumbnail and the text is still pending. Safe to run twice.
    pub async fn process(&self, file_id: Uuid, correlation_id: Option<String>) -> Result<(), FilesError> {
        let found =
            self.store.read(move |conn| StoredFile::pending_work(conn, file_id).map_err(FilesError::from)).await?;
        // Deleted before we got to it: nothing to do.
        let Some(file) = found else { return Ok(()) };
        if file.thumbnail_status == ThumbnailStatus::Pending {
            self.thumbnail(&file).await?;
        }
        if file.text_status == TextStatus::Pending {
            self.text(&file, correlation_id).await?;
        }
        Ok(())
    }

    /// Runs `job` on the file's bytes; bytes gone missing are the file's verdict, not a
    /// reason to retry for ever.
    async fn work(&self, job: Job, file: &StoredFile) -> Result<Output, FilesError> {
        let storage = self.storage.clone();
        let key = BlobKey::Original(file.sha256.clone());
        let path = tokio::task::spawn_blocking(move || storage.local_path(&key))
            .await
            .map_err(|e| FilesError::Unexpected(anyhow::anyhow!("storage task failed: {e}")))?;
        let path = match path {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let why = "the stored bytes are missing".to_owned();
                return Ok(match job {
                    Job::Thumbnail => Output::Thumbnail(Thumbnail::Failed(why)),
                    Job::Text => Output::Text(Extracted::Failed(why)),
                });
            }
            Err(e) => return Err(e.into()),
        };
        self.runner
            .run(job, &path, &file.media_type, self.storage.staging_dir())
            .await
            .map_err(|why| FilesError::Unexpected(anyhow::anyhow!(why)))
    }

    async fn thumbnail(&self, file: &StoredFile) -> Result<(), FilesError> {
        let outcome = match self.work(Job::Thumbnail, file).await? {
            Output::Thumbnail(t) => t,
            Output::Text(_) => Thumbnail::Failed("the worker answered for another job".into()),
        };
        if let Thumbnail::Ready(bytes) = &outcome {
            let storage = self.storage.clone();
            let (sha256, bytes) = (file.sha256.clone(), bytes.clone());
            tokio::task::spawn_blocking(move || storage.put_bytes(&BlobKey::Thumbnail(sha256), &bytes))
                .await
                .map_err(|e| FilesError::Unexpected(anyhow::anyhow!("thumbnail task failed: {e}")))??;
        }
        let (status, note) = outcome.verdict();
        if let Some(note) = &note {
            tracing::info!(%status, note, "no thumbnail");
        }
        let id = file.id;
        self.store
            .write(move |conn| StoredFile::set_thumbnail(conn, id, status, note.as_deref()).map_err(FilesError::from))
            .await?;
        Ok(())
    }

    async fn text(&self, file: &StoredFile, correlation_id: Option<String>) -> Result<(), FilesError> {
        let extracted = match self.work(Job::Text, file).await? {
            Output::Text(e) => e,
            Output::Thumbnail(_) => Extracted::Failed("the worker answered for another job".into()),
        };
        let id = file.id;
        self.store
            .write(move |conn| {
                // Locked, and still pending: a redelivered message finds the work done.
                let Some(current) = StoredFile::find_for_update(conn, id)? else { return Ok(()) };
                if current.text_status != TextStatus::Pending {
                    return Ok(());
                }
                diesel::delete(file_texts::table.filter(file_texts::file_id.eq(id))).execute(conn)?;
                let (status, pages, chunks, note) = match &extracted {
                    Extracted::Text { pages, chunks, note } => {
                        for batch in chunks.chunks(500) {
                            let rows: Vec<_> = batch
                                .iter()
                                .map(|c| {
                                    (
                                        file_texts::file_id.eq(id),
                                        file_texts::page.eq(c.page),
                                        file_texts::chunk.eq(c.chunk),
                                        file_texts::body.eq(&c.body),
                                    )
                                })
                                .collect();
                            diesel::insert_into(file_texts::table).values(&rows).execute(conn)?;
                        }
                        (TextStatus::Extracted, Some(*pages), chunks.len(), note.clone())
                    }
                    Extracted::NoTextLayer { pages } => (TextStatus::NoTextLayer, Some(*pages), 0, None),
                    Extracted::NotApplicable => (TextStatus::NotApplicable, None, 0, None),
                    Extracted::Failed(why) => (TextStatus::Failed, None, 0, Some(why.clone())),
                };
                StoredFile::set_text(conn, id, status, pages, note.as_deref())?;
                if status != TextStatus::NotApplicable {
                    let event = Event::FileTextExtracted {
                        file_id: id,
                        status: status.to_string(),
                        pages: pages.unwrap_or(0),
                        chunks: i32::try_from(chunks).unwrap_or(i32::MAX),
                    };
                    outbox::enqueue(conn, &Envelope::new(event, correlation_id))?;
                }
                tracing::info!(%status, pages, chunks, "text extracted");
                Ok::<_, FilesError>(())
            })
            .await
    }
}
