//! `GET /api/ai/provider`: which provider answers jobs on this worker.

use actix_web::{web, HttpResponse};
use gamme_auth_token::AuthUser;
use gamme_service_kit::Problem;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{provider::Assistant, AppState};

#[derive(Serialize, ToSchema)]
pub struct ProviderInfo {
    /// `offline` or `openai`.
    pub provider: String,
    pub model: Option<String>,
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
