//! First run: the first admin is created through the setup page (only while no user exists)
//! or from `GAMME_ADMIN_EMAIL` / `GAMME_ADMIN_PASSWORD` at start.

use actix_web::{http::StatusCode, web, HttpResponse};
use diesel::Connection;
use gamme_auth_token::Role;
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::{DbError, PgPool};
use gamme_service_kit::{Problem, RequestId};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::AuthError,
    passwords,
    routes::session::{signed_in, LoginResponse},
    sessions::RefreshToken,
    users::{normalize_email, validate_display_name, User, UserInsertForm, UserUpdateForm},
    AppState, AuthConfig,
};

#[derive(Serialize, ToSchema)]
pub struct SetupStatus {
    /// True while no user exists: the UI shows the first-run page.
    pub needed: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    pub display_name: String,
}

/// Creates the first admin if there is no user yet; `None` when there already is one.
fn create_first_admin(
    conn: &mut diesel::PgConnection,
    form: UserInsertForm,
    correlation_id: Option<String>,
) -> Result<Option<User>, DbError> {
    conn.transaction(|c| {
        gamme_db::locks::xact(c, gamme_db::locks::FIRST_RUN_SETUP)?;
        if User::count(c)? > 0 {
            return Ok::<_, diesel::result::Error>(None);
        }
        let user = User::insert(c, &form)?;
        outbox::enqueue(
            c,
            &Envelope::new(Event::UserCreated { user_id: user.id, role: user.role.clone() }, correlation_id),
        )?;
        Ok(Some(user))
    })
    .map_err(DbError::from)
}

/// Whether first-run setup is needed.
#[utoipa::path(get, path = "/api/auth/setup", tag = "auth", responses((status = 200, body = SetupStatus)))]
pub async fn status(state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let count = gamme_db::run(&state.pool, |c| User::count(c).map_err(DbError::from)).await?;
    Ok(HttpResponse::Ok().json(SetupStatus { needed: count == 0 }))
}

/// Create the first admin and sign in as them. Only while no user exists.
#[utoipa::path(post, path = "/api/auth/setup", tag = "auth", request_body = SetupRequest,
    responses(
        (status = 201, description = "The first admin, signed in", body = LoginResponse),
        (status = 400, description = "`validation_failed`", body = Problem),
        (status = 409, description = "`already_set_up`", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn setup(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: web::Json<SetupRequest>,
) -> Result<HttpResponse, Problem> {
    let SetupRequest { email, password, display_name } = body.into_inner();
    let email = normalize_email(&email)?;
    let display_name = validate_display_name(&display_name)?;
    passwords::validate(&password)?;
    let password_hash = passwords::hash(password).await?;
    let form = UserInsertForm {
        id: Uuid::now_v7(),
        email,
        display_name,
        password_hash,
        role: Role::Admin.to_string(),
        must_change_password: false,
    };
    let correlation = Some(request_id.0);
    let created = gamme_db::run(&state.pool, move |c| {
        let Some(user) = create_first_admin(c, form, correlation)? else { return Ok(None) };
        // Setting up signs the admin in.
        let user = User::update(
            c,
            user.id,
            &UserUpdateForm { last_login_at: Some(chrono::Utc::now()), ..Default::default() },
        )?;
        let refresh = RefreshToken::issue(c, user.id, None)?;
        Ok::<_, DbError>(Some((user, refresh)))
    })
    .await?;
    let Some((user, refresh)) = created else { return Err(AuthError::AlreadySetUp.into()) };
    state.outbox.notify_one();
    tracing::info!(user_id = %user.id, "first admin created");
    Ok(signed_in(&state, &user, &refresh, StatusCode::CREATED)?)
}

/// `GAMME_ADMIN_EMAIL` / `GAMME_ADMIN_PASSWORD`: the first admin, made at start when no user exists.
pub async fn bootstrap_admin(pool: &PgPool, config: &AuthConfig) -> Result<(), AuthError> {
    let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) else { return Ok(()) };
    let email = normalize_email(email)?;
    passwords::validate(password)?;
    let password_hash = passwords::hash(password.clone()).await?;
    let form = UserInsertForm {
        id: Uuid::now_v7(),
        display_name: email.split('@').next().unwrap_or("admin").to_owned(),
        email,
        password_hash,
        role: Role::Admin.to_string(),
        must_change_password: false,
    };
    let created = gamme_db::run(pool, move |c| create_first_admin(c, form, None)).await?;
    if let Some(user) = created {
        tracing::info!(user_id = %user.id, "admin created from GAMME_ADMIN_EMAIL");
    }
    Ok(())
}
