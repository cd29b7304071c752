//! The procedures service's OpenAPI document, served at `/api/procedures/openapi.json` and
//! committed at `docs/openapi/procedures.json`, from which the web UI's client is generated.

use actix_web::HttpResponse;
use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gamme procedures",
        description = "Assets, procedures and their revisions with approval, runs, search, statistics and the audit log."
    ),
    paths(
        routes::assets::list,
        routes::assets::get,
        routes::assets::create,
        routes::assets::update,
        routes::assets::archive,
        routes::assets::procedures,
        routes::assets::runs,
        routes::procedures::list,
        routes::procedures::create,
        routes::procedures::get,
        routes::procedures::update,
        routes::procedures::archive,
        routes::procedures::audit,
        routes::procedures::verify_audit,
        routes::procedures::export,
        routes::procedures::import,
        routes::revisions::list,
        routes::revisions::get,
        routes::revisions::new_draft,
        routes::revisions::update,
        routes::revisions::replace_content,
        routes::revisions::submit,
        routes::revisions::approve,
        routes::revisions::reject,
        routes::revisions::archive,
        routes::revisions::diff,
        routes::revisions::statistics,
        routes::runs::list,
        routes::runs::start,
        routes::runs::get,
        routes::runs::record_step,
        routes::runs::complete,
    ),
    components(schemas(gamme_service_kit::Problem)),
    modifiers(&BearerAuth),
)]
struct ProceduresApi;

pub fn document() -> utoipa::openapi::OpenApi {
    ProceduresApi::openapi()
}

pub async fn serve() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
