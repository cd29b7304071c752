//! The auth service's OpenAPI document, served at `/api/auth/openapi.json` and committed at
//! `docs/openapi/auth.json`, from which the web UI's client is generated.

use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use crate::routes;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

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
