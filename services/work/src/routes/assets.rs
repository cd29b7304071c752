//! `/api/work/assets/{id}`: an asset's work (what a label's QR code opens), its team, and the
//! labels of it and everything under it.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::Access,
    due::{self, AssetWork, LabelSheet},
    teams::{self, AssetTeam},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{id}", web::get().to(work))
        .route("/assets/{id}/team", web::put().to(set_team))
        .route("/assets/{id}/labels", web::get().to(labels));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetTeamInput {
    /// `null` removes the asset's own team (it inherits the one above it again).
    pub team_id: Option<Uuid>,
}

/// The work on an asset: its team (own or inherited), plans, meters and the orders still to do.
#[utoipa::path(operation_id = "work_assets_get", get, path = "/api/work/assets/{id}", tag = "assets", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = AssetWork), (status = 404, body = Problem)))]
pub async fn work(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let (id, zone) = (id.into_inner(), state.default_zone);
    let work = state
        .store
        .read(move |c| {
            let access = Access::of(c, &user)?;
            due::asset_work(c, &access, id, zone)
        })
        .await?;
    Ok(HttpResponse::Ok().json(work))
}

/// Set the team that looks after an asset and, unless they have their own, the assets under it
/// (editors and admins). Answers the asset's team as it now is.
#[utoipa::path(operation_id = "work_assets_set_team", put, path = "/api/work/assets/{id}/team", tag = "assets", params(("id" = Uuid, Path,)),
    request_body = AssetTeamInput, security(("bearer" = [])),
    responses((status = 200, body = Option<AssetTeam>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_team(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<AssetTeamInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, team) = (id.into_inner(), body.into_inner().team_id);
    let now = state
        .store
        .write(move |c| {
            teams::set_team_of_asset(c, id, team)?;
            teams::team_of_asset(c, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(now))
}

/// The labels of an asset and everything under it: code, name, and the address the QR code holds
/// (the asset's page).
#[utoipa::path(operation_id = "work_assets_labels", get, path = "/api/work/assets/{id}/labels", tag = "assets", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = LabelSheet), (status = 404, body = Problem)))]
pub async fn labels(_user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let url = state.public_url.clone();
    let sheet = state.store.read(move |c| due::labels(c, id, &url)).await?;
    Ok(HttpResponse::Ok().json(sheet))
}
