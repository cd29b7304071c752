//! `/api/work/meters`: meters on assets, their readings and the run steps that feed them.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::paging::Pager;
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::actor;
use crate::{
    error::WorkError,
    meters::{self, Meter, MeterInput, MeterSource, MeterView, Reading, ReadingInput, RecordedReading},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/meters", web::get().to(list))
        .route("/meters", web::post().to(create))
        .route("/meters/{id}", web::get().to(get))
        .route("/meters/{id}/readings", web::get().to(readings))
        .route("/meters/{id}/readings", web::post().to(record))
        .route("/meters/{id}/sources", web::put().to(set_sources));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeterFilter {
    pub asset: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MeterList {
    pub items: Vec<MeterView>,
}

#[derive(Serialize, ToSchema)]
pub struct ReadingPage {
    pub items: Vec<Reading>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeterSources {
    pub sources: Vec<MeterSource>,
}

#[utoipa::path(operation_id = "work_meters_list", get, path = "/api/work/meters", tag = "meters", params(MeterFilter),
    security(("bearer" = [])), responses((status = 200, body = MeterList), (status = 401, body = Problem)))]
pub async fn list(
    _user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<MeterFilter>,
) -> Result<HttpResponse, Problem> {
    let asset = query.into_inner().asset;
    let items = state
        .store
        .read(move |c| Meter::list(c, asset)?.into_iter().map(|m| m.view(c)).collect::<Result<Vec<_>, WorkError>>())
        .await?;
    Ok(HttpResponse::Ok().json(MeterList { items }))
}

/// Put a meter on an asset (editors and admins).
#[utoipa::path(operation_id = "work_meters_create", post, path = "/api/work/meters", tag = "meters", request_body = MeterInput,
    security(("bearer" = [])), responses((status = 201, body = MeterView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "`not_found`: no such asset", body = Problem),
        (status = 409, description = "`meter_name_taken`", body = Problem)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<MeterInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let input = body.into_inner();
    let view = state.store.write(move |c| Meter::create(c, input)?.view(c)).await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(operation_id = "work_meters_get", get, path = "/api/work/meters/{id}", tag = "meters", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = MeterView), (status = 404, body = Problem)))]
pub async fn get(_user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let view = state.store.read(move |c| Meter::find(c, id)?.view(c)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A meter's readings, newest first.
#[utoipa::path(operation_id = "work_meters_readings", get, path = "/api/work/meters/{id}/readings", tag = "meters",
    params(("id" = Uuid, Path,), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ReadingPage), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn readings(
    _user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let pager: Pager<(DateTime<Utc>, Uuid)> = Pager::new(meters::READINGS_PAGE, q.limit, q.cursor.as_deref())?;
    let (id, after, fetch) = (id.into_inner(), pager.after, pager.fetch());
    let rows = state
        .store
        .read(move |c| {
            Meter::find(c, id)?;
            Ok::<_, WorkError>(meters::readings(c, id, after, fetch)?)
        })
        .await?;
    let page = pager.page(rows, |r| (r.taken_at, r.id));
    Ok(HttpResponse::Ok().json(ReadingPage { items: page.items, next_cursor: page.next_cursor }))
}

/// Record a reading by hand (technicians, editors, admins). A reading that reaches a meter
/// plan's next threshold makes one order, however many thresholds it passes.
#[utoipa::path(operation_id = "work_meters_record", post, path = "/api/work/meters/{id}/readings", tag = "meters",
    params(("id" = Uuid, Path,)), request_body = ReadingInput, security(("bearer" = [])),
    responses((status = 201, body = RecordedReading), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`reading_below_latest`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn record(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: Json<ReadingInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let (actor, id, input) = (actor(&user, &request_id), id.into_inner(), body.into_inner());
    let recorded = state.store.write(move |c| Meter::find(c, id)?.record(c, &actor, input)).await?;
    Ok(HttpResponse::Created().json(recorded))
}

/// Which procedures' number steps are this meter's readings (editors and admins): a completed
/// run of one of them on the meter's asset records the step's value. Replaces the list.
#[utoipa::path(operation_id = "work_meters_sources", put, path = "/api/work/meters/{id}/sources", tag = "meters",
    params(("id" = Uuid, Path,)), request_body = MeterSources, security(("bearer" = [])),
    responses((status = 200, body = MeterSources), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_sources(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<MeterSources>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, sources) = (id.into_inner(), body.into_inner().sources);
    let sources = state.store.write(move |c| Meter::find(c, id)?.set_sources(c, sources)).await?;
    Ok(HttpResponse::Ok().json(MeterSources { sources }))
}
