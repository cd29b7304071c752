//! The procedures service's OpenAPI document, served at `/api/procedures/openapi.json` and
//! committed at `docs/openapi/procedures.json`, from which the web UI's client is generated.

use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes::{assets, audit, procedures, revisions, runs};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gamme procedures",
        description = "Assets, procedures and their revisions with approval, runs, search, statistics and the audit log."
    ),
    paths(
        assets::list,
        assets::get,
        assets::create,
        assets::update,
        assets::archive,
        assets::procedures,
        assets::runs,
        procedures::list,
        procedures::create,
        procedures::get,
        procedures::update,
        procedures::archive,
        audit::trail,
        audit::log,
        audit::verify,
        procedures::export,
        procedures::import,
        revisions::list,
        revisions::get,
        revisions::new_draft,
        revisions::update,
        revisions::replace_content,
        revisions::submit,
        revisions::approve,
        revisions::reject,
        revisions::archive,
        revisions::diff,
        revisions::safety_review,
        revisions::statistics,
        runs::list,
        runs::start,
        runs::get,
        runs::record_step,
        runs::complete,
        runs::verify,
    ),
    components(schemas(gamme_service_kit::Problem)),
    modifiers(&BearerAuth),
)]
struct ProceduresApi;

pub fn document() -> utoipa::openapi::OpenApi {
    ProceduresApi::openapi()
}
