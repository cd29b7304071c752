//! `/api/procedures/{id}/revisions`: drafts, review and publication, diffs and statistics.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    audit::{AuditEvent, Change},
    diff::{self, RevisionDiff},
    error::ProcError,
    procedures::Procedure,
    revisions::{Revision, RevisionPatch, RevisionStatus, RevisionSummary, RevisionView},
    search,
    stats::{self, RevisionStats},
    steps::{Content, ContentInput},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/{id}/revisions", web::get().to(list))
        .route("/{id}/revisions", web::post().to(new_draft))
        .route("/{id}/revisions/{n}", web::get().to(get))
        .route("/{id}/revisions/{n}", web::patch().to(update))
        .route("/{id}/revisions/{n}/content", web::put().to(replace_content))
        .route("/{id}/revisions/{n}/submit", web::post().to(submit))
        .route("/{id}/revisions/{n}/approve", web::post().to(approve))
        .route("/{id}/revisions/{n}/reject", web::post().to(reject))
        .route("/{id}/revisions/{n}/archive", web::post().to(archive))
        .route("/{id}/revisions/{n}/stats", web::get().to(statistics))
        .route("/{id}/revisions/{a}/diff/{b}", web::get().to(diff));
}

#[derive(Serialize, ToSchema)]
pub struct RevisionList {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    /// Required to reject: what the author must change.
    #[serde(default)]
    pub comment: String,
}

fn record(
    c: &mut diesel::PgConnection,
    user: &AuthUser,
    action: &str,
    revision: &Revision,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), ProcError> {
    AuditEvent::record(
        c,
        Change {
            actor_id: user.id,
            action,
            entity_type: "revision",
            entity_id: revision.id,
            procedure_id: Some(revision.procedure_id),
            before,
            after,
        },
    )?;
    Ok(())
}

fn status_change(before: &Revision, after: &Revision) -> (serde_json::Value, serde_json::Value) {
    (
        json!({ "number": before.number, "status": before.status }),
        json!({ "number": after.number, "status": after.status }),
    )
}

/// The revisions of a procedure (readers: published and superseded ones).
#[utoipa::path(operation_id = "revisions_list", get, path = "/api/procedures/{id}/revisions",
    params(("id" = Uuid, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionList), (status = 404, body = Problem)))]
