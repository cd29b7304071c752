//! `/api/work/webhooks`: the URLs integrations receive events at, and their deliveries
//! (admins only: a webhook sends work orders out of Gamme).

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::paging::Pager;
use gamme_service_kit::{Json, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    error::WorkError,
    webhooks::{
        CreatedEndpoint, DeliveryState, DeliveryView, Endpoint, EndpointInput, EndpointPatch, EndpointView,
        DELIVERIES_PAGE, EVENT_TYPES,
    },
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks", web::get().to(list))
        .route("/webhooks", web::post().to(create))
        .route("/webhooks/{id}", web::get().to(get))
        .route("/webhooks/{id}", web::patch().to(update))
        .route("/webhooks/{id}", web::delete().to(delete))
        .route("/webhooks/{id}/deliveries", web::get().to(deliveries))
        .route("/webhooks/{id}/deliveries/{delivery_id}/retry", web::post().to(retry));
}

#[derive(Serialize, ToSchema)]
pub struct EndpointList {
    pub items: Vec<EndpointView>,
    /// What an endpoint may ask for.
    pub event_types: Vec<&'static str>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    pub state: Option<DeliveryState>,
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
    pub next_cursor: Option<String>,
}

/// Every webhook, without secrets (admins).
#[utoipa::path(operation_id = "work_webhooks_list", get, path = "/api/work/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, body = EndpointList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let items = state
        .store
        .read(|c| Endpoint::list(c)?.iter().map(|e| e.view(c)).collect::<Result<Vec<_>, _>>().map_err(WorkError::from))
        .await?;
    Ok(HttpResponse::Ok().json(EndpointList { items, event_types: EVENT_TYPES.to_vec() }))
}

/// Register a URL for some events (admins). The answer holds the signing secret, shown this once.
#[utoipa::path(operation_id = "work_webhooks_create", post, path = "/api/work/webhooks", tag = "webhooks", request_body = EndpointInput,
    security(("bearer" = [])), responses((status = 201, body = CreatedEndpoint), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`too_many_webhooks`", body = Problem)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<EndpointInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let (by, input) = (user.id, body.into_inner());
    let created = state.store.write(move |c| Endpoint::create(c, by, input)).await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(operation_id = "work_webhooks_get", get, path = "/api/work/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = EndpointView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let id = id.into_inner();
    let view = state.store.read(move |c| Ok::<_, WorkError>(Endpoint::find(c, id)?.view(c)?)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a webhook's URL, events or description, or pause (`active: false`) and resume it (admins).
#[utoipa::path(operation_id = "work_webhooks_update", patch, path = "/api/work/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path,)),
    request_body = EndpointPatch, security(("bearer" = [])),
    responses((status = 200, body = EndpointView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<EndpointPatch>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let (id, patch) = (id.into_inner(), body.into_inner());
    let view = state.store.write(move |c| Ok::<_, WorkError>(Endpoint::update(c, id, patch)?.view(c)?)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a webhook and its deliveries (admins).
#[utoipa::path(operation_id = "work_webhooks_delete", delete, path = "/api/work/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let id = id.into_inner();
    state.store.write(move |c| Endpoint::delete(c, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A webhook's deliveries, newest first, with what the receiver answered last (admins).
#[utoipa::path(operation_id = "work_webhooks_deliveries", get, path = "/api/work/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = Uuid, Path,), DeliveryQuery), security(("bearer" = [])),
    responses((status = 200, body = DeliveryPage), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn deliveries(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let q = query.into_inner();
    let pager: Pager<Uuid> = Pager::new(DELIVERIES_PAGE, q.limit, q.cursor.as_deref()).map_err(WorkError::from)?;
    let (id, after, fetch, only) = (id.into_inner(), pager.after, pager.fetch(), q.state);
    let rows = state
        .store
        .read(move |c| {
            Endpoint::find(c, id)?;
            Ok::<_, WorkError>(Endpoint::deliveries(c, id, only, after, fetch)?)
        })
        .await?;
    let page = pager.page(rows, |d| d.id);
    Ok(HttpResponse::Ok().json(DeliveryPage { items: page.items, next_cursor: page.next_cursor }))
}

/// Post a delivery again now, with a new day of retries: one given up, or one still waiting (admins).
#[utoipa::path(operation_id = "work_webhooks_retry", post, path = "/api/work/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(("id" = Uuid, Path,), ("delivery_id" = Uuid, Path,)), security(("bearer" = [])),
    responses((status = 200, body = DeliveryView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`not_retryable`: delivered already, or not this webhook's", body = Problem)))]
pub async fn retry(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let (id, delivery) = path.into_inner();
    let view = state
        .store
        .write(move |c| {
            Endpoint::find(c, id)?;
            Endpoint::retry(c, id, delivery)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
