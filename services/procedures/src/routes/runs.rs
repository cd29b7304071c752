//! `/api/runs`: start a run, record step results (idempotent), complete with a sign-off.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::{
    paging::{PageSize, Pager},
    schema::{
        procedures as procedures_table, revisions as revisions_table, run_step_results, runs as runs_table, users,
    },
};
use gamme_service_kit::{Problem, RequestId};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    assets::Asset,
    audit::{AuditEvent, Change},
    diff,
    error::ProcError,
    procedures::Procedure,
    revisions::Revision,
    runs::{
        evaluate, CompleteRun, NewerRevision, ResultInput, ResultView, Run, RunFilter, RunSummary, RunView, StartRun,
        StepResult,
    },
    steps::Content,
    validate, AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("", web::post().to(start))
        .route("/{id}", web::get().to(get))
        .route("/{id}/steps/{step_id}", web::put().to(record_step))
        .route("/{id}/complete", web::post().to(complete));
}

#[derive(Serialize, ToSchema)]
pub struct RunPage {
    /// Newest first.
    pub items: Vec<RunSummary>,
    pub next_cursor: Option<String>,
}

fn audit_run(
    c: &mut PgConnection,
    user: &AuthUser,
    action: &str,
    run: &Run,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), ProcError> {
    AuditEvent::record(
        c,
        Change {
            actor_id: user.id,
            action,
            entity_type: "run",
            entity_id: run.id,
            procedure_id: Some(run.procedure_id),
            before,
            after,
        },
    )?;
    Ok(())
}

type SummaryRow = (Run, String, String, i32, String);

fn summary((run, code, title, number, technician): SummaryRow) -> RunSummary {
    RunSummary {
        id: run.id,
        procedure_id: run.procedure_id,
        procedure_code: code,
        title,
        revision_id: run.revision_id,
        revision_number: number,
        asset_id: run.asset_id,
        technician_id: run.technician_id,
        technician_name: technician,
        status: run.status,
        outcome: run.outcome,
        started_at: run.started_at,
        completed_at: run.completed_at,
        work_order_id: run.work_order_id,
    }
}

fn view(c: &mut PgConnection, run: Run) -> Result<RunView, ProcError> {
    let revision = Revision::by_id(c, run.revision_id)?;
    let procedure = Procedure::find(c, run.procedure_id)?;
    let content = Content::load(c, revision.id)?;
    let results = StepResult::for_run(c, run.id)?;
    let (missing, flagged) = Run::check(&content, &results);
    let newer_revision = match procedure.published_revision_id {
        Some(pid) if pid != revision.id => {
            let newer = Revision::by_id(c, pid)?;
            if newer.number > revision.number {
                let newer_content = Content::load(c, newer.id)?;
                Some(NewerRevision {
                    number: newer.number,
                    diff: diff::diff(&revision, &content, &newer, &newer_content),
                })
            } else {
                None
            }
        }
        _ => None,
    };
    let technician = Run::technician_name(c, run.technician_id)?;
    let result_views: Vec<ResultView> =
        results.iter().map(|r| r.view(content.steps().find(|s| s.id == r.step_id))).collect();
    let revision_view = revision.view(c)?;
    Ok(RunView {
        signoff_name: run.signoff_name.clone(),
        signoff_at: run.signoff_at,
        signature_file_id: run.signature_file_id,
        summary: summary((run, procedure.code, revision.title.clone(), revision.number, technician)),
        revision: revision_view,
        results: result_views,
        flagged,
        missing_steps: missing.iter().map(|s| s.id).collect(),
        newer_revision,
    })
}

/// 1–200, 50 by default.
const RUN_PAGE: PageSize = PageSize::new(50, 200);

