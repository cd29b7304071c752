//! `/api/assets`: the asset tree.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::schema::assets as assets_table;
use gamme_service_kit::Problem;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    assets::{Asset, AssetInsertForm, AssetKind, AssetUpdateForm, AssetView},
    audit::{AuditEvent, Change},
    error::ProcError,
    procedures::ProcedureSummary,
    routes::{procedures::summaries, runs::list_runs},
    runs::{RunFilter, RunSummary},
    validate, AppState,
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAsset {
    pub kind: AssetKind,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub location: Option<String>,
}

/// Absent fields stay; `null` clears an optional one. `parent_id` moves the asset.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub code: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>)]
    pub manufacturer: Option<Option<String>>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>)]
    pub model: Option<Option<String>>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>)]
    pub serial_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
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
    pub items: Vec<AssetView>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetDetail {
    #[serde(flatten)]
    pub asset: AssetView,
    /// From the site down to the parent.
    pub ancestors: Vec<AssetView>,
    pub children: Vec<AssetView>,
}

fn audit_asset(
    conn: &mut PgConnection,
    user: &AuthUser,
    action: &str,
    before: Option<&Asset>,
    after: &Asset,
) -> Result<(), ProcError> {
    AuditEvent::record(
        conn,
        Change {
            actor_id: user.id,
            action,
            entity_type: "asset",
            entity_id: after.id,
            procedure_id: None,
            before: before.map(|a| json!(a.view())),
            after: Some(json!(after.view())),
        },
    )?;
    Ok(())
}

/// Children of an asset, or the sites.
#[utoipa::path(operation_id = "assets_list", get, path = "/api/assets", tag = "assets", params(ListAssets), security(("bearer" = [])),
    responses((status = 200, body = AssetList), (status = 401, body = Problem)))]
pub async fn list(
    _user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListAssets>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let items = state
        .read(move |c| Ok(Asset::children(c, q.parent, q.include_archived)?.iter().map(Asset::view).collect()))
        .await?;
    Ok(HttpResponse::Ok().json(AssetList { items }))
}

/// One asset with its place in the tree.
#[utoipa::path(operation_id = "assets_get", get, path = "/api/assets/{id}",
    params(("id" = Uuid, Path,)), tag = "assets", security(("bearer" = [])),
    responses((status = 200, body = AssetDetail), (status = 404, body = Problem)))]
