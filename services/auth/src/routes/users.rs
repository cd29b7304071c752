//! User administration, for admins: list, create with a one-time password, change role or
//! name, deactivate and reactivate.

use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use gamme_auth_token::{AuthUser, Role, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::DbError;
use gamme_service_kit::{Problem, RequestId};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::AuthError,
    passwords,
    sessions::RefreshToken,
    users::{normalize_email, validate_display_name, User, UserInsertForm, UserUpdateForm, UserView},
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
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// Shown once: the user must change it at first sign-in.
    pub temporary_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub is_active: Option<bool>,
}

/// Every user (admins only).
#[utoipa::path(get, path = "/api/auth/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    user.require(Roles::ADMINS)?;
    let users = gamme_db::run(&state.pool, |c| User::list(c).map_err(DbError::from)).await?;
    let items = users.iter().map(User::view).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(UserList { items }))
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
    body: web::Json<CreateUserRequest>,
) -> Result<HttpResponse, Problem> {
    admin.require(Roles::ADMINS)?;
    let CreateUserRequest { email, display_name, role } = body.into_inner();
    let email = normalize_email(&email)?;
    let display_name = validate_display_name(&display_name)?;
    let temporary = passwords::temporary();
    let password_hash = passwords::hash(temporary.clone()).await?;
    let form = UserInsertForm {
        id: Uuid::now_v7(),
        email,
        display_name,
        password_hash,
        role: role.to_string(),
        must_change_password: true,
    };
    let correlation = Some(request_id.0);
    let created = gamme_db::run(&state.pool, move |c| {
        c.transaction(|c| {
            let user = User::insert(c, &form)?;
            outbox::enqueue(
                c,
                &Envelope::new(Event::UserCreated { user_id: user.id, role: user.role.clone() }, correlation),
            )?;
            Ok::<_, diesel::result::Error>(user)
        })
        .map_err(DbError::from)
    })
    .await
    .map_err(|e| if e.is_unique_violation() { AuthError::EmailTaken } else { AuthError::Db(e) })?;
    state.outbox.notify_one();
    tracing::info!(user_id = %created.id, role = %role, "user created");
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser { user: created.view()?, temporary_password: temporary.expose_secret().to_owned() }))
}

/// Change a user's name, role or active flag (admins only). Deactivation ends their sessions.
#[utoipa::path(patch, path = "/api/auth/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UpdateUserRequest,
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
    body: web::Json<UpdateUserRequest>,
) -> Result<HttpResponse, Problem> {
    admin.require(Roles::ADMINS)?;
    let id = path.into_inner();
    let UpdateUserRequest { display_name, role, is_active } = body.into_inner();
    let display_name = display_name.as_deref().map(validate_display_name).transpose()?;
    let correlation = Some(request_id.0);
    let updated = gamme_db::run(&state.pool, move |c| {
        c.transaction(|c| {
            gamme_db::locks::xact(c, gamme_db::locks::ADMIN_CHANGES)?;
            let Some(current) = User::find(c, id)? else { return Ok(Err(AuthError::UserNotFound)) };
            let stays_admin =
                role.map_or(current.role == "admin", |r| r == Role::Admin) && is_active.unwrap_or(current.is_active);
            if current.role == "admin"
                && current.is_active
                && !stays_admin
                && User::count_active_admins_except(c, id)? == 0
            {
                return Ok(Err(AuthError::LastAdmin));
            }
            let now = Utc::now();
            let deactivating = is_active == Some(false) && current.is_active;
            let form = UserUpdateForm {
                display_name,
                role: role.map(|r| r.to_string()),
                is_active,
                tokens_valid_after: deactivating.then_some(now),
                updated_at: Some(now),
                ..Default::default()
            };
            let updated = User::update(c, id, &form)?;
            if deactivating {
                RefreshToken::revoke_all_for_user(c, id)?;
            }
            outbox::enqueue(
                c,
                &Envelope::new(
                    Event::UserUpdated { user_id: id, role: updated.role.clone(), is_active: updated.is_active },
                    correlation,
                ),
            )?;
            Ok::<_, diesel::result::Error>(Ok(updated))
        })
        .map_err(DbError::from)
    })
    .await??;
    state.outbox.notify_one();
    tracing::info!(role = %updated.role, is_active = updated.is_active, "user updated");
    Ok(HttpResponse::Ok().json(updated.view()?))
}
