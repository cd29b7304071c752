//! The auth service's OpenAPI document, served at `/api/auth/openapi.json` and committed at
//! `docs/openapi/auth.json`, from which the web UI's client is generated.

use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::{
    routes::{jwks, me, session, setup, users},
    users::{UserChange, UserView},
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Gamme auth", description = "Users, sign-in, tokens and the JWKS of Gamme."),
    paths(
        setup::status,
        setup::setup,
        session::login,
        session::refresh,
        session::logout,
        me::me,
        me::change_password,
        me::reauthenticate,
        users::list,
        users::create,
        users::update,
        jwks::jwks,
    ),
    components(schemas(
        gamme_auth_token::Role,
        gamme_service_kit::Problem,
        UserView,
        session::LoginRequest,
        session::LoginResponse,
        setup::SetupStatus,
        setup::SetupRequest,
        me::ChangePasswordRequest,
        me::ReauthenticateRequest,
        users::CreateUserRequest,
        users::CreatedUser,
        UserChange,
        users::UserList,
    )),
    modifiers(&BearerAuth),
)]
struct AuthApi;

pub fn document() -> utoipa::openapi::OpenApi {
    AuthApi::openapi()
}
