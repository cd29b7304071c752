//! `/api/procedures/{id}/revisions`: drafts, review and publication, diffs and statistics.

use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use gamme_auth_token::{AuthUser, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId, Store};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    diff::{self, RevisionDiff},
    error::ProcError,
    procedures::Procedure,
    reviews::ReviewDecision,
    revisions::{Approval, Revision, RevisionPatch, RevisionSummary, RevisionView},
    safety::{self, SafetyReview},
    signatures::SigningPolicy,
    stats::{self, RevisionStats},
    steps::{Content, ContentInput},
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
        .route("/{id}/revisions/{n}/safety-review", web::get().to(safety_review))
        .route("/{id}/revisions/{a}/diff/{b}", web::get().to(diff));
}

/// Locks revision `n` of procedure `id` (and the procedure), makes `change` to it in one
/// transaction, and answers the revision whole.
async fn change<F>(store: &Store, id: Uuid, n: i32, change: F) -> Result<RevisionView, ProcError>
where
    F: FnOnce(&mut PgConnection, &mut Procedure, &mut Revision) -> Result<(), ProcError> + Send + 'static,
{
    store
        .write(move |c| {
            let (mut procedure, mut revision) = Revision::lock(c, id, n)?;
            change(c, &mut procedure, &mut revision)?;
            Ok(revision.view(c)?)
        })
        .await
}

#[derive(Serialize, ToSchema)]
pub struct RevisionList {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
}

/// The revisions of a procedure (readers: published and superseded ones).
#[utoipa::path(operation_id = "revisions_list", get, path = "/api/procedures/{id}/revisions",
    params(("id" = Uuid, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionList), (status = 404, body = Problem)))]
pub async fn list(user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let items = store.read(move |c| Revision::list_visible(c, id, &user)).await?;
    Ok(HttpResponse::Ok().json(RevisionList { items }))
}

