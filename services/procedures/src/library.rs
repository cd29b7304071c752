//! The procedure library: a procedure together with its revisions, as people create, archive,
//! find and read it. (It sits above `procedures.rs` and `revisions.rs`: creating a procedure
//! writes its first revision, and a revision's lifecycle moves its procedure's pointers.)

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::{paging::Page, schema::procedure_assets};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    assets::{Asset, AssetRef},
    audit::AuditEvent,
    error::Result,
    lifecycle::RevisionStatus,
    procedures::Procedure,
    revisions::{Revision, RevisionFields, RevisionSummary, RevisionView},
    search::{self, Hit, SearchParams},
    steps::ContentInput,
    validate,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProcedure {
    /// e.g. `PM-PUMP-001`; unique; stored upper-case.
    pub code: String,
    #[serde(flatten)]
    pub fields: RevisionFields,
    #[serde(default)]
    pub asset_ids: Vec<Uuid>,
    /// The steps of the first draft (may be given later).
    pub content: Option<ContentInput>,
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

/// Creates a procedure (code checked by the caller) with `fields` and `content` as its first
/// draft, linked to `asset_ids`; `action` names it in the audit log (created or imported).
pub fn create(
    conn: &mut PgConnection,
    actor: &AuthUser,
    code: String,
    fields: &RevisionFields,
    asset_ids: &[Uuid],
    content: &ContentInput,
    action: &str,
) -> Result<Procedure> {
    let checked = fields.check()?;
    let mut procedure = Procedure::insert_new(conn, code, actor)?;
    procedure.link_assets(conn, asset_ids)?;
    let draft = Revision::draft(procedure.id, 1, actor.id, checked);
    let draft = Revision::open_draft(conn, &mut procedure, draft, content, None)?;
    let after = json!({ "code": procedure.code, "asset_ids": asset_ids, "revision": draft.view(conn)? });
    AuditEvent::record(conn, actor.id, action, &procedure, None, Some(after))?;
    Ok(procedure)
}

/// `POST /api/procedures`: a new procedure and its first draft.
pub fn create_from(conn: &mut PgConnection, actor: &AuthUser, input: CreateProcedure) -> Result<Procedure> {
    let code = validate::code("code", &input.code)?;
    let content = input.content.unwrap_or_default();
    create(conn, actor, code, &input.fields, &input.asset_ids, &content, "procedure.created")
}

/// Archives a procedure: it leaves the library, can no longer be run, and its open and
/// published revisions are withdrawn. Archiving it again changes nothing.
pub fn archive(conn: &mut PgConnection, actor: &AuthUser, procedure: &mut Procedure) -> Result<()> {
    if procedure.archived_at.is_some() {
        return Ok(());
    }
    let now = gamme_db::clock::now();
    Revision::withdraw_all(conn, procedure.id, actor, now)?;
    procedure.archived_at = Some(now);
    procedure.save(conn)?;
    AuditEvent::record(conn, actor.id, "procedure.archived", procedure, None, Some(json!({ "archived_at": now })))?;
    Ok(())
}

/// The procedure with the revision `user` sees, whole.
pub fn view(conn: &mut PgConnection, procedure: &Procedure, user: &AuthUser) -> Result<ProcedureView> {
    let asset_ids = Procedure::asset_ids(conn, procedure.id)?;
    let assets = Asset::refs(conn, &asset_ids)?;
    let revision = match procedure.shown_revision_id(user) {
        Some(id) => Some(Revision::by_id(conn, id)?.view(conn)?),
        None => None,
    };
    let published_revision_number = match procedure.published_revision_id {
        Some(id) if revision.as_ref().is_some_and(|r| r.id == id) => revision.as_ref().map(|r| r.number),
        Some(id) => Some(Revision::by_id(conn, id)?.number),
        None => None,
    };
    let latest_revision = match (user.is(Roles::EDITORS), procedure.latest_revision_id) {
        (true, Some(id)) => Some(Revision::by_id(conn, id)?.summary()),
        _ => None,
    };
    Ok(ProcedureView {
        id: procedure.id,
        code: procedure.code.clone(),
        archived: procedure.archived_at.is_some(),
        created_at: procedure.created_at,
        updated_at: procedure.updated_at,
        assets,
        published_revision_number,
        latest_revision,
        revision,
    })
}

/// A page of search hits as cards: readers find published procedures, editors the newest
/// revision of every procedure.
pub fn search(conn: &mut PgConnection, params: &SearchParams, user: &AuthUser) -> Result<Page<ProcedureSummary>> {
    let page = search::search(conn, params, user.is(Roles::EDITORS))?;
    Ok(Page { items: cards(conn, &page.items)?, next_cursor: page.next_cursor })
}

/// The procedures linked to an asset or to anything under it (the first hundred).
pub fn for_asset(conn: &mut PgConnection, asset_id: Uuid, user: &AuthUser) -> Result<Vec<ProcedureSummary>> {
    let params = SearchParams {
        q: None,
        asset: Some(asset_id),
        tag: None,
        status: None,
        archived: false,
        cursor: None,
        limit: Some(100),
    };
    Ok(search(conn, &params, user)?.items)
}

/// Cards for search hits, in the same order.
fn cards(conn: &mut PgConnection, hits: &[Hit]) -> Result<Vec<ProcedureSummary>> {
    let ids: Vec<Uuid> = hits.iter().map(|h| h.revision_id).collect();
    let revisions = Revision::by_ids(conn, &ids)?;
    // Two queries for all the cards' assets, not two per card.
    let procedure_ids: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
    let links: Vec<(Uuid, Uuid)> = procedure_assets::table
        .filter(procedure_assets::procedure_id.eq_any(&procedure_ids))
        .select((procedure_assets::procedure_id, procedure_assets::asset_id))
        .load(conn)?;
    let asset_ids: Vec<Uuid> = links.iter().map(|(_, a)| *a).collect();
    let refs = Asset::refs(conn, &asset_ids)?;
    let mut out = Vec::with_capacity(hits.len());
    for hit in hits {
        let Some(r) = revisions.iter().find(|r| r.id == hit.revision_id) else { continue };
        let assets = refs.iter().filter(|a| links.iter().any(|(p, id)| *p == hit.id && *id == a.id)).cloned().collect();
        out.push(ProcedureSummary {
            id: hit.id,
            code: hit.code.clone(),
            title: r.title.clone(),
            status: r.status,
            revision_number: r.number,
            language: r.language.clone(),
            tags: r.tags.clone(),
            estimated_minutes: r.estimated_minutes,
            assets,
            has_published: hit.has_published,
            archived: hit.archived,
            updated_at: hit.updated_at,
        });
    }
    Ok(out)
}
