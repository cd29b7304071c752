//! Documents whose text the files service is still extracting. A job that needs one waits for
//! `file.text_extracted` (every replica hears every one, through a listener), not by asking
//! the database again and again; the database stays the truth, read before waiting and once
//! more when the wait runs out, so an event missed while the broker was away costs time only.

use std::{collections::HashSet, time::Duration};

use gamme_bus::{Envelope, Event, Incoming};
use gamme_db::{documents::Document, DbError};
use gamme_service_kit::Store;
use tokio::{sync::broadcast, time::Instant};
use uuid::Uuid;

/// The events a listener hears for [`TextReady::heard`].
pub const EVENTS: &[&str] = &["file.text_extracted"];

/// Why a wait ended without every text.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("the documents' text is still being extracted")]
    StillPending,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The documents whose text became ready, as this process hears of them.
pub struct TextReady {
    ready: broadcast::Sender<Uuid>,
}

impl Default for TextReady {
    fn default() -> Self {
        Self { ready: broadcast::channel(256).0 }
    }
}

impl TextReady {
    /// A heard event: wakes the jobs waiting for that document.
    pub fn heard(&self, incoming: Incoming) {
        if let Ok(Envelope { event: Event::FileTextExtracted { file_id, .. }, .. }) =
            serde_json::from_slice::<Envelope>(&incoming.body)
        {
            // No receiver: nobody waits for a text now.
            let _ = self.ready.send(file_id);
        }
    }

    /// The documents among `ids` (in that order, unknown ones left out) once none is pending,
    /// or [`WaitError::StillPending`] after `patience`.
    pub async fn wait(&self, store: &Store, ids: &[Uuid], patience: Duration) -> Result<Vec<Document>, WaitError> {
        let deadline = Instant::now() + patience;
        // Subscribed before reading, so a text ready just after the read is heard.
        let mut heard = self.ready.subscribe();
        loop {
            let asked = ids.to_vec();
            let documents = store.read(move |c| Document::find_many(c, &asked).map_err(DbError::from)).await?;
            let pending: HashSet<Uuid> = documents.iter().filter(|d| d.is_pending()).map(|d| d.id).collect();
            if pending.is_empty() {
                return Ok(documents);
            }
            if Instant::now() >= deadline {
                return Err(WaitError::StillPending);
            }
            loop {
                tokio::select! {
                    next = heard.recv() => match next {
                        Ok(id) if pending.contains(&id) => break,
                        Ok(_) => continue,
                        // Too many events at once: read again rather than guess.
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => tokio::time::sleep_until(deadline).await,
                    },
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            }
        }
    }
}