/// One revision, whole.
#[utoipa::path(operation_id = "revisions_get", get, path = "/api/procedures/{id}/revisions/{n}",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 404, body = Problem)))]
pub async fn get(
    user: AuthUser,
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, n) = path.into_inner();
    let view = store
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            Ok::<_, ProcError>(Revision::visible_to(c, &procedure, n, &user)?.view(c)?)
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
pub async fn new_draft(user: AuthUser, store: web::Data<Store>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let id = id.into_inner();
    let view = store
        .write(move |c| {
            let mut procedure = Procedure::find_for_update(c, id)?;
            Ok::<_, ProcError>(Revision::start_draft(c, &mut procedure, &user)?.view(c)?)
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
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
    body: Json<RevisionPatch>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let ((id, n), patch) = (path.into_inner(), body.into_inner());
    let view = change(&store, id, n, move |c, p, r| r.edit(c, p, &user, &patch)).await?;
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
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
    body: Json<ContentInput>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let ((id, n), input) = (path.into_inner(), body.into_inner());
    let view = change(&store, id, n, move |c, p, r| r.replace_content(c, p, &user, &input)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Submit a draft for review.
#[utoipa::path(operation_id = "revisions_submit", post, path = "/api/procedures/{id}/revisions/{n}/submit",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "`no_steps`", body = Problem)))]
pub async fn submit(
    user: AuthUser,
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let view = change(&store, id, n, move |c, _, r| r.submit(c, &user)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approve a revision in review: it is published and the one before is superseded. The
/// author of a revision cannot approve it. Approving is a signature (`approved`, over the
/// revision's fields and content): it needs a sign-in a few minutes old at most, so confirm
/// the password first (`POST /api/auth/reauthenticate`).
#[utoipa::path(operation_id = "revisions_approve", post, path = "/api/procedures/{id}/revisions/{n}/approve",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", request_body = ReviewDecision,
    security(("bearer" = [])),
    responses((status = 200, body = RevisionView),
        (status = 403, description = "`forbidden`: own revision or not a reviewer; `reauthentication_required`: the sign-in is too old to sign", body = Problem),
        (status = 409, description = "`not_in_review`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn approve(
    user: AuthUser,
    store: web::Data<Store>,
    signing: web::Data<SigningPolicy>,
    request_id: RequestId,
    path: web::Path<(Uuid, i32)>,
    body: Option<Json<ReviewDecision>>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let approval = Approval {
        comment: body.map(|b| b.into_inner().comment).unwrap_or_default(),
        policy: **signing,
        correlation: Some(request_id.as_str().to_owned()),
    };
    let view = change(&store, id, n, move |c, p, r| r.approve(c, p, &user, approval)).await?;
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
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
    body: Json<ReviewDecision>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let ((id, n), comment) = (path.into_inner(), body.into_inner().comment);
    let view = change(&store, id, n, move |c, _, r| r.reject(c, &user, &comment)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Abandon a draft or a revision in review.
#[utoipa::path(operation_id = "revisions_archive", post, path = "/api/procedures/{id}/revisions/{n}/archive",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = RevisionView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn archive(
    user: AuthUser,
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, n) = path.into_inner();
    let view = change(&store, id, n, move |c, p, r| r.abandon(c, p, &user)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// What changed from revision `a` to revision `b`: fields, and steps added, removed, moved or
/// changed field by field.
#[utoipa::path(operation_id = "revisions_diff", get, path = "/api/procedures/{id}/revisions/{a}/diff/{b}", tag = "revisions", security(("bearer" = [])),
    params(("id" = Uuid, Path,), ("a" = i32, Path,), ("b" = i32, Path,)),
    responses((status = 200, body = RevisionDiff), (status = 404, body = Problem)))]
pub async fn diff(
    user: AuthUser,
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, a, b) = path.into_inner();
    let result = store
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            let from = Revision::visible_to(c, &procedure, a, &user)?;
            let to = Revision::visible_to(c, &procedure, b, &user)?;
            let (fc, tc) = (Content::load(c, from.id)?, Content::load(c, to.id)?);
            Ok::<_, ProcError>(diff::diff(&from, &fc, &to, &tc))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// What revision `n` weakens compared with the published one (for the published revision: the
/// one it replaced): warnings removed or lowered, limits widened or dropped, lock-out,
/// zero-energy and protective-equipment steps removed, required steps made optional, PPE
/// removed. Each finding names the step on both sides. Found by rules, at once, for the
/// reviewer to read before approving.
#[utoipa::path(operation_id = "revisions_safety_review", get, path = "/api/procedures/{id}/revisions/{n}/safety-review",
    params(("id" = Uuid, Path,), ("n" = i32, Path,)), tag = "revisions", security(("bearer" = [])),
    responses((status = 200, body = SafetyReview), (status = 404, body = Problem)))]
pub async fn safety_review(
    user: AuthUser,
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, n) = path.into_inner();
    let result = store
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            let revision = Revision::visible_to(c, &procedure, n, &user)?;
            let Some(baseline) = safety::baseline_id(procedure.published_revision_id, &revision) else {
                let unsourced_limits = safety::unsourced_limits(None, &Content::load(c, revision.id)?);
                return Ok(SafetyReview {
                    revision_number: n,
                    against_number: None,
                    findings: Vec::new(),
                    unsourced_limits,
                });
            };
            let baseline = Revision::by_id(c, baseline)?;
            let (bc, rc) = (Content::load(c, baseline.id)?, Content::load(c, revision.id)?);
            Ok::<_, ProcError>(safety::review(&baseline, &bc, &revision, &rc))
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
    store: web::Data<Store>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, Problem> {
    let (id, n) = path.into_inner();
    let result = store
        .read(move |c| {
            let procedure = Procedure::visible_to(c, id, &user)?;
            let revision = Revision::visible_to(c, &procedure, n, &user)?;
            Ok::<_, ProcError>(stats::for_revision(c, &revision)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}