pub async fn get(_user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let detail = state
        .read(move |c| {
            let asset = Asset::find(c, id)?;
            Ok(AssetDetail {
                asset: asset.view(),
                ancestors: Asset::ancestors(c, id)?.iter().map(Asset::view).collect(),
                children: Asset::children(c, Some(id), false)?.iter().map(Asset::view).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Create an asset (editors and admins).
#[utoipa::path(operation_id = "assets_create", post, path = "/api/assets", tag = "assets", request_body = CreateAsset, security(("bearer" = [])),
    responses((status = 201, body = AssetView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`code_taken`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<CreateAsset>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let b = body.into_inner();
    let form = AssetInsertForm {
        id: Uuid::now_v7(),
        parent_id: b.parent_id,
        kind: b.kind.as_str().to_owned(),
        code: validate::code("code", &b.code)?,
        name: validate::required_text("name", &b.name, 200)?,
        manufacturer: validate::optional_text("manufacturer", b.manufacturer.as_deref(), 200)?,
        model: validate::optional_text("model", b.model.as_deref(), 200)?,
        serial_number: validate::optional_text("serial_number", b.serial_number.as_deref(), 200)?,
        location: validate::optional_text("location", b.location.as_deref(), 500)?,
        created_by: user.id,
    };
    let asset = state
        .write(move |c| {
            Asset::check_parent(c, b.kind, form.parent_id, None)?;
            if Asset::code_taken(c, &form.code, None)? {
                return Err(ProcError::conflict("code_taken", format!("An asset with the code {} exists.", form.code)));
            }
            diesel::insert_into(assets_table::table).values(&form).execute(c)?;
            let asset = Asset::find(c, form.id)?;
            audit_asset(c, &user, "asset.created", None, &asset)?;
            Ok(asset)
        })
        .await?;
    Ok(HttpResponse::Created().json(asset.view()))
}

/// Edit or move an asset (editors and admins).
#[utoipa::path(operation_id = "assets_update", patch, path = "/api/assets/{id}",
    params(("id" = Uuid, Path,)), tag = "assets", request_body = UpdateAsset, security(("bearer" = [])),
    responses((status = 200, body = AssetView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: web::Json<UpdateAsset>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let b = body.into_inner();
    let form = AssetUpdateForm {
        parent_id: b.parent_id,
        code: b.code.as_deref().map(|c| validate::code("code", c)).transpose()?,
        name: b.name.as_deref().map(|n| validate::required_text("name", n, 200)).transpose()?,
        manufacturer: b.manufacturer.map(|v| validate::optional_text("manufacturer", v.as_deref(), 200)).transpose()?,
        model: b.model.map(|v| validate::optional_text("model", v.as_deref(), 200)).transpose()?,
        serial_number: b
            .serial_number
            .map(|v| validate::optional_text("serial_number", v.as_deref(), 200))
            .transpose()?,
        location: b.location.map(|v| validate::optional_text("location", v.as_deref(), 500)).transpose()?,
        archived_at: None,
        updated_at: Some(crate::now()),
    };
    let asset = state
        .write(move |c| {
            let before = Asset::find(c, id)?;
            if let Some(parent) = form.parent_id {
                Asset::check_parent(c, before.kind(), parent, Some(id))?;
            }
            if let Some(code) = &form.code {
                if Asset::code_taken(c, code, Some(id))? {
                    return Err(ProcError::conflict("code_taken", format!("An asset with the code {code} exists.")));
                }
            }
            diesel::update(assets_table::table.find(id)).set(&form).execute(c)?;
            let after = Asset::find(c, id)?;
            let action = if form.parent_id.is_some() && after.parent_id != before.parent_id {
                "asset.moved"
            } else {
                "asset.updated"
            };
            audit_asset(c, &user, action, Some(&before), &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(asset.view()))
}

/// Archive an asset with no active children (editors and admins).
#[utoipa::path(operation_id = "assets_archive", post, path = "/api/assets/{id}/archive",
    params(("id" = Uuid, Path,)), tag = "assets", security(("bearer" = [])),
    responses((status = 200, body = AssetView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`asset_has_children`", body = Problem)))]
pub async fn archive(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let asset = state
        .write(move |c| {
            let before = Asset::find(c, id)?;
            if before.archived_at.is_some() {
                return Ok(before);
            }
            if !Asset::children(c, Some(id), false)?.is_empty() {
                return Err(ProcError::conflict(
                    "asset_has_children",
                    "Archive or move the assets under this one first.",
                ));
            }
            let form = AssetUpdateForm {
                archived_at: Some(Some(crate::now())),
                updated_at: Some(crate::now()),
                ..Default::default()
            };
            diesel::update(assets_table::table.find(id)).set(&form).execute(c)?;
            let after = Asset::find(c, id)?;
            audit_asset(c, &user, "asset.archived", Some(&before), &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(asset.view()))
}

#[derive(Serialize, ToSchema)]
pub struct AssetProcedures {
    pub items: Vec<ProcedureSummary>,
}

/// Procedures linked to this asset or to anything under it.
#[utoipa::path(operation_id = "assets_procedures", get, path = "/api/assets/{id}/procedures",
    params(("id" = Uuid, Path,)), tag = "assets", security(("bearer" = [])),
    responses((status = 200, body = AssetProcedures), (status = 404, body = Problem)))]
pub async fn procedures(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let editor = user.is(Roles::EDITORS);
    let items = state
        .read(move |c| {
            let params = crate::search::SearchParams {
                q: None,
                asset: Some(id),
                tag: None,
                status: None,
                archived: false,
                cursor: None,
                limit: Some(100),
            };
            let page = crate::search::search(c, &params, editor)?;
            summaries(c, &page.items)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AssetProcedures { items }))
}

#[derive(Serialize, ToSchema)]
pub struct AssetRuns {
    pub items: Vec<RunSummary>,
    pub next_cursor: Option<String>,
}

/// Runs done on this asset, newest first.
#[utoipa::path(operation_id = "assets_runs", get, path = "/api/assets/{id}/runs", tag = "assets", params(("id" = Uuid, Path,), RunFilter), security(("bearer" = [])),
    responses((status = 200, body = AssetRuns), (status = 404, body = Problem)))]
pub async fn runs(
    _user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<RunFilter>,
) -> Result<HttpResponse, Problem> {
    let mut filter = query.into_inner();
    filter.asset = Some(id.into_inner());
    let (items, next_cursor) = list_runs(&state, filter).await?;
    Ok(HttpResponse::Ok().json(AssetRuns { items, next_cursor }))
}
