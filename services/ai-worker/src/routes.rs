//! `/api/ai`: ask for a job, follow it, list and cancel jobs, and say which provider answers.

use actix_web::{web, HttpResponse};
use diesel::{prelude::*, sql_types};
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::outbox;
use gamme_db::{
    locks,
    paging::{PageSize, Pager},
    DbError,
};
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    jobs::{Job, JobInput, JobView},
    provider::Assistant,
    worker::{JobMessage, JOBS},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(crate::openapi::serve))
        .route("/provider", web::get().to(provider))
        .route("/jobs", web::post().to(create))
        .route("/jobs", web::get().to(list))
        .route("/jobs/{id}", web::get().to(get))
        .route("/jobs/{id}/cancel", web::post().to(cancel));
}

#[derive(Serialize, ToSchema)]
pub struct ProviderInfo {
    /// `offline` or `openai`.
    pub provider: String,
    pub model: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListJobs {
    /// Admins: everyone's jobs.
    #[serde(default)]
    pub all: bool,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, 20 by default.
    pub limit: Option<i64>,
}

/// Newest first, by id (UUIDv7).
const PAGE: PageSize = PageSize::new(20, 100);

#[derive(Serialize, ToSchema)]
pub struct JobList {
    /// Newest first.
    pub items: Vec<JobView>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = sql_types::BigInt)]
    n: i64,
}

fn bad(message: impl Into<String>) -> Problem {
    Problem::bad_request("validation_failed", message)
}

fn language_ok(tag: &str) -> bool {
    let (p, r) = tag.split_once('-').map_or((tag, None), |(p, r)| (p, Some(r)));
    (2..=3).contains(&p.len())
        && p.chars().all(|c| c.is_ascii_lowercase())
        && r.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()))
}

/// Checks what can be checked before queueing, so a person hears of a mistake at once.
fn check_input(c: &mut PgConnection, user: &AuthUser, input: &JobInput) -> Result<(), Problem> {
    let files_exist = |c: &mut PgConnection, ids: &[Uuid]| -> Result<(), Problem> {
        if ids.is_empty() {
            return Ok(());
        }
        if ids.len() > 20 {
            return Err(bad("A job reads at most 20 documents."));
        }
        let found: Found = diesel::sql_query("SELECT count(*) AS n FROM files WHERE id = ANY($1)")
            .bind::<sql_types::Array<sql_types::Uuid>, _>(ids)
            .get_result(c)
            .map_err(|e| Problem::from(DbError::from(e)))?;
        let mut unique = ids.to_vec();
        unique.sort();
        unique.dedup();
        if usize::try_from(found.n).unwrap_or(0) != unique.len() {
            return Err(bad("One of the documents does not exist (or was deleted)."));
        }
        Ok(())
    };
    let revision_exists = |c: &mut PgConnection, procedure_id: Uuid, number: i32| -> Result<(), Problem> {
        let found: Found =
            diesel::sql_query("SELECT count(*) AS n FROM revisions WHERE procedure_id = $1 AND number = $2")
                .bind::<sql_types::Uuid, _>(procedure_id)
                .bind::<sql_types::Integer, _>(number)
                .get_result(c)
                .map_err(|e| Problem::from(DbError::from(e)))?;
        if found.n == 0 {
            return Err(Problem::not_found("There is no such revision."));
        }
        Ok(())
    };
    let editor = || user.require(Roles::EDITORS);
    match input {
        JobInput::DraftProcedure { file_ids, prompt, language } => {
            editor()?;
            if !language_ok(language) {
                return Err(bad("`language` must be a language tag such as `fr` or `en`."));
            }
            if prompt.as_deref().is_some_and(|p| p.chars().count() > 20_000) {
                return Err(bad("The description is limited to 20000 characters."));
            }
            if file_ids.is_empty() && prompt.as_deref().is_none_or(|p| p.trim().is_empty()) {
                return Err(bad("Give documents, a description of the job, or both."));
            }
            files_exist(c, file_ids)
        }
        JobInput::TranslateRevision { procedure_id, revision_number, target_language } => {
            editor()?;
            if !language_ok(target_language) {
                return Err(bad("`target_language` must be a language tag such as `fr` or `en`."));
            }
            revision_exists(c, *procedure_id, *revision_number)
        }
        JobInput::ReviewRevision { procedure_id, revision_number } => {
            editor()?;
            revision_exists(c, *procedure_id, *revision_number)
        }
        JobInput::AskDocument { file_ids, question } => {
            if file_ids.is_empty() {
                return Err(bad("Name at least one document."));
            }
            let q = question.trim();
            if q.is_empty() || q.chars().count() > 2000 {
                return Err(bad("The question must be 1 to 2000 characters."));
            }
            files_exist(c, file_ids)
        }
    }
}

