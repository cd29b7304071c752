//! `/api/ai/jobs`: ask for a job, follow it, list and cancel jobs.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::{
    paging::{PageSize, Pager},
    DbError,
};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    jobs::{Job, JobInput},
    AppState,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListJobs {
    /// Admins: everyone's jobs.
    #[serde(default)]
    pub all: bool,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Newest first, by id (UUIDv7).
const PAGE: PageSize = PageSize::new(20, 100);

#[derive(Serialize, ToSchema)]
pub struct JobList {
    /// Newest first.
    pub items: Vec<Job>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Ask for a job. The job and its queue message are committed together; the answer comes at
/// once with the job id, and the result later at `GET /api/ai/jobs/{id}`.
#[utoipa::path(post, path = "/api/ai/jobs", tag = "ai", request_body = JobInput, security(("bearer" = [])),
    responses((status = 202, body = Job), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 429, description = "`too_many_jobs`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Json<JobInput>,
) -> Result<HttpResponse, Problem> {
    let (input, limit) = (body.into_inner(), state.max_open_jobs_per_user);
    let correlation = request_id.as_str().to_owned();
    let job = state.store.write(move |c| Job::create(c, &user, &input, limit, &correlation)).await?;
    tracing::info!(job_id = %job.id, kind = %job.kind, "AI job queued");
    Ok(HttpResponse::Accepted().insert_header(("Location", format!("/api/ai/jobs/{}", job.id))).json(job))
}

/// A job: its status, attempts, result or error, and the tokens it used.
#[utoipa::path(get, path = "/api/ai/jobs/{id}",
    params(("id" = Uuid, Path,)), tag = "ai", security(("bearer" = [])),
    responses((status = 200, body = Job), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let job = state.store.read(move |c| Job::find_visible(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(job))
}

/// My jobs (admins: everyone's with `all=true`).
#[utoipa::path(get, path = "/api/ai/jobs", tag = "ai", params(ListJobs), security(("bearer" = [])),
    responses((status = 200, body = JobList), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListJobs>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    if q.all {
        user.require(Roles::ADMINS)?;
    }
    let pager: Pager<Uuid> = Pager::new(PAGE, q.limit, q.cursor.as_deref())?;
    let owner = if q.all { None } else { Some(user.id) };
    let (before, fetch) = (pager.after, pager.fetch());
    let jobs = state.store.read(move |c| Job::list(c, owner, before, fetch).map_err(DbError::from)).await?;
    let page = pager.page(jobs, |job| job.id);
    Ok(HttpResponse::Ok().json(JobList { items: page.items, next_cursor: page.next_cursor }))
}

/// Cancel a job that has not started.
#[utoipa::path(post, path = "/api/ai/jobs/{id}/cancel",
    params(("id" = Uuid, Path,)), tag = "ai", security(("bearer" = [])),
    responses((status = 200, body = Job), (status = 404, body = Problem), (status = 409, description = "`not_queued`", body = Problem)))]
pub async fn cancel(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let job = state.store.write(move |c| Job::cancel(c, &user, id)).await?;
    Ok(HttpResponse::Ok().json(job))
}