pub async fn list(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let items = state
        .read(move |c| {
            Procedure::visible_to(c, id, &user)?;
            Ok(Revision::list(c, id)?
                .iter()
                .filter(|r| user.is(Roles::EDITORS) || r.status().is_public())
                .map(Revision::summary)
                .collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(RevisionList { items }))
}

/// One revision, whole.
#[utoipa::path(operation_id = "revisions_get", get, path = "/api/procedures/{id}/revisions/{n}",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 404, body = Problem)))]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, n) = path.into_inner();
    let view = state
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            Ok(procedure.revision_visible_to(c, n, &user)?.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Start a new draft copied from the newest revision (editors and admins).
#[utoipa::path(operation_id = "revisions_new_draft", post, path = "/api/procedures/{id}/revisions",
    params(("id" = Uuid, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 201, body = RevisionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`draft_exists` or `procedure_archived`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn new_draft(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let view = state
        .write(move |c| {
            let mut procedure = Procedure::find_for_update(c, id)?;
            if procedure.archived_at.is_some() {
                return Err(ProcError::conflict("procedure_archived", "This procedure is archived."));
            }
            let source_id = procedure.published_revision_id.or(procedure.latest_revision_id);
            if let Some(open) = Revision::list(c, id)?
                .into_iter()
                .find(|r| matches!(r.status(), RevisionStatus::Draft | RevisionStatus::InReview))
            {
                return Err(ProcError::conflict(
                    "draft_exists",
                    format!("Revision {} is already {}: work on it instead.", open.number, open.status),
                ));
            }
            let source = Revision::by_id(c, source_id.ok_or(ProcError::NotFound("revision"))?)?;
            let number = Revision::max_number(c, id)? + 1;
            let mut draft = Revision::new_draft(id, number, user.id, source.fields().check()?);
            draft.based_on_revision_id = Some(source.id);
            draft.translated_from_revision_id = source.translated_from_revision_id;
            draft.insert(c)?;
            let content = Content::load(c, source.id)?;
            let keys: Vec<Uuid> = content.steps().map(|s| s.key).collect();
            Content::replace(c, draft.id, &content.to_input(), Some(&keys))?;
            search::reindex(c, &procedure.code, &draft)?;
            procedure.latest_revision_id = Some(draft.id);
            procedure.set_revisions(c)?;
            record(
                c,
                &user,
                "revision.created",
                &draft,
                None,
                Some(json!({ "number": number, "based_on": source.number })),
            )?;
            Ok(draft.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Edit a draft's title, description, tags, language, duration, tools, parts or PPE.
#[utoipa::path(operation_id = "revisions_update", patch, path = "/api/procedures/{id}/revisions/{n}",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", request_body = RevisionPatch,
    security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`not_a_draft`", body = Problem)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
    body: web::Json<RevisionPatch>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let patch = body.into_inner();
    let view = state
        .write(move |c| {
            let procedure = Procedure::find_for_update(c, id)?;
            let mut revision = Revision::find_for_update(c, id, n)?;
            revision.require_draft()?;
            let before = json!(revision.fields());
            revision.apply(&patch)?;
            revision.updated_at = crate::now();
            revision.save(c)?;
            search::reindex(c, &procedure.code, &revision)?;
            record(c, &user, "revision.updated", &revision, Some(before), Some(json!(revision.fields())))?;
            Ok(revision.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Replace a draft's sections and steps in one call: reorder, insert and delete together.
/// Steps sent with their `id` keep it; steps left out are deleted.
#[utoipa::path(operation_id = "revisions_replace_content", put, path = "/api/procedures/{id}/revisions/{n}/content",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", request_body = ContentInput,
    security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`not_a_draft`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn replace_content(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
    body: web::Json<ContentInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let input = body.into_inner();
    let view = state
        .write(move |c| {
            let procedure = Procedure::find_for_update(c, id)?;
            let mut revision = Revision::find_for_update(c, id, n)?;
            revision.require_draft()?;
            let before = Content::load(c, revision.id)?;
            Content::replace(c, revision.id, &input, None)?;
            let after = Content::load(c, revision.id)?;
            revision.updated_at = crate::now();
            revision.save(c)?;
            search::index_revision(c, &procedure.code, &revision, &after)?;
            record(c, &user, "revision.content_replaced", &revision, Some(json!(before)), Some(json!(after)))?;
            Ok(revision.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Submit a draft for review.
#[utoipa::path(operation_id = "revisions_submit", post, path = "/api/procedures/{id}/revisions/{n}/submit",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "`no_steps`", body = Problem)))]
pub async fn submit(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let view = state
        .write(move |c| {
            Procedure::find_for_update(c, id)?;
            let mut revision = Revision::find_for_update(c, id, n)?;
            revision.require_draft()?;
            if Content::load(c, revision.id)?.step_count() == 0 {
                return Err(ProcError::Unprocessable {
                    code: "no_steps",
                    message: "A revision needs at least one step before review.".into(),
                    errors: None,
                });
            }
            let before = revision.clone();
            revision.status = RevisionStatus::InReview.as_str().to_owned();
            revision.submitted_at = Some(crate::now());
            revision.updated_at = crate::now();
            revision.save(c)?;
            let (b, a) = status_change(&before, &revision);
            record(c, &user, "revision.submitted", &revision, Some(b), Some(a))?;
            Ok(revision.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approve a revision in review: it is published and the one before is superseded. The
/// author of a revision cannot approve it.
#[utoipa::path(operation_id = "revisions_approve", post, path = "/api/procedures/{id}/revisions/{n}/approve",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", request_body = ReviewDecision,
    security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 403, description = "`forbidden`: own revision or not a reviewer", body = Problem),
        (status = 409, description = "`not_in_review`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn approve(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    path: web::Path<(Uuid, i32)>,
    body: Option<web::Json<ReviewDecision>>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let comment = body.map(|b| b.into_inner().comment).unwrap_or_default();
    let comment = crate::validate::bounded("comment", comment.trim(), 5000)?;
    let correlation = Some(request_id.as_str().to_owned());
    let view = state
        .write(move |c| {
            let mut procedure = Procedure::find_for_update(c, id)?;
            let mut revision = Revision::find_for_update(c, id, n)?;
            if revision.status() != RevisionStatus::InReview {
                return Err(ProcError::conflict(
                    "not_in_review",
                    format!("Revision {} is {}; only a revision in review can be approved.", n, revision.status),
                ));
            }
            if revision.author_id == user.id || AuditEvent::edited_by(c, revision.id, user.id)? {
                return Err(ProcError::Forbidden(
                    "You wrote or edited this revision: another editor must approve it (four-eyes rule).".into(),
                ));
            }
            let now = crate::now();
            let mut superseded = None;
            if let Some(old_id) = procedure.published_revision_id {
                let mut old = Revision::by_id(c, old_id)?;
                old.status = RevisionStatus::Superseded.as_str().to_owned();
                old.superseded_at = Some(now);
                old.updated_at = now;
                old.save(c)?;
                record(
                    c,
                    &user,
                    "revision.superseded",
                    &old,
                    Some(json!({ "status": "published" })),
                    Some(json!({ "status": "superseded", "by": n })),
                )?;
                superseded = Some(old_id);
            }
            let before = revision.clone();
            revision.status = RevisionStatus::Published.as_str().to_owned();
            revision.reviewed_by = Some(user.id);
            revision.reviewed_at = Some(now);
            revision.published_at = Some(now);
            revision.updated_at = now;
            revision.save(c)?;
            revision.add_review(c, user.id, "approved", &comment)?;
            procedure.published_revision_id = Some(revision.id);
            procedure.latest_revision_id = Some(revision.id);
            procedure.set_revisions(c)?;
            let (b, mut a) = status_change(&before, &revision);
            a["comment"] = json!(comment);
            record(c, &user, "revision.approved", &revision, Some(b), Some(a))?;
            outbox::enqueue(
                c,
                &Envelope::new(
                    Event::ProcedurePublished {
                        procedure_id: id,
                        revision_id: revision.id,
                        number: revision.number,
                        code: procedure.code.clone(),
                        title: revision.title.clone(),
                        superseded_revision_id: superseded,
                    },
                    correlation,
                ),
            )?;
            Ok(revision.view(c)?)
        })
        .await?;
    tracing::info!(procedure_id = %id, revision = n, "revision published");
    Ok(HttpResponse::Ok().json(view))
}

/// Send a revision in review back to draft, with a comment for the author.
#[utoipa::path(operation_id = "revisions_reject", post, path = "/api/procedures/{id}/revisions/{n}/reject",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", request_body = ReviewDecision,
    security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 400, description = "no comment", body = Problem),
        (status = 403, body = Problem), (status = 409, description = "`not_in_review`", body = Problem)))]
pub async fn reject(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
    body: web::Json<ReviewDecision>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let comment = crate::validate::required_text("comment", &body.comment, 5000).map_err(|_| {
        ProcError::invalid("Say what must change: a rejection needs a comment (up to 5000 characters).")
    })?;
    let view = state
        .write(move |c| {
            Procedure::find_for_update(c, id)?;
            let mut revision = Revision::find_for_update(c, id, n)?;
            if revision.status() != RevisionStatus::InReview {
                return Err(ProcError::conflict(
                    "not_in_review",
                    format!("Revision {} is {}; only a revision in review can be rejected.", n, revision.status),
                ));
            }
            if revision.author_id == user.id {
                return Err(ProcError::Forbidden("You wrote this revision: another editor reviews it.".into()));
            }
            let before = revision.clone();
            revision.status = RevisionStatus::Draft.as_str().to_owned();
            revision.reviewed_by = Some(user.id);
            revision.reviewed_at = Some(crate::now());
            revision.updated_at = crate::now();
            revision.save(c)?;
            revision.add_review(c, user.id, "rejected", &comment)?;
            let (b, mut a) = status_change(&before, &revision);
            a["comment"] = json!(comment);
            record(c, &user, "revision.rejected", &revision, Some(b), Some(a))?;
            Ok(revision.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Abandon a draft or a revision in review.
#[utoipa::path(operation_id = "revisions_archive", post, path = "/api/procedures/{id}/revisions/{n}/archive",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn archive(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let view = state
        .write(move |c| {
            let mut procedure = Procedure::find_for_update(c, id)?;
            let mut revision = Revision::find_for_update(c, id, n)?;
            if !matches!(revision.status(), RevisionStatus::Draft | RevisionStatus::InReview) {
                return Err(ProcError::conflict(
                    "not_a_draft",
                    "Only a draft or a revision in review can be abandoned; archive the procedure instead.",
                ));
            }
            let before = revision.clone();
            revision.status = RevisionStatus::Archived.as_str().to_owned();
            revision.updated_at = crate::now();
            revision.save(c)?;
            if procedure.latest_revision_id == Some(revision.id) {
                procedure.latest_revision_id = procedure.published_revision_id.or(revision.based_on_revision_id);
                procedure.set_revisions(c)?;
            }
            let (b, a) = status_change(&before, &revision);
            record(c, &user, "revision.archived", &revision, Some(b), Some(a))?;
            Ok(revision.view(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// What changed from revision `a` to revision `b`: fields, and steps added, removed, moved or
/// changed field by field.
#[utoipa::path(operation_id = "revisions_diff", get, path = "/api/procedures/{id}/revisions/{a}/diff/{b}", tag = "revisions", security(("bearer" = [])),
    params(("id" = Uuid, Path,), ("a" = i32, Path,), ("b" = i32, Path,)),
    responses((status = 200, body = RevisionDiff), (status = 404, body = Problem)))]
pub async fn diff(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, a, b) = path.into_inner();
    let result = state
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            let from = procedure.revision_visible_to(c, a, &user)?;
            let to = procedure.revision_visible_to(c, b, &user)?;
            let (fc, tc) = (Content::load(c, from.id)?, Content::load(c, to.id)?);
            Ok(diff::diff(&from, &fc, &to, &tc))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// For each step of a revision: how often it failed, read out of limits, got a note, and the
/// median time technicians spent on it (completed runs only).
#[utoipa::path(operation_id = "revisions_statistics", get, path = "/api/procedures/{id}/revisions/{n}/stats",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionStats), (status = 404, body = Problem)))]
pub async fn statistics(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, n) = path.into_inner();
    let result = state
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            let revision = procedure.revision_visible_to(c, n, &user)?;
            Ok(stats::for_revision(c, &revision)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}
