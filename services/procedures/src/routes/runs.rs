//! `/api/runs`: start a run, record step results (idempotent), complete with a sign-off.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId, Store};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    results::{ResultInput, ResultView},
    run_contents::RunContents,
    runs::{CompleteRun, Run, RunFilter, RunSummary, RunView, StartRun},
    signatures::SigningPolicy,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("", web::post().to(start))
        .route("/{id}", web::get().to(get))
        .route("/{id}/steps/{step_id}", web::put().to(record_step))
        .route("/{id}/complete", web::post().to(complete))
        .route("/{id}/verify", web::post().to(verify));
}

#[derive(Serialize, ToSchema)]
pub struct RunPage {
    /// Newest first.
    pub items: Vec<RunSummary>,
    pub next_cursor: Option<String>,
}

/// Runs by procedure, asset (with what is under it), technician, date and outcome: of those
/// the caller may see (their own, every completed one; editors and admins every run).
#[utoipa::path(operation_id = "runs_list", get, path = "/api/runs", tag = "runs", params(RunFilter), security(("bearer" = [])),
    responses((status = 200, body = RunPage), (status = 400, body = Problem)))]
pub async fn list(
    user: AuthUser,
    store: web::Data<Store>,
    query: web::Query<RunFilter>,
) -> Result<HttpResponse, Problem> {
    let filter = query.into_inner();
    let page = store.read(move |c| Run::list(c, filter, &user)).await?;
    Ok(HttpResponse::Ok().json(RunPage { items: page.items, next_cursor: page.next_cursor }))
}

/// Start a run of a procedure's published revision.
#[utoipa::path(operation_id = "runs_start", post, path = "/api/runs", tag = "runs", request_body = StartRun, security(("bearer" = [])),
    responses((status = 201, body = RunView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`not_published`, `work_order_not_startable`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn start(
    user: AuthUser,
    store: web::Data<Store>,
    request_id: RequestId,
    body: Json<StartRun>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let (input, correlation) = (body.into_inner(), Some(request_id.as_str().to_owned()));
    let view = store.write(move |c| Run::start(c, &user, &input, correlation)?.view(c)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A run with the revision it follows, its results, what is missing and what was flagged.
#[utoipa::path(operation_id = "runs_get", get, path = "/api/runs/{id}",
    params(("id" = Uuid, Path,)), tag = "runs", security(("bearer" = [])),
    responses((status = 200, body = RunView), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let view = store.read(move |c| Run::find(c, id, &user)?.view(c)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record a step's result. `result_id` is the client's: sending the same call again returns
/// the stored result and changes nothing; a new `result_id` replaces the step's result.
#[utoipa::path(operation_id = "runs_record_step", put, path = "/api/runs/{id}/steps/{step_id}",
    params(("id" = Uuid, Path,), ("step_id" = Uuid, Path,)), tag = "runs", request_body = ResultInput, security(("bearer" = [])),
    responses((status = 200, description = "stored (or already stored)", body = ResultView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`run_completed` or `result_id_conflict`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn record_step(
    user: AuthUser,
    store: web::Data<Store>,
    contents: web::Data<RunContents>,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<ResultInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let ((run_id, step_id), input) = (path.into_inner(), body.into_inner());
    let result = store.write(move |c| Run::record(c, run_id, &user, step_id, input, &contents)).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Sign off a run. Every required step needs a result, and failed checks or out-of-limit
/// readings a note; then the run never changes. Signing off is a signature (`performed`, over
/// the run's results): it needs a sign-in a few minutes old at most, so confirm the password
/// first (`POST /api/auth/reauthenticate`).
#[utoipa::path(operation_id = "runs_complete", post, path = "/api/runs/{id}/complete",
    params(("id" = Uuid, Path,)), tag = "runs", request_body = CompleteRun, security(("bearer" = [])),
    responses((status = 200, body = RunView), (status = 400, body = Problem),
        (status = 403, description = "`forbidden`: not the run's technician; `reauthentication_required`: the sign-in is too old to sign", body = Problem),
        (status = 409, description = "`run_completed`", body = Problem),
        (status = 422, description = "`missing_steps` (named in `errors`) or `notes_required`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn complete(
    user: AuthUser,
    store: web::Data<Store>,
    signing: web::Data<SigningPolicy>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: Json<CompleteRun>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let (id, input, policy) = (id.into_inner(), body.into_inner(), **signing);
    let correlation = Some(request_id.as_str().to_owned());
    let view = store
        .write(move |c| {
            let mut run = Run::find_for_update(c, id, &user)?;
            run.complete(c, &user, &input, &policy, correlation)?;
            run.view(c)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Verify a signed-off run as a second person: a signature (`verified`) over the same results
/// as the sign-off, by anyone who may run procedures but the person who performed it. It needs
/// a sign-in a few minutes old at most, so confirm the password first
/// (`POST /api/auth/reauthenticate`). A revision may require it of every run
/// (`requires_verification`); any signed-off run may receive it.
#[utoipa::path(operation_id = "runs_verify", post, path = "/api/runs/{id}/verify",
    params(("id" = Uuid, Path,)), tag = "runs", security(("bearer" = [])),
    responses((status = 200, body = RunView),
        (status = 403, description = "`forbidden`: a viewer, or the run's performer; `reauthentication_required`: the sign-in is too old to sign", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "`run_not_completed`, `already_signed`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn verify(
    user: AuthUser,
    store: web::Data<Store>,
    signing: web::Data<SigningPolicy>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let (id, policy) = (id.into_inner(), **signing);
    let view = store
        .write(move |c| {
            let run = Run::find_for_update(c, id, &user)?;
            run.verify(c, &user, &policy)?;
            run.view(c)
        })
        .await?;
    tracing::info!(run_id = %id, "run verified");
    Ok(HttpResponse::Ok().json(view))
}
