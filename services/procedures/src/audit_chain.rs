//! The audit chain: every entry of the audit log sealed, after it commits, with a MAC under a
//! key only this service holds (`GAMME_AUDIT_KEY`, never in the database). Each seal covers the
//! entry and the seal before it, so an entry changed, removed or put back in another order
//! breaks every seal after it, and whoever can write the tables but lacks the key cannot build
//! seals that verify. The chain's head is also written to a checkpoint file outside the database
//! (`GAMME_AUDIT_CHECKPOINT`), so removing entries from the end is found too.
//!
//! Writers never wait for each other (`AuditEvent::record` holds `AUDIT_CHAIN` shared until it
//! commits). The sealer takes `AUDIT_CHAIN` exclusively for an instant: once it has it, every
//! entry numbered up to the sequence's last value has committed or rolled back, so it seals them
//! in sequence order and never passes one that is still to commit. One replica seals at a time
//! (`AUDIT_SEALER`); sealing is deterministic, so the seals of a restored database come out
//! as they were.

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
    time::Duration,
};

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_query, sql_types::BigInt};
use gamme_db::{
    locks,
    schema::{audit_events, audit_seals},
};
use gamme_service_kit::Store;
use ring::hmac;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;

use crate::{audit::AuditEvent, error::ProcError, hex};

/// The seal before the first entry.
const GENESIS: &str = "";
/// Entries sealed per transaction.
const BATCH: i64 = 1000;
/// How often each replica tries to seal what was written since.
pub const SEAL_EVERY: Duration = Duration::from_millis(500);
/// How long the sealer waits for the writers in flight before it tries again later.
const BARRIER_TIMEOUT: &str = "2s";

/// Named apart from a run's `Verification` (the second person's check): one schema name each.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditVerification)]
pub struct Verification {
    /// True when every sealed entry matches its seal and the chain reaches the checkpoint.
    pub valid: bool,
    /// Sealed entries checked.
    pub entries_checked: i64,
    /// Entries written so recently that they are not sealed yet (not checked).
    pub unsealed: i64,
    /// The entry the latest checkpoint names, when there is one.
    pub checkpoint_seq: Option<i64>,
    /// The first entry that does not match, when the chain is broken.
    pub broken_at_seq: Option<i64>,
    pub reason: Option<String>,
}

/// The chain's head as last written outside the database, with a MAC of its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    seq: i64,
    mac: String,
    at: DateTime<Utc>,
    check: String,
}

pub struct AuditChain {
    key: hmac::Key,
    checkpoint: Option<PathBuf>,
    /// The sequence number of the checkpoint on file, once read or written.
    written: Mutex<Option<i64>>,
}

#[derive(QueryableByName)]
struct Horizon {
    #[diesel(sql_type = BigInt)]
    horizon: i64,
}

