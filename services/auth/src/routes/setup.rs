//! First-run setup: is it needed, and create the first admin (signed in at once).

use actix_web::{http::StatusCode, web, HttpResponse};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::AuthError,
    routes::session::{signed_in, LoginResponse},
    setup, AppState,
};

#[derive(Serialize, ToSchema)]
pub struct SetupStatus {
    /// True while no user exists: the UI shows the first-run page.
    pub needed: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// Compared lower-cased; at most 254 characters.
    #[schema(max_length = 254, pattern = r"^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$")]
    pub email: String,
    #[schema(value_type = String, format = Password, min_length = 8, max_length = 128)]
    pub password: SecretString,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub display_name: String,
}

/// Whether first-run setup is needed.
#[utoipa::path(get, path = "/api/auth/setup", tag = "auth", responses((status = 200, body = SetupStatus),
    (status = 429, description = "`rate_limited` by nginx, with Retry-After", body = Problem)))]
pub async fn status(state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let needed = state.store.read(|c| setup::is_needed(c).map_err(AuthError::from)).await?;
    Ok(HttpResponse::Ok().json(SetupStatus { needed }))
}

/// Create the first admin and sign in as them. Only while no user exists.
#[utoipa::path(post, path = "/api/auth/setup", tag = "auth", request_body = SetupRequest,
    responses(
        (status = 201, description = "The first admin, signed in", body = LoginResponse),
        (status = 400, description = "`validation_failed`", body = Problem),
        (status = 409, description = "`already_set_up`", body = Problem),
        (status = 429, description = "`rate_limited` by nginx, with Retry-After", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn setup(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Json<SetupRequest>,
) -> Result<HttpResponse, Problem> {
    let SetupRequest { email, password, display_name } = body.into_inner();
    let session = setup::set_up(&state.store, &email, &display_name, password, request_id.0).await?;
    Ok(signed_in(&state, &session, StatusCode::CREATED)?)
}
