//! The AI worker's OpenAPI document, served at `/api/ai/openapi.json` and committed at
//! `docs/openapi/ai.json`.

use gamme_service_kit::openapi::{BearerAuth, ClosedVariants};
use utoipa::OpenApi;

use crate::{proposal, routes};

/// A job's input refuses fields its kind does not have.
const JOB_INPUT_CLOSED: ClosedVariants = ClosedVariants(&["JobInput"]);

#[derive(OpenApi)]
#[openapi(
    info(title = "Gamme AI assistant", description = "Jobs that draft, translate and review procedures and answer questions about documents."),
    paths(
        routes::provider::provider,
        routes::jobs::create,
        routes::jobs::get,
        routes::jobs::list,
        routes::jobs::cancel
    ),
    components(schemas(
        gamme_service_kit::Problem,
        proposal::DraftProposal,
        proposal::ProposedSection,
        proposal::ProposedStep,
        proposal::Citation,
        proposal::LimitSource,
        proposal::ReviewResult,
        proposal::Finding,
        proposal::Answer,
        proposal::Passage,
    )),
    modifiers(&BearerAuth, &JOB_INPUT_CLOSED),
)]
struct AiApi;

pub fn document() -> utoipa::openapi::OpenApi {
    AiApi::openapi()
}
