//! `/api/procedures`: search, create, read, link assets, archive, audit, export and import.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::{
    paging::{Page, PageSize, Pager},
    schema::{procedure_assets, revisions as revisions_table, users},
};
use gamme_service_kit::Problem;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    assets::Asset,
    audit::{AuditEvent, Change, Verification},
    error::ProcError,
    exchange::{self, ProcedureDocument},
    procedures::{Procedure, ProcedureSummary},
    revisions::{Revision, RevisionFields, RevisionStatus},
    search::{self, Hit, SearchParams},
    steps::{Content, ContentInput},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("", web::post().to(create))
        .route("/import", web::post().to(import))
        .route("/audit/verify", web::get().to(verify_audit))
        .route("/{id}", web::get().to(get))
        .route("/{id}", web::patch().to(update))
        .route("/{id}/archive", web::post().to(archive))
        .route("/{id}/audit", web::get().to(audit))
        .route("/{id}/export", web::get().to(export));
}

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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProcedure {
    /// Replaces the linked assets.
    pub asset_ids: Option<Vec<Uuid>>,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedurePage {
    pub items: Vec<ProcedureSummary>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
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

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// The display names of the items' actors, by user id.
    pub actor_names: std::collections::HashMap<Uuid, String>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Cards for search hits, in the same order.
pub fn summaries(c: &mut PgConnection, hits: &[Hit]) -> Result<Vec<ProcedureSummary>, ProcError> {
    let ids: Vec<Uuid> = hits.iter().map(|h| h.revision_id).collect();
    let revisions: Vec<Revision> =
        revisions_table::table.filter(revisions_table::id.eq_any(&ids)).select(Revision::as_select()).load(c)?;
    // Two queries for all the cards' assets, not two per card.
    let procedure_ids: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
    let links: Vec<(Uuid, Uuid)> = procedure_assets::table
        .filter(procedure_assets::procedure_id.eq_any(&procedure_ids))
        .select((procedure_assets::procedure_id, procedure_assets::asset_id))
        .load(c)?;
    let asset_ids: Vec<Uuid> = links.iter().map(|(_, a)| *a).collect();
    let refs = Asset::refs(c, &asset_ids)?;
    let mut out = Vec::with_capacity(hits.len());
    for hit in hits {
        let Some(r) = revisions.iter().find(|r| r.id == hit.revision_id) else { continue };
        let assets = refs.iter().filter(|a| links.iter().any(|(p, id)| *p == hit.id && *id == a.id)).cloned().collect();
        out.push(ProcedureSummary {
            id: hit.id,
            code: hit.code.clone(),
            title: r.title.clone(),
            status: r.status(),
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

/// Writes procedure + first draft; shared by create and import.
pub fn create_procedure(
    c: &mut PgConnection,
    user: &AuthUser,
    code: String,
    fields: &RevisionFields,
    asset_ids: &[Uuid],
    content: &ContentInput,
    action: &str,
) -> Result<(Procedure, Revision), ProcError> {
    let checked = fields.check()?;
    if Procedure::by_code(c, &code)?.is_some() {
        return Err(ProcError::conflict("code_taken", format!("A procedure with the code {code} exists.")));
    }
    let now = crate::now();
    let mut procedure = Procedure {
        id: Uuid::now_v7(),
        code,
        published_revision_id: None,
        latest_revision_id: None,
        archived_at: None,
        created_by: user.id,
        created_at: now,
        updated_at: now,
    };
    procedure.insert(c)?;
    let revision = Revision::new_draft(procedure.id, 1, user.id, checked);
    revision.insert(c)?;
    procedure.latest_revision_id = Some(revision.id);
    procedure.set_revisions(c)?;
    Procedure::link_assets(c, procedure.id, asset_ids)?;
    Content::replace(c, revision.id, content, None)?;
    let loaded = Content::load(c, revision.id)?;
    search::index_revision(c, &procedure.code, &revision, &loaded)?;
    let revision_view = revision.view(c)?;
    AuditEvent::record(
        c,
        Change {
            actor_id: user.id,
            action,
            entity_type: "procedure",
            entity_id: procedure.id,
            procedure_id: Some(procedure.id),
            before: None,
            after: Some(json!({ "code": procedure.code, "asset_ids": asset_ids, "revision": revision_view })),
        },
    )?;
    Ok((procedure, revision))
}

/// Search and list procedures.
#[utoipa::path(operation_id = "procedures_list", get, path = "/api/procedures", tag = "procedures", params(SearchParams), security(("bearer" = [])),
    responses((status = 200, body = ProcedurePage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<SearchParams>,
) -> Result<HttpResponse, Problem> {
    let params = query.into_inner();
    let editor = user.is(Roles::EDITORS);
    let page = state
        .read(move |c| {
            let page = search::search(c, &params, editor)?;
            Ok(ProcedurePage { items: summaries(c, &page.items)?, next_cursor: page.next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Create a procedure and its first draft (editors and admins).
#[utoipa::path(operation_id = "procedures_create", post, path = "/api/procedures", tag = "procedures", request_body = CreateProcedure, security(("bearer" = [])),
    responses((status = 201, body = crate::procedures::ProcedureView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`code_taken`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<CreateProcedure>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let b = body.into_inner();
    let code = crate::validate::code("code", &b.code)?;
    let view = state
        .write(move |c| {
            let content = b.content.unwrap_or_default();
            let (procedure, _) =
                create_procedure(c, &user, code, &b.fields, &b.asset_ids, &content, "procedure.created")?;
            procedure.view(c, &user)
        })
        .await?;
    tracing::info!(procedure_id = %view.id, code = %view.code, "procedure created");
    Ok(HttpResponse::Created().json(view))
}

/// A procedure with the revision the reader sees: the published one (editors: the newest when
/// nothing is published).
#[utoipa::path(operation_id = "procedures_get", get, path = "/api/procedures/{id}",
    params(("id" = Uuid, Path,)), tag = "procedures", security(("bearer" = [])),
    responses((status = 200, body = crate::procedures::ProcedureView), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let view = state.read(move |c| Procedure::visible_to(c, id, &user)?.view(c, &user)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Link the procedure to assets (editors and admins).
#[utoipa::path(operation_id = "procedures_update", patch, path = "/api/procedures/{id}",
    params(("id" = Uuid, Path,)), tag = "procedures", request_body = UpdateProcedure, security(("bearer" = [])),
    responses((status = 200, body = crate::procedures::ProcedureView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: web::Json<UpdateProcedure>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let b = body.into_inner();
    let view = state
        .write(move |c| {
            let procedure = Procedure::find_for_update(c, id)?;
            if let Some(asset_ids) = b.asset_ids {
                let before = Procedure::asset_ids(c, id)?;
                Procedure::link_assets(c, id, &asset_ids)?;
                let after = Procedure::asset_ids(c, id)?;
                AuditEvent::record(
                    c,
                    Change {
                        actor_id: user.id,
                        action: "procedure.assets_linked",
                        entity_type: "procedure",
                        entity_id: id,
                        procedure_id: Some(id),
                        before: Some(json!({ "asset_ids": before })),
                        after: Some(json!({ "asset_ids": after })),
                    },
                )?;
            }
            procedure.view(c, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Archive a procedure: it leaves the library and can no longer be run (editors and admins).
#[utoipa::path(operation_id = "procedures_archive", post, path = "/api/procedures/{id}/archive",
    params(("id" = Uuid, Path,)), tag = "procedures", security(("bearer" = [])),
    responses((status = 200, body = crate::procedures::ProcedureView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn archive(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let view = state
        .write(move |c| {
            let mut procedure = Procedure::find_for_update(c, id)?;
            if procedure.archived_at.is_none() {
                let now = crate::now();
                for mut r in Revision::list(c, id)? {
                    if matches!(
                        r.status(),
                        RevisionStatus::Draft | RevisionStatus::InReview | RevisionStatus::Published
                    ) {
                        r.status = RevisionStatus::Archived.as_str().to_owned();
                        r.updated_at = now;
                        r.save(c)?;
                    }
                }
                procedure.archived_at = Some(now);
                procedure.set_revisions(c)?;
                AuditEvent::record(
                    c,
                    Change {
                        actor_id: user.id,
                        action: "procedure.archived",
                        entity_type: "procedure",
                        entity_id: id,
                        procedure_id: Some(id),
                        before: None,
                        after: Some(json!({ "archived_at": now })),
                    },
                )?;
            }
            procedure.view(c, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The audit trail of a procedure, its revisions and its runs, oldest first (editors and admins).
#[utoipa::path(operation_id = "procedures_audit", get, path = "/api/procedures/{id}/audit", tag = "audit", params(("id" = Uuid, Path,), AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn audit(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let pager: Pager<i64> = Pager::new(AUDIT_PAGE, query.limit, query.cursor.as_deref())?;
    let page = state
        .read(move |c| {
            Procedure::find(c, id)?;
            let rows = AuditEvent::for_procedure(c, id, pager.after.unwrap_or(0), pager.fetch())?;
            let Page { items, next_cursor } = pager.page(rows, |e| e.seq);
            let actors: Vec<Uuid> = items.iter().map(|e| e.actor_id).collect();
            let actor_names = users::table
                .filter(users::id.eq_any(actors))
                .select((users::id, users::display_name))
                .load::<(Uuid, String)>(c)?
                .into_iter()
                .collect();
            Ok(AuditPage { items, actor_names, next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Checks the whole audit chain; reports the first entry that was changed or removed (admins
/// and editors).
#[utoipa::path(operation_id = "procedures_verify_audit", get, path = "/api/procedures/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = Verification), (status = 403, body = Problem)))]
pub async fn verify_audit(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let report = state.read(|c| Ok(AuditEvent::verify(c)?)).await?;
    if !report.valid {
        tracing::error!(seq = ?report.broken_at_seq, reason = ?report.reason, "the audit chain is broken");
    }
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// A revision number (editors); the published revision by default.
    pub revision: Option<i32>,
}

/// The procedure as a versioned JSON document (the open format), with its attachments' metadata.
#[utoipa::path(operation_id = "procedures_export", get, path = "/api/procedures/{id}/export", tag = "procedures", params(("id" = Uuid, Path,), ExportQuery), security(("bearer" = [])),
    responses((status = 200, body = ProcedureDocument), (status = 404, body = Problem)))]
pub async fn export(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let number = query.revision;
    let doc = state
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            let revision = match number {
                Some(n) => procedure.revision_visible_to(c, n, &user)?,
                None => {
                    let rid = procedure.shown_revision_id(&user).ok_or(ProcError::NotFound("revision"))?;
                    Revision::by_id(c, rid)?
                }
            };
            exchange::export(c, &procedure, &revision)
        })
        .await?;
    let filename = format!("{}-rev{}.gamme.json", doc.procedure.code, doc.revision.number);
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        .json(doc))
}

/// Import a document as a new draft: of the procedure with the same code when it has no
/// draft open, else of a new procedure (editors and admins).
#[utoipa::path(operation_id = "procedures_import", post, path = "/api/procedures/import", tag = "procedures", request_body = ProcedureDocument, security(("bearer" = [])),
    responses((status = 201, body = crate::procedures::ProcedureView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn import(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<ProcedureDocument>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let doc = body.into_inner();
    doc.check_format()?;
    let view = state.write(move |c| exchange::import(c, &user, &doc)?.view(c, &user)).await?;
    Ok(HttpResponse::Created().json(view))
}
