//! The audit log: every change to assets, procedures, revisions and runs, appended with who,
//! what, when, before and after. Entries form one hash chain (each hash covers the entry and
//! the previous hash), so an edited or deleted row is found by `verify`.

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use gamme_db::{locks, schema::audit_events};
use ring::digest;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

/// The `prev_hash` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    /// e.g. `revision.approved`, `run.step_recorded`.
    pub action: String,
    /// `asset`, `procedure`, `revision` or `run`.
    pub entity_type: String,
    pub entity_id: Uuid,
    pub procedure_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub prev_hash: String,
    pub hash: String,
}

/// What a change is, before it is chained.
pub struct Change<'a> {
    pub actor_id: Uuid,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    pub procedure_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// True when every entry matches its hash and links to the one before.
    pub valid: bool,
    pub entries_checked: i64,
    /// The first entry that does not match, when the chain is broken.
    pub broken_at_seq: Option<i64>,
    pub reason: Option<String>,
}

impl AuditEvent {
    /// The text the hash covers: every field but the hash, as canonical JSON (sorted keys).
    fn digest_input(&self) -> String {
        json!({
            "seq": self.seq,
            "at": self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            "actor_id": self.actor_id,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "procedure_id": self.procedure_id,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        })
        .to_string()
    }

    fn compute_hash(&self) -> String {
        hex(digest::digest(&digest::SHA256, self.digest_input().as_bytes()).as_ref())
    }

    /// Appends `change` to the chain, inside the caller's transaction.
    pub fn record(conn: &mut PgConnection, change: Change<'_>) -> QueryResult<()> {
        locks::xact(conn, locks::AUDIT_CHAIN)?;
        let prev_hash: Option<String> =
            audit_events::table.select(audit_events::hash).order(audit_events::seq.desc()).first(conn).optional()?;
        let seq: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>("nextval('audit_events_seq_seq')"))
            .get_result(conn)?;
        // Postgres keeps microseconds: hash what will be read back.
        let at = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap_or_else(Utc::now);
        let mut event = AuditEvent {
            seq,
            at,
            actor_id: change.actor_id,
            action: change.action.to_owned(),
            entity_type: change.entity_type.to_owned(),
            entity_id: change.entity_id,
            procedure_id: change.procedure_id,
            before: change.before,
            after: change.after,
            prev_hash: prev_hash.unwrap_or_else(|| GENESIS.to_owned()),
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        diesel::insert_into(audit_events::table).values(&event).execute(conn)?;
        Ok(())
    }

    /// Whether `user_id` wrote any of this revision (created, edited or imported it): the
    /// four-eyes rule keeps them from approving it.
    pub fn edited_by(conn: &mut PgConnection, revision_id: Uuid, user_id: Uuid) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            audit_events::table
                .filter(audit_events::entity_type.eq("revision"))
                .filter(audit_events::entity_id.eq(revision_id))
                .filter(audit_events::actor_id.eq(user_id))
                .filter(audit_events::action.eq_any([
                    "revision.created",
                    "revision.updated",
                    "revision.content_replaced",
                    "revision.imported",
                ])),
        ))
        .get_result(conn)
    }

    pub fn for_procedure(
        conn: &mut PgConnection,
        procedure_id: Uuid,
        after_seq: i64,
        limit: i64,
    ) -> QueryResult<Vec<Self>> {
        audit_events::table
            .filter(audit_events::procedure_id.eq(procedure_id))
            .filter(audit_events::seq.gt(after_seq))
            .order(audit_events::seq.asc())
            .limit(limit)
            .select(AuditEvent::as_select())
            .load(conn)
    }

    /// Walks the whole chain in order.
    pub fn verify(conn: &mut PgConnection) -> QueryResult<Verification> {
        const BATCH: i64 = 1000;
        let mut expected_prev = GENESIS.to_owned();
        let mut last_seq = 0;
        let mut checked = 0;
        loop {
            let batch: Vec<AuditEvent> = audit_events::table
                .filter(audit_events::seq.gt(last_seq))
                .order(audit_events::seq.asc())
                .limit(BATCH)
                .select(AuditEvent::as_select())
                .load(conn)?;
            let Some(last) = batch.last() else { break };
            last_seq = last.seq;
            for event in &batch {
                let broken = |reason: &str| Verification {
                    valid: false,
                    entries_checked: checked,
                    broken_at_seq: Some(event.seq),
                    reason: Some(reason.to_owned()),
                };
                if event.prev_hash != expected_prev {
                    return Ok(broken("does not follow the entry before it (an entry was removed or reordered)"));
                }
                if event.compute_hash() != event.hash {
                    return Ok(broken("its content does not match its hash (the entry was changed)"));
                }
                expected_prev.clone_from(&event.hash);
                checked += 1;
            }
        }
        Ok(Verification { valid: true, entries_checked: checked, broken_at_seq: None, reason: None })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
