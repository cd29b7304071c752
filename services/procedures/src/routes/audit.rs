//! `/api/procedures/…/audit`: the audit trail of a procedure, and the check of the whole chain.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::{Problem, Store};
use uuid::Uuid;

use crate::{
    audit::{AuditEvent, AuditLogQuery, AuditPage, AuditQuery},
    audit_chain::{AuditChain, Verification},
    error::ProcError,
    procedures::Procedure,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(log))
        .route("/audit/verify", web::get().to(verify))
        .route("/{id}/audit", web::get().to(trail));
}

/// The whole audit log, oldest first, optionally of one kind of thing or one thing: also user
/// administration (auth) and file deletions (files), which concern no procedure (admins).
#[utoipa::path(operation_id = "procedures_audit_log", get, path = "/api/procedures/audit", tag = "audit", params(AuditLogQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn log(
    user: AuthUser,
    store: web::Data<Store>,
    query: web::Query<AuditLogQuery>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let query = query.into_inner();
    let page = store.read(move |c| AuditEvent::log(c, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The audit trail of a procedure, its revisions and its runs, oldest first (editors and admins).
#[utoipa::path(operation_id = "procedures_audit", get, path = "/api/procedures/{id}/audit", tag = "audit", params(("id" = Uuid, Path,), AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn trail(
    user: AuthUser,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, query) = (id.into_inner(), query.into_inner());
    let page = store.read(move |c| Procedure::trail(c, id, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Seals what was just written, then checks the whole audit chain against its seals and its
/// latest checkpoint; reports the first entry that was changed or removed (admins and editors).
#[utoipa::path(operation_id = "procedures_verify_audit", get, path = "/api/procedures/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = Verification), (status = 403, body = Problem)))]
pub async fn verify(
    user: AuthUser,
    store: web::Data<Store>,
    chain: web::Data<AuditChain>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let report = store.read(move |c| Ok::<_, ProcError>(chain.verify(c)?)).await?;
    Ok(HttpResponse::Ok().json(report))
}