impl AuditChain {
    pub fn new(key: &SecretString, checkpoint: Option<PathBuf>) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, key.expose_secret().as_bytes()),
            checkpoint,
            written: Mutex::new(None),
        }
    }

    fn seal_of(&self, prev: &str, event: &AuditEvent) -> String {
        let mut mac = hmac::Context::with_key(&self.key);
        mac.update(prev.as_bytes());
        mac.update(b"\n");
        mac.update(event.digest_input().as_bytes());
        hex(mac.sign().as_ref())
    }

    fn checkpoint_check(&self, seq: i64, mac: &str) -> String {
        hex(hmac::sign(&self.key, format!("gamme audit checkpoint\n{seq}\n{mac}").as_bytes()).as_ref())
    }

    /// Seals every committed entry that is not sealed yet, then writes the checkpoint. Answers
    /// how many entries it sealed; `None` when another replica was sealing.
    pub fn seal(&self, conn: &mut PgConnection) -> QueryResult<Option<usize>> {
        // Nothing numbered since the last seal: no barrier, writers are not held even an instant.
        if last_numbered(conn)? <= head(conn)?.map_or(0, |(seq, _)| seq) {
            self.write_checkpoint(conn);
            return Ok(Some(0));
        }
        let horizon = barrier(conn)?;
        let mut sealed = 0;
        loop {
            let batch = conn.transaction(|c| {
                if !locks::try_xact(c, locks::AUDIT_SEALER)? {
                    return Ok(None);
                }
                let (last, mut prev) = head(c)?.unwrap_or((0, GENESIS.to_owned()));
                let events: Vec<AuditEvent> = audit_events::table
                    .filter(audit_events::seq.gt(last))
                    .filter(audit_events::seq.le(horizon))
                    .order(audit_events::seq.asc())
                    .limit(BATCH)
                    .select(AuditEvent::as_select())
                    .load(c)?;
                let seals: Vec<_> = events
                    .iter()
                    .map(|event| {
                        prev = self.seal_of(&prev, event);
                        (audit_seals::seq.eq(event.seq), audit_seals::mac.eq(prev.clone()))
                    })
                    .collect();
                diesel::insert_into(audit_seals::table).values(&seals).execute(c)?;
                Ok::<_, diesel::result::Error>(Some(seals.len()))
            })?;
            match batch {
                None if sealed == 0 => return Ok(None),
                None | Some(0) => break,
                Some(n) => sealed += n,
            }
        }
        self.write_checkpoint(conn);
        Ok(Some(sealed))
    }

    /// Writes the chain's head to the checkpoint file when it moved on. A checkpoint whose entry
    /// the chain no longer holds is kept, not overwritten: it is the evidence `verify` reports.
    fn write_checkpoint(&self, conn: &mut PgConnection) {
        let Some(path) = &self.checkpoint else { return };
        let mut written = self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let result = (|| -> anyhow::Result<()> {
            let Some((seq, mac)) = head(conn)? else { return Ok(()) };
            if written.is_some_and(|w| w >= seq) {
                return Ok(());
            }
            if let Ok(Some(old)) = self.read_checkpoint(path) {
                if old.seq >= seq {
                    *written = Some(old.seq);
                    return Ok(());
                }
                if seal_at(conn, old.seq)?.as_deref() != Some(old.mac.as_str()) {
                    tracing::error!(
                        checkpoint_seq = old.seq,
                        "the audit chain no longer holds the entry its checkpoint names; the checkpoint is kept"
                    );
                    return Ok(());
                }
            }
            let checkpoint = Checkpoint { seq, check: self.checkpoint_check(seq, &mac), mac, at: Utc::now() };
            let partial = path.with_extension("partial");
            std::fs::write(&partial, serde_json::to_vec_pretty(&checkpoint)?)?;
            std::fs::rename(&partial, path)?;
            *written = Some(seq);
            Ok(())
        })();
        if let Err(err) = result {
            tracing::warn!(path = %path.display(), error = %err, "the audit checkpoint was not written");
        }
    }

    /// The checkpoint on file: `Ok(None)` when there is none yet, `Err` when it cannot be read
    /// or was not written with this key.
    fn read_checkpoint(&self, path: &Path) -> Result<Option<Checkpoint>, String> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(format!("the checkpoint cannot be read: {err}")),
        };
        let checkpoint: Checkpoint =
            serde_json::from_slice(&bytes).map_err(|_| "the checkpoint is not a checkpoint".to_owned())?;
        if checkpoint.check != self.checkpoint_check(checkpoint.seq, &checkpoint.mac) {
            return Err("the checkpoint was not written with this service's key".to_owned());
        }
        Ok(Some(checkpoint))
    }

    /// Seals what was written, then walks the whole chain in order and checks it reaches the
    /// latest checkpoint. A break is logged as an error for the operator.
    pub fn verify(&self, conn: &mut PgConnection) -> QueryResult<Verification> {
        if let Err(err) = self.seal(conn) {
            tracing::warn!(error = %err, "sealing before the audit check failed; recent entries count as unsealed");
        }
        let report = self.walk(conn)?;
        if !report.valid {
            tracing::error!(seq = ?report.broken_at_seq, reason = ?report.reason, "the audit chain is broken");
        }
        Ok(report)
    }

    fn walk(&self, conn: &mut PgConnection) -> QueryResult<Verification> {
        let checkpoint = match self.checkpoint.as_deref().map(|p| self.read_checkpoint(p)).transpose() {
            Ok(checkpoint) => checkpoint.flatten(),
            Err(reason) => {
                return Ok(Verification {
                    valid: false,
                    entries_checked: 0,
                    unsealed: 0,
                    checkpoint_seq: None,
                    broken_at_seq: None,
                    reason: Some(reason),
                })
            }
        };
        let mut report = Verification {
            valid: true,
            entries_checked: 0,
            unsealed: 0,
            checkpoint_seq: checkpoint.as_ref().map(|c| c.seq),
            broken_at_seq: None,
            reason: None,
        };
        let broken = |mut report: Verification, seq: i64, reason: String| {
            report.valid = false;
            report.broken_at_seq = Some(seq);
            report.reason = Some(reason);
            Ok(report)
        };
        let (mut prev, mut last_seq, mut first_unsealed, mut reached_checkpoint) = (GENESIS.to_owned(), 0, None, false);
        loop {
            let batch: Vec<(AuditEvent, Option<String>)> = audit_events::table
                .left_join(audit_seals::table)
                .filter(audit_events::seq.gt(last_seq))
                .order(audit_events::seq.asc())
                .limit(BATCH)
                .select((AuditEvent::as_select(), audit_seals::mac.nullable()))
                .load(conn)?;
            let Some((last, _)) = batch.last() else { break };
            last_seq = last.seq;
            for (event, seal) in &batch {
                let Some(seal) = seal else {
                    first_unsealed.get_or_insert(event.seq);
                    report.unsealed += 1;
                    continue;
                };
                if let Some(unsealed) = first_unsealed {
                    return broken(
                        report,
                        unsealed,
                        "entries after it are sealed but it is not (it was added behind the sealer's back)".into(),
                    );
                }
                if self.seal_of(&prev, event) != *seal {
                    return broken(
                        report,
                        event.seq,
                        "it does not match its seal (it was changed, or an entry before it was removed)".into(),
                    );
                }
                if let Some(c) = checkpoint.as_ref().filter(|c| c.seq == event.seq) {
                    if c.mac != *seal {
                        return broken(report, event.seq, format!("its seal differs from the checkpoint of {}", c.at));
                    }
                    reached_checkpoint = true;
                }
                prev.clone_from(seal);
                report.entries_checked += 1;
            }
        }
        if let Some(c) = checkpoint.filter(|_| !reached_checkpoint) {
            return broken(
                report,
                c.seq,
                format!(
                    "entry {}, which the checkpoint of {} names, is no longer sealed in the chain: entries were removed (or the database was restored from an older backup)",
                    c.seq, c.at
                ),
            );
        }
        Ok(report)
    }
}