/// Which provider answers jobs on this worker.
#[utoipa::path(get, path = "/api/ai/provider", tag = "ai", security(("bearer" = [])),
    responses((status = 200, body = ProviderInfo), (status = 401, body = Problem)))]
pub async fn provider(_user: AuthUser, state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(ProviderInfo {
        provider: state.provider.name().to_owned(),
        model: state.provider.model().map(str::to_owned),
    })
}

/// Ask for a job. The job and its queue message are committed together; the answer comes at
/// once with the job id, and the result later at `GET /api/ai/jobs/{id}`.
#[utoipa::path(post, path = "/api/ai/jobs", tag = "ai", request_body = JobInput, security(("bearer" = [])),
    responses((status = 202, body = JobView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 429, description = "`too_many_jobs`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    body: web::Json<JobInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.into_inner();
    let limit = state.max_open_jobs_per_user;
    let correlation = request_id.as_str().to_owned();
    let job = gamme_db::run(&state.pool, move |c| {
        check_input(c, &user, &input)?;
        c.transaction(|c| {
            // One person's jobs are counted one request at a time.
            locks::xact_ai_jobs_of(c, user.id)?;
            if Job::open_count(c, user.id)? >= limit {
                return Ok(Err(Problem::too_many_requests(
                    "too_many_jobs",
                    format!("You already have {limit} jobs waiting or running. Wait for one to finish or cancel one."),
                    30,
                )));
            }
            let job = Job::new(user.id, &input);
            job.insert(c)?;
            outbox::enqueue_work(c, &JOBS, "ai.job", Some(&correlation), json!(JobMessage { job_id: job.id }))?;
            Ok(Ok(job))
        })
        .map_err(|e: diesel::result::Error| Problem::from(DbError::from(e)))?
    })
    .await?;
    state.outbox.notify_one();
    tracing::info!(job_id = %job.id, kind = %job.kind, "AI job queued");
    Ok(HttpResponse::Accepted().insert_header(("Location", format!("/api/ai/jobs/{}", job.id))).json(job.view()))
}

fn visible(user: &AuthUser, job: Option<Job>) -> Result<Job, Problem> {
    match job {
        Some(job) if job.owner_id == user.id || user.is(Roles::ADMINS) => Ok(job),
        _ => Err(Problem::not_found("There is no such job.")),
    }
}

/// A job: its status, attempts, result or error, and the tokens it used.
#[utoipa::path(get, path = "/api/ai/jobs/{id}",
    params(("id" = Uuid, Path,)), tag = "ai", security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let job = gamme_db::run(&state.pool, move |c| Job::find(c, id).map_err(DbError::from)).await?;
    Ok(HttpResponse::Ok().json(visible(&user, job)?.view()))
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
    let jobs = gamme_db::run(&state.pool, move |c| Job::list(c, owner, before, fetch).map_err(DbError::from)).await?;
    let page = pager.page(jobs, |job| job.id);
    Ok(HttpResponse::Ok()
        .json(JobList { items: page.items.iter().map(Job::view).collect(), next_cursor: page.next_cursor }))
}

/// Cancel a job that has not started.
#[utoipa::path(post, path = "/api/ai/jobs/{id}/cancel",
    params(("id" = Uuid, Path,)), tag = "ai", security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 404, body = Problem), (status = 409, description = "`not_queued`", body = Problem)))]
pub async fn cancel(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let job = gamme_db::run(&state.pool, move |c| {
        let job = visible(&user, Job::find(c, id).map_err(DbError::from)?)?;
        if !Job::cancel(c, job.id).map_err(DbError::from)? {
            return Err(Problem::conflict(
                "not_queued",
                "This job has already started or finished: it cannot be cancelled.",
            ));
        }
        Ok(Job::find(c, id).map_err(DbError::from)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(job.map(|j| j.view())))
}
