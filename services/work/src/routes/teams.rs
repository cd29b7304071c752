//! `/api/work/teams`: teams and their members (editors and admins change them; everyone reads).

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::Problem;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    teams::{Team, TeamInput, TeamPatch, TeamView},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/teams", web::get().to(list))
        .route("/teams", web::post().to(create))
        .route("/teams/{id}", web::get().to(get))
        .route("/teams/{id}", web::patch().to(update))
        .route("/teams/{id}", web::delete().to(delete))
        .route("/teams/{id}/members/{user_id}", web::put().to(add_member))
        .route("/teams/{id}/members/{user_id}", web::delete().to(remove_member));
}

#[derive(Serialize, ToSchema)]
pub struct TeamList {
    pub items: Vec<TeamView>,
}

/// Every team with its members.
#[utoipa::path(operation_id = "work_teams_list", get, path = "/api/work/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, body = TeamList), (status = 401, body = Problem)))]
pub async fn list(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let emails = user.is(Roles::EDITORS);
    let items = state
        .store
        .read(move |c| {
            Team::list(c)?
                .into_iter()
                .map(|t| t.view(c, emails))
                .collect::<Result<Vec<_>, _>>()
                .map_err(crate::error::WorkError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TeamList { items }))
}

/// Make a team (editors and admins).
#[utoipa::path(operation_id = "work_teams_create", post, path = "/api/work/teams", tag = "teams", request_body = TeamInput,
    security(("bearer" = [])), responses((status = 201, body = TeamView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`team_name_taken`", body = Problem)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<TeamInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let input = body.into_inner();
    let view =
        state.store.write(move |c| Ok::<_, crate::error::WorkError>(Team::create(c, input)?.view(c, true)?)).await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(operation_id = "work_teams_get", get, path = "/api/work/teams/{id}", tag = "teams", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = TeamView), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let (id, emails) = (id.into_inner(), user.is(Roles::EDITORS));
    let view = state.store.read(move |c| Ok::<_, crate::error::WorkError>(Team::find(c, id)?.view(c, emails)?)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Rename a team or change its description (editors and admins).
#[utoipa::path(operation_id = "work_teams_update", patch, path = "/api/work/teams/{id}", tag = "teams", params(("id" = Uuid, Path,)),
    request_body = TeamPatch, security(("bearer" = [])),
    responses((status = 200, body = TeamView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`team_name_taken`", body = Problem)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<TeamPatch>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, patch) = (id.into_inner(), body.into_inner());
    let view = state
        .store
        .write(move |c| Ok::<_, crate::error::WorkError>(Team::update(c, id, patch)?.view(c, true)?))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a team that no order to do and no active plan is assigned to (editors and admins).
#[utoipa::path(operation_id = "work_teams_delete", delete, path = "/api/work/teams/{id}", tag = "teams", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`team_has_work`: orders to do or active plans are assigned to it", body = Problem)))]
pub async fn delete(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    state.store.write(move |c| Team::delete(c, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a person to a team (editors and admins); adding a member again changes nothing.
#[utoipa::path(operation_id = "work_teams_add_member", put, path = "/api/work/teams/{id}/members/{user_id}", tag = "teams",
    params(("id" = Uuid, Path,), ("user_id" = Uuid, Path,)), security(("bearer" = [])),
    responses((status = 200, body = TeamView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn add_member(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, member) = path.into_inner();
    let view = state
        .store
        .write(move |c| {
            Team::add_member(c, id, member)?;
            Ok::<_, crate::error::WorkError>(Team::find(c, id)?.view(c, true)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Remove a person from a team (editors and admins).
#[utoipa::path(operation_id = "work_teams_remove_member", delete, path = "/api/work/teams/{id}/members/{user_id}", tag = "teams",
    params(("id" = Uuid, Path,), ("user_id" = Uuid, Path,)), security(("bearer" = [])),
    responses((status = 200, body = TeamView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_member(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, member) = path.into_inner();
    let view = state
        .store
        .write(move |c| {
            Team::remove_member(c, id, member)?;
            Ok::<_, crate::error::WorkError>(Team::find(c, id)?.view(c, true)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