/// Waits until no entry is in flight and answers the highest sequence number handed out: every
/// entry up to it has committed or rolled back. Writers wait for the instant it holds the lock.
fn barrier(conn: &mut PgConnection) -> QueryResult<i64> {
    conn.transaction(|c| {
        sql_query(format!("SET LOCAL lock_timeout = '{BARRIER_TIMEOUT}'")).execute(c)?;
        locks::xact(c, locks::AUDIT_CHAIN)?;
        last_numbered(c)
    })
}

/// The highest sequence number handed out to an entry so far (committed or not).
fn last_numbered(conn: &mut PgConnection) -> QueryResult<i64> {
    let got: Horizon =
        sql_query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS horizon FROM audit_events_seq_seq")
            .get_result(conn)?;
    Ok(got.horizon)
}

/// The last seal: its entry's number and MAC.
fn head(conn: &mut PgConnection) -> QueryResult<Option<(i64, String)>> {
    audit_seals::table
        .select((audit_seals::seq, audit_seals::mac))
        .order(audit_seals::seq.desc())
        .first(conn)
        .optional()
}

fn seal_at(conn: &mut PgConnection, seq: i64) -> QueryResult<Option<String>> {
    audit_seals::table.find(seq).select(audit_seals::mac).first(conn).optional()
}

/// Seals every `SEAL_EVERY` until `shutdown`.
pub async fn run(chain: std::sync::Arc<AuditChain>, store: Store, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(SEAL_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        let chain = chain.clone();
        match store.read(move |c| Ok::<_, ProcError>(chain.seal(c)?)).await {
            Ok(Some(n)) if n > 0 => tracing::debug!(sealed = n, "sealed audit entries"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "sealing the audit chain failed; it is tried again"),
        }
    }
}
