//! `/api/assets`: the asset tree.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, Store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    assets::{Asset, AssetDetail, CreateAsset, UpdateAsset},
    error::ProcError,
    library::{self, ProcedureSummary},
    runs::{Run, RunFilter, RunSummary},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("", web::post().to(create))
        .route("/{id}", web::get().to(get))
        .route("/{id}", web::patch().to(update))
        .route("/{id}/archive", web::post().to(archive))
        .route("/{id}/procedures", web::get().to(procedures))
        .route("/{id}/runs", web::get().to(runs));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAssets {
    /// Children of this asset; without it, the sites.
    pub parent: Option<Uuid>,
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AssetList {
    pub items: Vec<Asset>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetProcedures {
    pub items: Vec<ProcedureSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetRuns {
    pub items: Vec<RunSummary>,
    pub next_cursor: Option<String>,
}

/// Children of an asset, or the sites.
#[utoipa::path(operation_id = "assets_list", get, path = "/api/assets", tag = "assets", params(ListAssets), security(("bearer" = [])),
    responses((status = 200, body = AssetList), (status = 401, body = Problem)))]
pub async fn list(
    _user: AuthUser,
    store: web::Data<Store>,
    query: web::Query<ListAssets>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let items = store.read(move |c| Ok::<_, ProcError>(Asset::children(c, q.parent, q.include_archived)?)).await?;
    Ok(HttpResponse::Ok().json(AssetList { items }))
}

/// One asset with its place in the tree.
#[utoipa::path(operation_id = "assets_get", get, path = "/api/assets/{id}",
    params(("id" = Uuid, Path,)), tag = "assets", security(("bearer" = [])),
    responses((status = 200, body = AssetDetail), (status = 404, body = Problem)))]
pub async fn get(_user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let detail = store.read(move |c| Asset::detail(c, id)).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Create an asset (editors and admins).
#[utoipa::path(operation_id = "assets_create", post, path = "/api/assets", tag = "assets", request_body = CreateAsset, security(("bearer" = [])),
    responses((status = 201, body = Asset), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`code_taken`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(user: AuthUser, store: web::Data<Store>, body: Json<CreateAsset>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let input = body.into_inner();
    let asset = store.write(move |c| Asset::create(c, &user, input)).await?;
    Ok(HttpResponse::Created().json(asset))
}

/// Edit or move an asset (editors and admins).
#[utoipa::path(operation_id = "assets_update", patch, path = "/api/assets/{id}",
    params(("id" = Uuid, Path,)), tag = "assets", request_body = UpdateAsset, security(("bearer" = [])),
    responses((status = 200, body = Asset), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn update(
    user: AuthUser,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    body: Json<UpdateAsset>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let asset = store.write(move |c| Asset::update(c, &user, id, input)).await?;
    Ok(HttpResponse::Ok().json(asset))
}

/// Archive an asset with no active children (editors and admins).
#[utoipa::path(operation_id = "assets_archive", post, path = "/api/assets/{id}/archive",
    params(("id" = Uuid, Path,)), tag = "assets", security(("bearer" = [])),
    responses((status = 200, body = Asset), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`asset_has_children`", body = Problem)))]
pub async fn archive(user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let asset = store.write(move |c| Asset::archive(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(asset))
}

/// Procedures linked to this asset or to anything under it.
#[utoipa::path(operation_id = "assets_procedures", get, path = "/api/assets/{id}/procedures",
    params(("id" = Uuid, Path,)), tag = "assets", security(("bearer" = [])),
    responses((status = 200, body = AssetProcedures), (status = 404, body = Problem)))]
pub async fn procedures(user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let items = store.read(move |c| library::for_asset(c, id, &user)).await?;
    Ok(HttpResponse::Ok().json(AssetProcedures { items }))
}

/// Runs done on this asset, newest first.
#[utoipa::path(operation_id = "assets_runs", get, path = "/api/assets/{id}/runs", tag = "assets", params(("id" = Uuid, Path,), RunFilter), security(("bearer" = [])),
    responses((status = 200, body = AssetRuns), (status = 404, body = Problem)))]
pub async fn runs(
    user: AuthUser,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    query: web::Query<RunFilter>,
) -> Result<HttpResponse, Problem> {
    let mut filter = query.into_inner();
    filter.asset = Some(id.into_inner());
    let page = store.read(move |c| Run::list(c, filter, &user)).await?;
    Ok(HttpResponse::Ok().json(AssetRuns { items: page.items, next_cursor: page.next_cursor }))
}
