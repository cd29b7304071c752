//! The content of the revisions runs follow, kept in memory for the technician's hot path
//! (`PUT /api/runs/{id}/steps/{step_id}`), which otherwise reads a revision's sections, steps and
//! attachments on every entry. A run starts only on a published revision and a published
//! revision never changes (a change is a new draft), so an entry never goes stale and needs no
//! event to forget it. At most [`CAPACITY`] revisions are kept (a few MiB of 30-step
//! procedures); past that the map starts again empty, which costs one read per revision.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use diesel::{PgConnection, QueryResult};
use uuid::Uuid;

use crate::steps::Content;

pub const CAPACITY: usize = 128;

#[derive(Default)]
pub struct RunContents {
    kept: Mutex<HashMap<Uuid, Arc<Content>>>,
}

impl RunContents {
    /// The content of `revision_id`, a revision some run follows.
    pub fn get(&self, conn: &mut PgConnection, revision_id: Uuid) -> QueryResult<Arc<Content>> {
        if let Some(content) = self.kept.lock().unwrap_or_else(|e| e.into_inner()).get(&revision_id) {
            return Ok(content.clone());
        }
        let content = Arc::new(Content::load(conn, revision_id)?);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= CAPACITY {
            kept.clear();
        }
        kept.insert(revision_id, content.clone());
        Ok(content)
    }
}
