//! Procedures: a code that names the job, the assets it applies to, and its revisions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::schema::{procedure_assets, procedures};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    assets::{Asset, AssetRef},
    error::{ProcError, Result},
    revisions::{Revision, RevisionStatus, RevisionSummary, RevisionView},
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

/// A procedure as a card in a list: its code and the revision the reader sees.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProcedureSummary {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    /// The status of the revision shown: the published one for readers, the newest for editors.
    pub status: RevisionStatus,
    pub revision_number: i32,
    pub language: String,
    pub tags: Vec<String>,
    pub estimated_minutes: Option<i32>,
    pub assets: Vec<AssetRef>,
    pub has_published: bool,
    pub archived: bool,
    pub updated_at: DateTime<Utc>,
}

/// A procedure with the revision the reader sees, whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProcedureView {
    pub id: Uuid,
    pub code: String,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub assets: Vec<AssetRef>,
    pub published_revision_number: Option<i32>,
    /// For editors: the newest revision (a draft or one in review, when there is one).
    pub latest_revision: Option<RevisionSummary>,
    /// The published revision; for editors, the newest when nothing is published yet.
    pub revision: Option<RevisionView>,
}

impl Procedure {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        procedures::table
            .find(id)
            .select(Procedure::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("procedure"))
    }

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
        if user.is(Roles::EDITORS) || (p.published_revision_id.is_some() && p.archived_at.is_none()) {
            Ok(p)
        } else {
            Err(ProcError::NotFound("procedure"))
        }
    }

    /// A revision of this procedure the user may read.
    pub fn revision_visible_to(&self, conn: &mut PgConnection, number: i32, user: &AuthUser) -> Result<Revision> {
        let r = Revision::find(conn, self.id, number)?;
        if user.is(Roles::EDITORS) || r.status().is_public() {
            Ok(r)
        } else {
            Err(ProcError::NotFound("revision"))
        }
    }

    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::insert_into(procedures::table).values(self).execute(conn).map(drop)
    }

    pub fn set_revisions(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::update(procedures::table.find(self.id))
            .set((
                procedures::published_revision_id.eq(self.published_revision_id),
                procedures::latest_revision_id.eq(self.latest_revision_id),
                procedures::archived_at.eq(self.archived_at),
                procedures::updated_at.eq(crate::now()),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn asset_ids(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Uuid>> {
        procedure_assets::table
            .filter(procedure_assets::procedure_id.eq(id))
            .select(procedure_assets::asset_id)
            .load(conn)
    }

    /// Replaces the linked assets; every id must be an unarchived asset.
    pub fn link_assets(conn: &mut PgConnection, id: Uuid, asset_ids: &[Uuid]) -> Result<()> {
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
        diesel::delete(procedure_assets::table.filter(procedure_assets::procedure_id.eq(id))).execute(conn)?;
        let rows: Vec<_> =
            ids.iter().map(|a| (procedure_assets::procedure_id.eq(id), procedure_assets::asset_id.eq(*a))).collect();
        diesel::insert_into(procedure_assets::table).values(&rows).execute(conn)?;
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

    pub fn view(&self, conn: &mut PgConnection, user: &AuthUser) -> Result<ProcedureView> {
        let asset_ids = Self::asset_ids(conn, self.id)?;
        let assets = Asset::refs(conn, &asset_ids)?;
        let revision = match self.shown_revision_id(user) {
            Some(id) => Some(Revision::by_id(conn, id)?.view(conn)?),
            None => None,
        };
        let published_revision_number = match self.published_revision_id {
            Some(id) if revision.as_ref().is_some_and(|r| r.id == id) => revision.as_ref().map(|r| r.number),
            Some(id) => Some(Revision::by_id(conn, id)?.number),
            None => None,
        };
        let latest_revision = match (user.is(Roles::EDITORS), self.latest_revision_id) {
            (true, Some(id)) => Some(Revision::by_id(conn, id)?.summary()),
            _ => None,
        };
        Ok(ProcedureView {
            id: self.id,
            code: self.code.clone(),
            archived: self.archived_at.is_some(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            assets,
            published_revision_number,
            latest_revision,
            revision,
        })
    }
}
