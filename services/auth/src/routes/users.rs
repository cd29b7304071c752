//! User administration, for admins: list, create with a one-time password, change role or
//! name, deactivate and reactivate.

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Role, Roles};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::AuthError,
    users::{self, NewUser, User, UserChange, UserView},
    AppState,
};

#[derive(Serialize, ToSchema)]
pub struct UserList {
    /// Sorted by email.
    pub items: Vec<UserView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Compared lower-cased; at most 254 characters.
    #[schema(max_length = 254, pattern = r"^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$")]
    pub email: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub display_name: String,
    pub role: Role,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// Shown once: the user must change it at first sign-in.
    pub temporary_password: String,
}

/// Every user (admins only).
#[utoipa::path(get, path = "/api/auth/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let users = state.store.read(|c| User::list(c).map_err(AuthError::from)).await?;
    Ok(HttpResponse::Ok().json(UserList { items: users.iter().map(User::view).collect() }))
}

/// Create a user with a one-time password (admins only).
#[utoipa::path(post, path = "/api/auth/users", tag = "users", security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = CreatedUser),
        (status = 400, description = "`validation_failed`", body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "`email_taken`", body = Problem)))]
#[tracing::instrument(skip_all, fields(admin_id = %admin.id))]
pub async fn create(
    admin: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Json<CreateUserRequest>,
) -> Result<HttpResponse, Problem> {
    admin.require(Roles::ADMINS)?;
    let CreateUserRequest { email, display_name, role } = body.into_inner();
    let new = NewUser::new(&email, &display_name, role)?;
    let (created, temporary) = users::create_with_temporary_password(
        &state.store,
        admin.id,
        new,
        state.config.temporary_password_ttl,
        Some(request_id.0),
    )
    .await?;
    tracing::info!(user_id = %created.id, role = %role, "user created");
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser { user: created.view(), temporary_password: temporary.expose_secret().to_owned() }))
}

/// Change a user's name, role or active flag (admins only). Deactivation ends their sessions.
#[utoipa::path(patch, path = "/api/auth/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UserChange,
    responses(
        (status = 200, body = UserView),
        (status = 400, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "`last_admin`", body = Problem)))]
#[tracing::instrument(skip_all, fields(admin_id = %admin.id, user_id = %path))]
pub async fn update(
    admin: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    path: web::Path<Uuid>,
    body: Json<UserChange>,
) -> Result<HttpResponse, Problem> {
    admin.require(Roles::ADMINS)?;
    let (id, correlation) = (path.into_inner(), Some(request_id.0));
    let change = body.into_inner();
    let admin_id = admin.id;
    let updated = state.store.write(move |c| users::administer(c, admin_id, id, change, correlation)).await?;
    tracing::info!(role = %updated.role, is_active = updated.is_active, "user updated");
    Ok(HttpResponse::Ok().json(updated.view()))
}
