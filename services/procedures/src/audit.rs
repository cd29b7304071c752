//! The audit log: every change to assets, procedures, revisions and runs, appended with who,
//! what, when, before and after. `audit_chain` seals each entry into one keyed chain after it
//! commits, so an edited, removed or rebuilt entry is found by its `verify`.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use gamme_db::{
    locks,
    paging::{PageSize, Pager},
    schema::audit_events,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;

gamme_db::text_enum! {
    /// What an entry is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AuditEntity {
        Asset,
        Procedure,
        Revision,
        Run,
        /// An account, administered in auth.
        User,
        /// A file, deleted in files.
        File,
    }
}

/// A thing the audit log records changes of.
pub trait Audited {
    fn entity(&self) -> AuditEntity;
    fn id(&self) -> Uuid;
    /// The procedure whose trail shows the entry.
    fn procedure_id(&self) -> Option<Uuid>;
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
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
}

/// An entry another service sends: who did what to one of its things.
#[derive(Debug)]
pub struct Reported {
    pub actor_id: Uuid,
    pub action: String,
    pub entity_type: AuditEntity,
    pub entity_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–500, 100 by default.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// The whole log, narrowed to one kind of thing or one thing (admins).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditLogQuery {
    pub entity_type: Option<AuditEntity>,
    pub entity_id: Option<Uuid>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–500, 100 by default.
    #[param(minimum = 1, maximum = 500)]
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

impl AuditEvent {
    /// What the chain's MAC covers: every field, as canonical JSON (sorted keys).
    pub(crate) fn digest_input(&self) -> String {
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
        })
        .to_string()
    }

    /// Appends that `actor_id` did `action` to `subject` to the log, inside the caller's
    /// transaction. `AUDIT_CHAIN` is held shared until it commits: writers never wait for each
    /// other, and the sealer knows when every entry it may seal has committed.
    pub fn record(
        conn: &mut PgConnection,
        actor_id: Uuid,
        action: &str,
        subject: &impl Audited,
        before: Option<Value>,
        after: Option<Value>,
    ) -> QueryResult<()> {
        locks::xact_shared(conn, locks::AUDIT_CHAIN)?;
        diesel::insert_into(audit_events::table)
            .values((
                // Postgres keeps microseconds: the chain covers what is read back.
                audit_events::at.eq(gamme_db::clock::now()),
                audit_events::actor_id.eq(actor_id),
                audit_events::action.eq(action),
                audit_events::entity_type.eq(subject.entity()),
                audit_events::entity_id.eq(subject.id()),
                audit_events::procedure_id.eq(subject.procedure_id()),
                audit_events::before.eq(before),
                audit_events::after.eq(after),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Enters what another service reported (`audit.entry`, message `message_id`); a message
    /// delivered again is entered once. Answers whether it was new.
    pub fn record_reported(conn: &mut PgConnection, message_id: Uuid, entry: Reported) -> QueryResult<bool> {
        locks::xact_shared(conn, locks::AUDIT_CHAIN)?;
        let inserted = diesel::insert_into(audit_events::table)
            .values((
                audit_events::at.eq(gamme_db::clock::now()),
                audit_events::actor_id.eq(entry.actor_id),
                audit_events::action.eq(entry.action),
                audit_events::entity_type.eq(entry.entity_type),
                audit_events::entity_id.eq(entry.entity_id),
                audit_events::before.eq(entry.before),
                audit_events::after.eq(entry.after),
                audit_events::message_id.eq(message_id),
            ))
            .on_conflict(audit_events::message_id)
            .do_nothing()
            .execute(conn)?;
        Ok(inserted == 1)
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
        Self::named_page(conn, pager, rows)
    }

    /// A page of the whole log, oldest first: user administration and file deletions too.
    pub fn log(conn: &mut PgConnection, query: &AuditLogQuery) -> Result<AuditPage> {
        let pager = Pager::new(AUDIT_PAGE, query.limit, query.cursor.as_deref())?;
        let mut rows = audit_events::table
            .filter(audit_events::seq.gt(pager.after.unwrap_or(0)))
            .order(audit_events::seq.asc())
            .limit(pager.fetch())
            .select(AuditEvent::as_select())
            .into_boxed();
        if let Some(entity) = query.entity_type {
            rows = rows.filter(audit_events::entity_type.eq(entity));
        }
        if let Some(id) = query.entity_id {
            rows = rows.filter(audit_events::entity_id.eq(id));
        }
        let rows = rows.load(conn)?;
        Self::named_page(conn, pager, rows)
    }

    fn named_page(conn: &mut PgConnection, pager: Pager<i64>, rows: Vec<AuditEvent>) -> Result<AuditPage> {
        let page = pager.page(rows, |e| e.seq);
        let actors: Vec<Uuid> = page.items.iter().map(|e| e.actor_id).collect();
        let actor_names = gamme_db::users::display_names(conn, &actors)?;
        Ok(AuditPage { items: page.items, actor_names, next_cursor: page.next_cursor })
    }
}
