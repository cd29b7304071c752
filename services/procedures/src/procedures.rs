//! Procedures: a code that names the job, the assets it applies to, and which of its revisions
//! is published and which is the newest. The revisions themselves are in `revisions.rs`;
//! creating, archiving and showing a procedure with its revisions is in `library.rs`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::schema::{procedure_assets, procedures};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    assets::Asset,
    audit::{AuditEntity, AuditEvent, AuditPage, AuditQuery, Audited},
    error::{ProcError, Result},
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = procedures)]
pub struct Procedure {
    pub id: Uuid,
    pub code: String,
    pub published_revision_id: Option<Uuid>,
    pub latest_revision_id: Option<Uuid>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProcedure {
    /// Replaces the linked assets.
    pub asset_ids: Option<Vec<Uuid>>,
}

impl Audited for Procedure {
    fn entity(&self) -> AuditEntity {
        AuditEntity::Procedure
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn procedure_id(&self) -> Option<Uuid> {
        Some(self.id)
    }
}

impl Procedure {
    /// A new procedure under a code no other procedure has; its revisions come next.
    pub fn insert_new(conn: &mut PgConnection, code: String, actor: &AuthUser) -> Result<Self> {
        if Procedure::by_code(conn, &code)?.is_some() {
            return Err(ProcError::conflict("code_taken", format!("A procedure with the code {code} exists.")));
        }
        let now = gamme_db::clock::now();
        let procedure = Procedure {
            id: Uuid::now_v7(),
            code,
            published_revision_id: None,
            latest_revision_id: None,
            archived_at: None,
            created_by: actor.id,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(procedures::table).values(&procedure).execute(conn)?;
        Ok(procedure)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        procedures::table
            .find(id)
            .select(Procedure::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("procedure"))
    }

    /// Locks the row for the rest of the transaction: changes to a procedure and its revisions
    /// happen one at a time, and always take this lock first.
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        procedures::table
            .find(id)
            .select(Procedure::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("procedure"))
    }

    pub fn by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Self>> {
        procedures::table.filter(procedures::code.eq(code)).select(Procedure::as_select()).first(conn).optional()
    }

    /// Readers (viewers, technicians) see only published, unarchived procedures: for them
    /// anything else does not exist.
    pub fn visible_to(conn: &mut PgConnection, id: Uuid, user: &AuthUser) -> Result<Self> {
        let p = Self::find(conn, id)?;
        if user.is(Roles::EDITORS) || p.is_runnable() {
            Ok(p)
        } else {
            Err(ProcError::NotFound("procedure"))
        }
    }

    /// Published and not archived: technicians may run it.
    pub fn is_runnable(&self) -> bool {
        self.published_revision_id.is_some() && self.archived_at.is_none()
    }

    /// 409 once the procedure is archived: nothing new is written for it.
    pub fn require_active(&self) -> Result<()> {
        match self.archived_at {
            None => Ok(()),
            Some(_) => Err(ProcError::conflict(
                "procedure_archived",
                format!("Procedure {} is archived: it can no longer change.", self.code),
            )),
        }
    }

    /// Writes the revision pointers and the archive mark back, and tells the replicas that
    /// keep the procedure's view.
    pub fn save(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::update(procedures::table.find(self.id))
            .set((
                procedures::published_revision_id.eq(self.published_revision_id),
                procedures::latest_revision_id.eq(self.latest_revision_id),
                procedures::archived_at.eq(self.archived_at),
                procedures::updated_at.eq(gamme_db::clock::now()),
            ))
            .execute(conn)?;
        self.changed(conn)
    }

    /// `procedure.changed`: what readers see of it may differ now.
    fn changed(&self, conn: &mut PgConnection) -> QueryResult<()> {
        outbox::enqueue(conn, &Envelope::new(Event::ProcedureChanged { procedure_id: self.id }, None))
    }

    pub fn asset_ids(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Uuid>> {
        procedure_assets::table
            .filter(procedure_assets::procedure_id.eq(id))
            .select(procedure_assets::asset_id)
            .load(conn)
    }

    /// Replaces the linked assets; every id must be an asset.
    pub fn link_assets(&self, conn: &mut PgConnection, asset_ids: &[Uuid]) -> Result<()> {
        let mut ids = asset_ids.to_vec();
        ids.sort();
        ids.dedup();
        if ids.len() > 200 {
            return Err(ProcError::invalid("A procedure links at most 200 assets."));
        }
        let found = Asset::refs(conn, &ids)?;
        if found.len() != ids.len() {
            let missing: Vec<String> =
                ids.iter().filter(|i| !found.iter().any(|f| f.id == **i)).map(ToString::to_string).collect();
            return Err(ProcError::invalid(format!("These assets do not exist: {}.", missing.join(", "))));
        }
        diesel::delete(procedure_assets::table.filter(procedure_assets::procedure_id.eq(self.id))).execute(conn)?;
        let rows: Vec<_> = ids
            .iter()
            .map(|a| (procedure_assets::procedure_id.eq(self.id), procedure_assets::asset_id.eq(*a)))
            .collect();
        diesel::insert_into(procedure_assets::table).values(&rows).execute(conn)?;
        self.changed(conn)?;
        Ok(())
    }

    /// Applies `change` (the linked assets), recorded in the audit log.
    pub fn update(&self, conn: &mut PgConnection, actor: &AuthUser, change: &UpdateProcedure) -> Result<()> {
        if let Some(asset_ids) = &change.asset_ids {
            let before = Procedure::asset_ids(conn, self.id)?;
            self.link_assets(conn, asset_ids)?;
            let after = Procedure::asset_ids(conn, self.id)?;
            AuditEvent::record(
                conn,
                actor.id,
                "procedure.assets_linked",
                self,
                Some(json!({ "asset_ids": before })),
                Some(json!({ "asset_ids": after })),
            )?;
        }
        Ok(())
    }

    /// The revision this user sees by default.
    pub fn shown_revision_id(&self, user: &AuthUser) -> Option<Uuid> {
        if user.is(Roles::EDITORS) {
            self.published_revision_id.or(self.latest_revision_id)
        } else {
            self.published_revision_id
        }
    }

    /// The audit trail of the procedure, its revisions and its runs.
    pub fn trail(conn: &mut PgConnection, id: Uuid, query: &AuditQuery) -> Result<AuditPage> {
        let pager = query.pager()?;
        Procedure::find(conn, id)?;
        AuditEvent::trail(conn, id, pager)
    }
}
