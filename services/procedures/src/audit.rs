//! The audit log: every change to assets, procedures, revisions and runs, appended with who,
//! what, when, before and after. Entries form one hash chain (each hash covers the entry and
//! the previous hash), so an edited or deleted row is found by `verify`.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use gamme_db::{
    locks,
    paging::{PageSize, Pager},
    schema::audit_events,
};
use ring::digest;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;

/// The `prev_hash` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

gamme_db::text_enum! {
    /// What an entry is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AuditEntity {
        Asset,
        Procedure,
        Revision,
        Run,
    }
}

/// A thing the audit log records changes of.
pub trait Audited {
    fn entity(&self) -> AuditEntity;
    fn id(&self) -> Uuid;
    /// The procedure whose trail shows the entry.
    fn procedure_id(&self) -> Option<Uuid>;
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    /// e.g. `revision.approved`, `run.step_recorded`.
    pub action: String,
    pub entity_type: AuditEntity,
    pub entity_id: Uuid,
    pub procedure_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–500, 100 by default.
    pub limit: Option<i64>,
}

/// Oldest first, by sequence number.
const AUDIT_PAGE: PageSize = PageSize::new(100, 500);

impl AuditQuery {
    pub fn pager(&self) -> Result<Pager<i64>> {
        Ok(Pager::new(AUDIT_PAGE, self.limit, self.cursor.as_deref())?)
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// The display names of the items' actors, by user id.
    pub actor_names: HashMap<Uuid, String>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
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

    /// Appends that `actor_id` did `action` to `subject` to the chain, inside the caller's
    /// transaction.
    pub fn record(
        conn: &mut PgConnection,
        actor_id: Uuid,
        action: &str,
        subject: &impl Audited,
        before: Option<Value>,
        after: Option<Value>,
    ) -> QueryResult<()> {
        locks::xact(conn, locks::AUDIT_CHAIN)?;
        let prev_hash: Option<String> =
            audit_events::table.select(audit_events::hash).order(audit_events::seq.desc()).first(conn).optional()?;
        let seq: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>("nextval('audit_events_seq_seq')"))
            .get_result(conn)?;
        let mut event = AuditEvent {
            seq,
            // Postgres keeps microseconds: hash what will be read back.
            at: gamme_db::clock::now(),
            actor_id,
            action: action.to_owned(),
            entity_type: subject.entity(),
            entity_id: subject.id(),
            procedure_id: subject.procedure_id(),
            before,
            after,
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
                .filter(audit_events::entity_type.eq(AuditEntity::Revision))
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

    /// A page of the entries about a procedure, its revisions and its runs, oldest first.
    pub fn trail(conn: &mut PgConnection, procedure_id: Uuid, pager: Pager<i64>) -> Result<AuditPage> {
        let rows = audit_events::table
            .filter(audit_events::procedure_id.eq(procedure_id))
            .filter(audit_events::seq.gt(pager.after.unwrap_or(0)))
            .order(audit_events::seq.asc())
            .limit(pager.fetch())
            .select(AuditEvent::as_select())
            .load(conn)?;
        let page = pager.page(rows, |e| e.seq);
        let actors: Vec<Uuid> = page.items.iter().map(|e| e.actor_id).collect();
        let actor_names = gamme_db::users::display_names(conn, &actors)?;
        Ok(AuditPage { items: page.items, actor_names, next_cursor: page.next_cursor })
    }

    /// Walks the whole chain in order; a break is logged as an error for the operator.
    pub fn verify(conn: &mut PgConnection) -> QueryResult<Verification> {
        let report = Self::walk(conn)?;
        if !report.valid {
            tracing::error!(seq = ?report.broken_at_seq, reason = ?report.reason, "the audit chain is broken");
        }
        Ok(report)
    }

    fn walk(conn: &mut PgConnection) -> QueryResult<Verification> {
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
