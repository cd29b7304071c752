//! `/api/work/plans`: maintenance plans (editors and admins change them; everyone reads).

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::actor;
use crate::{
    error::WorkError,
    planning,
    plans::{Plan, PlanInput, PlanPatch, PlanStatus, PlanView},
    schedule, AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/plans", web::get().to(list))
        .route("/plans", web::post().to(create))
        .route("/plans/{id}", web::get().to(get))
        .route("/plans/{id}", web::patch().to(update))
        .route("/plans/{id}/pause", web::post().to(pause))
        .route("/plans/{id}/resume", web::post().to(resume));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    pub asset: Option<Uuid>,
    pub status: Option<PlanStatus>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanView>,
}

/// Plans with their next due dates, by title.
#[utoipa::path(operation_id = "work_plans_list", get, path = "/api/work/plans", tag = "plans", params(PlanFilter),
    security(("bearer" = [])), responses((status = 200, body = PlanList), (status = 401, body = Problem)))]
pub async fn list(
    _user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PlanFilter>,
) -> Result<HttpResponse, Problem> {
    let (filter, zone) = (query.into_inner(), state.default_zone);
    let items = state
        .store
        .read(move |c| {
            Plan::list(c, filter.asset, filter.status)?
                .into_iter()
                .map(|p| {
                    let z = planning::zone_of_asset(c, p.asset_id, zone)?;
                    p.view(c, z)
                })
                .collect::<Result<Vec<_>, WorkError>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(PlanList { items }))
}

/// Make a plan (editors and admins). A meter plan takes the meter's latest reading at once.
#[utoipa::path(operation_id = "work_plans_create", post, path = "/api/work/plans", tag = "plans", request_body = PlanInput,
    security(("bearer" = [])), responses((status = 201, body = PlanView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "`not_found`: no such asset, procedure or meter", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Json<PlanInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (actor, input, zone) = (actor(&user, &request_id), body.into_inner(), state.default_zone);
    let view = state
        .store
        .write(move |c| {
            let z = planning::zone_of_asset(c, input.asset_id, zone).map_err(|_| WorkError::NotFound("asset"))?;
            let mut plan = Plan::new(c, input, user.id, schedule::local_date(z, crate::now()))?;
            planning::plan_created(c, &actor, &mut plan)?;
            plan.view(c, z)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A plan with its next five due dates (time plans) or its next threshold (meter plans).
#[utoipa::path(operation_id = "work_plans_get", get, path = "/api/work/plans/{id}", tag = "plans", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = PlanView), (status = 404, body = Problem)))]
pub async fn get(_user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let (id, zone) = (id.into_inner(), state.default_zone);
    let view = state
        .store
        .read(move |c| {
            let plan = Plan::find(c, id)?;
            let z = planning::zone_of_asset(c, plan.asset_id, zone)?;
            plan.view(c, z)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a plan (editors and admins): title, team, assignee, priority, time of day, lead time;
/// a floating plan's next due date.
#[utoipa::path(operation_id = "work_plans_update", patch, path = "/api/work/plans/{id}", tag = "plans", params(("id" = Uuid, Path,)),
    request_body = PlanPatch, security(("bearer" = [])),
    responses((status = 200, body = PlanView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<PlanPatch>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, patch, zone) = (id.into_inner(), body.into_inner(), state.default_zone);
    let view = state
        .store
        .write(move |c| {
            let mut plan = Plan::find_for_update(c, id)?;
            plan.apply(c, patch)?;
            let z = planning::zone_of_asset(c, plan.asset_id, zone)?;
            plan.view(c, z)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Pause a plan: it makes no orders until resumed (editors and admins).
#[utoipa::path(operation_id = "work_plans_pause", post, path = "/api/work/plans/{id}/pause", tag = "plans", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = PlanView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`plan_paused`", body = Problem)))]
pub async fn pause(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, zone) = (id.into_inner(), state.default_zone);
    let view = state
        .store
        .write(move |c| {
            let mut plan = Plan::find_for_update(c, id)?;
            plan.pause(c)?;
            let z = planning::zone_of_asset(c, plan.asset_id, zone)?;
            plan.view(c, z)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Resume a paused plan (editors and admins). What fell due while it was paused is skipped.
#[utoipa::path(operation_id = "work_plans_resume", post, path = "/api/work/plans/{id}/resume", tag = "plans", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = PlanView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`plan_active`", body = Problem)))]
pub async fn resume(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (actor, id, zone) = (actor(&user, &request_id), id.into_inner(), state.default_zone);
    let view = state
        .store
        .write(move |c| {
            let mut plan = Plan::find_for_update(c, id)?;
            planning::resume(c, &actor, &mut plan, zone)?;
            let z = planning::zone_of_asset(c, plan.asset_id, zone)?;
            plan.view(c, z)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
