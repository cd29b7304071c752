//! `/api/procedures`: search, create, read, link assets, archive, export and import.

use gamme_service_kit::Json;
use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::{Problem, Store};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    exchange::{self, ExportQuery, ProcedureDocument},
    library::{self, CreateProcedure, ProcedureSummary, ProcedureView},
    procedures::{Procedure, UpdateProcedure},
    search::SearchParams,
    views::{ReaderViews, Rendered},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("", web::post().to(create))
        .route("/import", web::post().to(import))
        .route("/{id}", web::get().to(get))
        .route("/{id}", web::patch().to(update))
        .route("/{id}/archive", web::post().to(archive))
        .route("/{id}/export", web::get().to(export));
}

#[derive(Serialize, ToSchema)]
pub struct ProcedurePage {
    pub items: Vec<ProcedureSummary>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Search and list procedures.
#[utoipa::path(operation_id = "procedures_list", get, path = "/api/procedures", tag = "procedures", params(SearchParams), security(("bearer" = [])),
    responses((status = 200, body = ProcedurePage), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, description = "`not_found`: the `asset` filter names no asset", body = Problem)))]
pub async fn list(
    user: AuthUser,
    store: web::Data<Store>,
    query: web::Query<SearchParams>,
) -> Result<HttpResponse, Problem> {
    let params = query.into_inner();
    let page = store.read(move |c| library::search(c, &params, &user)).await?;
    Ok(HttpResponse::Ok().json(ProcedurePage { items: page.items, next_cursor: page.next_cursor }))
}

/// Create a procedure and its first draft (editors and admins).
#[utoipa::path(operation_id = "procedures_create", post, path = "/api/procedures", tag = "procedures", request_body = CreateProcedure, security(("bearer" = [])),
    responses((status = 201, body = ProcedureView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`code_taken`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    store: web::Data<Store>,
    body: Json<CreateProcedure>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let input = body.into_inner();
    let view = store
        .write(move |c| {
            let procedure = library::create_from(c, &user, input)?;
            library::view(c, &procedure, &user)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A procedure with the revision the reader sees: the published one (editors: the newest when
/// nothing is published). The answer has a strong `ETag`; sending it back as `If-None-Match`
/// answers 304 while the procedure is unchanged.
#[utoipa::path(operation_id = "procedures_get", get, path = "/api/procedures/{id}",
    params(("id" = Uuid, Path,), ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the view the client holds")),
    tag = "procedures", security(("bearer" = [])),
    responses((status = 200, body = ProcedureView, headers(("ETag" = String))),
        (status = 304, description = "The view the client holds (`If-None-Match`) is current", headers(("ETag" = String))),
        (status = 404, body = Problem)))]
pub async fn get(
    req: HttpRequest,
    user: AuthUser,
    store: web::Data<Store>,
    views: web::Data<ReaderViews>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    let (id, editor) = (id.into_inner(), user.is(Roles::EDITORS));
    let render = || async move {
        let view = store
            .read(move |c| {
                let procedure = Procedure::visible_to(c, id, &user)?;
                library::view(c, &procedure, &user)
            })
            .await?;
        Rendered::json(&view)
    };
    // Readers all see the same thing; editors see drafts, made afresh.
    let rendered = if editor { Arc::new(render().await?) } else { views.get(id, render).await? };
    Ok(rendered.respond(&req))
}

/// Link the procedure to assets (editors and admins).
#[utoipa::path(operation_id = "procedures_update", patch, path = "/api/procedures/{id}",
    params(("id" = Uuid, Path,)), tag = "procedures", request_body = UpdateProcedure, security(("bearer" = [])),
    responses((status = 200, body = ProcedureView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn update(
    user: AuthUser,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    body: Json<UpdateProcedure>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, change) = (id.into_inner(), body.into_inner());
    let view = store
        .write(move |c| {
            let procedure = Procedure::find_for_update(c, id)?;
            procedure.update(c, &user, &change)?;
            library::view(c, &procedure, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Archive a procedure: it leaves the library and can no longer be run (editors and admins).
#[utoipa::path(operation_id = "procedures_archive", post, path = "/api/procedures/{id}/archive",
    params(("id" = Uuid, Path,)), tag = "procedures", security(("bearer" = [])),
    responses((status = 200, body = ProcedureView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn archive(user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let view = store
        .write(move |c| {
            let mut procedure = Procedure::find_for_update(c, id)?;
            library::archive(c, &user, &mut procedure)?;
            library::view(c, &procedure, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The procedure as a versioned JSON document (the open format), with its attachments' metadata.
#[utoipa::path(operation_id = "procedures_export", get, path = "/api/procedures/{id}/export", tag = "procedures", params(("id" = Uuid, Path,), ExportQuery), security(("bearer" = [])),
    responses((status = 200, body = ProcedureDocument), (status = 404, body = Problem)))]
pub async fn export(
    user: AuthUser,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, Problem> {
    let (id, query) = (id.into_inner(), query.into_inner());
    let doc = store.read(move |c| exchange::export(c, id, &query, &user)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{}\"", doc.file_name())))
        .json(doc))
}

/// Import a document as a new draft: of the procedure with the same code when it has no
/// draft open, else of a new procedure (editors and admins).
#[utoipa::path(operation_id = "procedures_import", post, path = "/api/procedures/import", tag = "procedures", request_body = ProcedureDocument, security(("bearer" = [])),
    responses((status = 201, body = ProcedureView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn import(
    user: AuthUser,
    store: web::Data<Store>,
    body: Json<ProcedureDocument>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let doc = body.into_inner();
    let view = store
        .write(move |c| {
            let procedure = exchange::import(c, &user, &doc)?;
            library::view(c, &procedure, &user)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
