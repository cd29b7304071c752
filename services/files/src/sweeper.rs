//! The hourly sweep: uploads that never finished, blobs no file row points at any more, and
//! thumbnails of such blobs, once they are a day old. Files users uploaded are never swept,
//! referenced or not: a manual nobody links to yet is kept on purpose.
//!
//! Two advisory locks (`gamme_db::locks`): `FILES_SWEEP` lets a single replica sweep at a time;
//! `FILES_BLOBS` (see `metadata::lock_blobs_exclusive`) keeps uploads from pointing a new row at
//! a blob while it is removed.

use std::{collections::HashSet, sync::Arc, time::SystemTime};

use gamme_db::locks;
use gamme_service_kit::Store;
use tokio_util::sync::CancellationToken;

use crate::{
    error::FilesError,
    metadata::{lock_blobs_exclusive, StoredFile},
    storage::{BlobKey, Storage, ORPHAN_AGE},
};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    /// Another replica was sweeping.
    pub skipped: bool,
    pub staged_files: usize,
    pub blobs: usize,
    pub thumbnails: usize,
}

/// Sweeps what is older than `ORPHAN_AGE` before `now`.
pub async fn sweep(store: &Store, storage: Arc<dyn Storage>, now: SystemTime) -> Result<SweepReport, FilesError> {
    let before = now.checked_sub(ORPHAN_AGE).unwrap_or(SystemTime::UNIX_EPOCH);
    store
        .write(move |conn| {
            if !locks::try_xact(conn, locks::FILES_SWEEP)? {
                return Ok(SweepReport { skipped: true, ..Default::default() });
            }
            lock_blobs_exclusive(conn)?;
            let mut report = SweepReport { staged_files: storage.sweep_staging(before)?, ..Default::default() };
            let keys = storage.list_older_than(before)?;
            let hashes: Vec<String> =
                keys.iter().map(|k| k.sha256().to_owned()).collect::<HashSet<_>>().into_iter().collect();
            let mut in_use = HashSet::new();
            for batch in hashes.chunks(1000) {
                in_use.extend(StoredFile::hashes_in_use(conn, batch)?);
            }
            for key in keys.iter().filter(|k| !in_use.contains(k.sha256())) {
                storage.delete(key)?;
                match key {
                    BlobKey::Original(_) => report.blobs += 1,
                    BlobKey::Thumbnail(_) => report.thumbnails += 1,
                }
            }
            Ok::<_, FilesError>(report)
        })
        .await
}

/// Sweeps every `interval` until `shutdown`.
pub async fn run(store: Store, storage: Arc<dyn Storage>, interval: std::time::Duration, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        match sweep(&store, storage.clone(), SystemTime::now()).await {
            Ok(report) if report.skipped => tracing::debug!("another replica is sweeping"),
            Ok(report) => tracing::info!(
                staged_files = report.staged_files,
                blobs = report.blobs,
                thumbnails = report.thumbnails,
                "swept orphaned files"
            ),
            Err(err) => tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "sweep failed"),
        }
    }
}