/// Lists runs with `filter`, newest first; shared with `/api/assets/{id}/runs`.
pub async fn list_runs(state: &AppState, filter: RunFilter) -> Result<(Vec<RunSummary>, Option<String>), Problem> {
    let pager: Pager<(DateTime<Utc>, Uuid)> = Pager::new(RUN_PAGE, filter.limit, filter.cursor.as_deref())?;
    if filter.outcome.as_deref().is_some_and(|o| !matches!(o, "passed" | "failed")) {
        return Err(ProcError::invalid("`outcome` is `passed` or `failed`.").into());
    }
    if filter.status.as_deref().is_some_and(|o| !matches!(o, "in_progress" | "completed")) {
        return Err(ProcError::invalid("`status` is `in_progress` or `completed`.").into());
    }
    let (after, fetch) = (pager.after, pager.fetch());
    let page = state
        .read(move |c| {
            let mut q = runs_table::table
                .inner_join(procedures_table::table.on(procedures_table::id.eq(runs_table::procedure_id)))
                .inner_join(revisions_table::table.on(revisions_table::id.eq(runs_table::revision_id)))
                .inner_join(users::table.on(users::id.eq(runs_table::technician_id)))
                .select((
                    Run::as_select(),
                    procedures_table::code,
                    revisions_table::title,
                    revisions_table::number,
                    users::display_name,
                ))
                .order((runs_table::started_at.desc(), runs_table::id.desc()))
                .limit(fetch)
                .into_boxed();
            if let Some(p) = filter.procedure {
                q = q.filter(runs_table::procedure_id.eq(p));
            }
            if let Some(a) = filter.asset {
                q = q.filter(runs_table::asset_id.eq_any(Asset::subtree_ids(c, a)?));
            }
            if let Some(t) = filter.technician {
                q = q.filter(runs_table::technician_id.eq(t));
            }
            if let Some(from) = filter.from {
                q = q.filter(runs_table::started_at.ge(from));
            }
            if let Some(to) = filter.to {
                q = q.filter(runs_table::started_at.lt(to));
            }
            if let Some(o) = filter.outcome {
                q = q.filter(runs_table::outcome.eq(o));
            }
            if let Some(s) = filter.status {
                q = q.filter(runs_table::status.eq(s));
            }
            if let Some((at, id)) = after {
                q = q
                    .filter(runs_table::started_at.lt(at).or(runs_table::started_at.eq(at).and(runs_table::id.lt(id))));
            }
            let rows: Vec<SummaryRow> = q.load(c)?;
            Ok(rows)
        })
        .await?;
    let page = pager.page(page.into_iter().map(summary).collect(), |r: &RunSummary| (r.started_at, r.id));
    Ok((page.items, page.next_cursor))
}

/// Runs by procedure, asset (with what is under it), technician, date and outcome.
#[utoipa::path(operation_id = "runs_list", get, path = "/api/runs", tag = "runs", params(RunFilter), security(("bearer" = [])),
    responses((status = 200, body = RunPage), (status = 400, body = Problem)))]
pub async fn list(
    _user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<RunFilter>,
) -> Result<HttpResponse, Problem> {
    let (items, next_cursor) = list_runs(&state, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(RunPage { items, next_cursor }))
}

