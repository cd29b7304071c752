//! `/api/work/sites/{id}/settings` (a site's time zone) and
//! `/api/work/procedures/{id}/settings` (what a failed check gives).

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::procedure_refs::ProcedureRef;
use gamme_service_kit::Json;
use gamme_service_kit::Problem;
use uuid::Uuid;

use crate::{
    error::WorkError,
    settings::{self, ProcedureSettings, SiteSettings, SiteSettingsView},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sites/{id}/settings", web::get().to(get_site))
        .route("/sites/{id}/settings", web::put().to(set_site))
        .route("/procedures/{id}/settings", web::get().to(get_procedure))
        .route("/procedures/{id}/settings", web::put().to(set_procedure));
}

#[utoipa::path(operation_id = "work_sites_settings", get, path = "/api/work/sites/{id}/settings", tag = "settings", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = SiteSettingsView), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn get_site(
    _user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    let (id, zone) = (id.into_inner(), state.default_zone);
    let view = state.store.read(move |c| settings::site_settings(c, id, zone)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set a site's time zone (editors and admins): its plans fall due at their local time of day there.
#[utoipa::path(operation_id = "work_sites_set_settings", put, path = "/api/work/sites/{id}/settings", tag = "settings",
    params(("id" = Uuid, Path,)), request_body = SiteSettings, security(("bearer" = [])),
    responses((status = 200, body = SiteSettingsView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_site(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<SiteSettings>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let view = state.store.write(move |c| settings::set_site_settings(c, id, input)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(operation_id = "work_procedures_settings", get, path = "/api/work/procedures/{id}/settings", tag = "settings",
    params(("id" = Uuid, Path,)), security(("bearer" = [])), responses((status = 200, body = ProcedureSettings), (status = 404, body = Problem)))]
pub async fn get_procedure(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    let (id, editor) = (id.into_inner(), user.is(Roles::EDITORS));
    let view = state
        .store
        .read(move |c| {
            if editor {
                crate::refs::procedure(c, id)?;
            } else if !ProcedureRef::find(c, id)?.is_some_and(|p| p.published_revision_id.is_some() && !p.archived) {
                // As procedures answers them: a procedure that is only a draft, or archived,
                // does not exist for a viewer or a technician.
                return Err(WorkError::NotFound("procedure"));
            }
            Ok::<_, WorkError>(ProcedureSettings { follow_up: settings::follow_up_mode(c, id)? })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// What a completed run of the procedure with a failed check or an out-of-limit reading gives:
/// a proposed follow-up (the default), an open one, or none (editors and admins).
#[utoipa::path(operation_id = "work_procedures_set_settings", put, path = "/api/work/procedures/{id}/settings", tag = "settings",
    params(("id" = Uuid, Path,)), request_body = ProcedureSettings, security(("bearer" = [])),
    responses((status = 200, body = ProcedureSettings), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn set_procedure(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<ProcedureSettings>,
) -> Result<HttpResponse, Problem> {
    user.require(Roles::EDITORS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let view = state.store.write(move |c| settings::set_procedure_settings(c, id, input)).await?;
    Ok(HttpResponse::Ok().json(view))
}
