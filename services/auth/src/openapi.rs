//! The auth service's OpenAPI document, served at `/api/auth/openapi.json` and committed at
//! `docs/openapi/auth.json`, from which the web UI's client is generated.

use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Gamme auth", description = "Users, sign-in, tokens and the JWKS of Gamme."),
    paths(
        routes::setup::status,
        routes::setup::setup,
        routes::session::login,
        routes::session::refresh,
        routes::session::logout,
        routes::me::me,
        routes::me::change_password,
        routes::users::list,
        routes::users::create,
        routes::users::update,
        routes::jwks,
    ),
    components(schemas(
        gamme_auth_token::Role,
        gamme_service_kit::Problem,
        crate::users::UserView,
        routes::session::LoginRequest,
        routes::session::LoginResponse,
        routes::setup::SetupStatus,
        routes::setup::SetupRequest,
        routes::me::ChangePasswordRequest,
        routes::users::CreateUserRequest,
        routes::users::CreatedUser,
        routes::users::UpdateUserRequest,
        routes::users::UserList,
    )),
    modifiers(&BearerAuth),
)]
struct AuthApi;

pub fn document() -> utoipa::openapi::OpenApi {
    AuthApi::openapi()
}