/// Start a run of a procedure's published revision.
#[utoipa::path(operation_id = "runs_start", post, path = "/api/runs", tag = "runs", request_body = StartRun, security(("bearer" = [])),
    responses((status = 201, body = RunView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`not_published`, `work_order_not_startable`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn start(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    body: web::Json<StartRun>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let b = body.into_inner();
    let view = state
        .write(move |c| {
            let procedure = Procedure::visible_to(c, b.procedure_id, &user)?;
            let revision_id = match (procedure.archived_at, procedure.published_revision_id) {
                (None, Some(id)) => id,
                _ => {
                    return Err(ProcError::conflict("not_published", "Only a published procedure can be run."));
                }
            };
            let asset_id = match b.work_order_id {
                Some(order) => Some(crate::runs::work_order_asset(c, order, procedure.id, b.asset_id, &user)?),
                None => b.asset_id,
            };
            if let Some(asset_id) = asset_id {
                let asset = Asset::find(c, asset_id).map_err(|_| ProcError::invalid("The asset does not exist."))?;
                if asset.archived_at.is_some() {
                    return Err(ProcError::conflict("asset_archived", "This asset is archived."));
                }
            }
            let run = Run {
                id: Uuid::now_v7(),
                procedure_id: procedure.id,
                revision_id,
                asset_id,
                technician_id: user.id,
                status: "in_progress".into(),
                outcome: None,
                started_at: crate::now(),
                completed_at: None,
                signoff_name: None,
                signoff_at: None,
                signature_file_id: None,
                work_order_id: b.work_order_id,
            };
            diesel::insert_into(runs_table::table).values(&run).execute(c)?;
            outbox::enqueue(
                c,
                &Envelope::new(
                    Event::RunStarted {
                        run_id: run.id,
                        procedure_id: run.procedure_id,
                        revision_id: run.revision_id,
                        asset_id: run.asset_id,
                        technician_id: run.technician_id,
                        work_order_id: run.work_order_id,
                    },
                    Some(request_id.as_str().to_owned()),
                ),
            )?;
            audit_run(
                c,
                &user,
                "run.started",
                &run,
                None,
                Some(json!({ "revision_id": revision_id, "asset_id": asset_id, "work_order_id": b.work_order_id })),
            )?;
            view(c, run)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A run with the revision it follows, its results, what is missing and what was flagged.
#[utoipa::path(operation_id = "runs_get", get, path = "/api/runs/{id}",
    params(("id" = Uuid, Path,)), tag = "runs", security(("bearer" = [])),
    responses((status = 200, body = RunView), (status = 404, body = Problem)))]
pub async fn get(_user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let v = state
        .read(move |c| {
            let run = Run::find(c, id)?;
            view(c, run)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

fn require_own_run(user: &AuthUser, run: &Run) -> Result<(), ProcError> {
    if run.technician_id == user.id || user.is(Roles::ADMINS) {
        Ok(())
    } else {
        Err(ProcError::Forbidden("Only the technician who started this run can record it.".into()))
    }
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
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<ResultInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let (run_id, step_id) = path.into_inner();
    let input = body.into_inner();
    let note = validate::optional_text("note", input.note.as_deref(), 5000)?;
    let result = state
        .write(move |c| {
            let run = Run::find_for_update(c, run_id)?;
            require_own_run(&user, &run)?;
            let content = Content::load(c, run.revision_id)?;
            let step =
                content.steps().find(|s| s.id == step_id).cloned().ok_or(ProcError::NotFound("step in this run"))?;
            if let Some(existing) = StepResult::by_client_id(c, run_id, input.result_id)? {
                if existing.run_id != run_id || existing.step_id != step_id {
                    return Err(ProcError::conflict("result_id_conflict", "This result id belongs to another step."));
                }
                return Ok(existing.view(Some(&step)));
            }
            run.require_open()?;
            let evaluated = evaluate(&step, &input)?;
            validate::files_exist(c, &input.photo_ids, "Photos")?;
            if step.kind == crate::steps::StepKind::Signature {
                let signature: Vec<Uuid> = evaluated
                    .value
                    .as_ref()
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .into_iter()
                    .collect();
                validate::files_exist(c, &signature, "Signature")?;
            }
            let previous: Option<StepResult> = run_step_results::table
                .filter(run_step_results::run_id.eq(run_id))
                .filter(run_step_results::step_id.eq(step_id))
                .select(StepResult::as_select())
                .first(c)
                .optional()?;
            let stored = StepResult {
                id: input.result_id,
                run_id,
                step_id,
                value: evaluated.value,
                note,
                photo_ids: input.photo_ids,
                passed: evaluated.passed,
                out_of_limit: evaluated.out_of_limit,
                recorded_by: user.id,
                recorded_at: crate::now(),
                replaced_ids: previous
                    .as_ref()
                    .map(|p| p.replaced_ids.iter().copied().chain([p.id]).collect())
                    .unwrap_or_default(),
            };
            if let Some(prev) = &previous {
                diesel::delete(run_step_results::table.find(prev.id)).execute(c)?;
            }
            diesel::insert_into(run_step_results::table).values(&stored).execute(c)?;
            audit_run(c, &user, "run.step_recorded", &run, previous.map(|p| json!(p)), Some(json!(stored)))?;
            Ok(stored.view(Some(&step)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Sign off a run. Every required step needs a result, and failed checks or out-of-limit
/// readings a note; then the run never changes.
#[utoipa::path(operation_id = "runs_complete", post, path = "/api/runs/{id}/complete",
    params(("id" = Uuid, Path,)), tag = "runs", request_body = CompleteRun, security(("bearer" = [])),
    responses((status = 200, body = RunView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`run_completed`", body = Problem),
        (status = 422, description = "`missing_steps` (named in `errors`) or `notes_required`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn complete(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: web::Json<CompleteRun>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::RUNNERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let correlation = Some(request_id.as_str().to_owned());
    let v = state
        .write(move |c| {
            let mut run = Run::find_for_update(c, id)?;
            require_own_run(&user, &run)?;
            let content = Content::load(c, run.revision_id)?;
            run.require_open()?;
            validate::files_exist(c, &input.signature_file_id.into_iter().collect::<Vec<_>>(), "Signature")?;
            let flagged = run.complete(c, &content, &input)?;
            audit_run(
                c,
                &user,
                "run.completed",
                &run,
                Some(json!({ "status": "in_progress" })),
                Some(json!({ "status": run.status, "outcome": run.outcome, "signoff_name": run.signoff_name,
                    "signature_file_id": run.signature_file_id })),
            )?;
            outbox::enqueue(
                c,
                &Envelope::new(
                    Event::RunCompleted {
                        run_id: run.id,
                        procedure_id: run.procedure_id,
                        revision_id: run.revision_id,
                        asset_id: run.asset_id,
                        technician_id: run.technician_id,
                        outcome: run.outcome.clone().unwrap_or_default(),
                        flagged_steps: flagged
                            .iter()
                            .map(|f| gamme_bus::FlaggedStep {
                                step_id: f.step_id,
                                number: f.number,
                                title: f.title.clone(),
                                reason: f.reason.clone(),
                            })
                            .collect(),
                        work_order_id: run.work_order_id,
                    },
                    correlation,
                ),
            )?;
            view(c, run)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}
