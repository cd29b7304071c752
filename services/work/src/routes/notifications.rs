//! `/api/work/notifications`: the signed-in person's own notifications and their choices. No
//! one reads or marks another person's.

use actix_web::{web, HttpResponse};
use gamme_auth_token::AuthUser;
use gamme_service_kit::{Json, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::{
    error::WorkError,
    notifications::{self, NotificationList, Preferences, PreferencesInput},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list))
        .route("/notifications/read", web::post().to(read_all))
        .route("/notifications/preferences", web::get().to(preferences))
        .route("/notifications/preferences", web::put().to(set_preferences))
        .route("/notifications/{id}/read", web::post().to(read));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// My notifications, newest first (at most 50), and how many are unread.
#[utoipa::path(operation_id = "work_notifications_list", get, path = "/api/work/notifications", tag = "notifications",
    params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = NotificationList), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, Problem> {
    let unread = query.into_inner().unread;
    let list = state.store.read(move |c| notifications::list(c, user.id, unread)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Mark one of my notifications read (again is fine).
#[utoipa::path(operation_id = "work_notifications_read", post, path = "/api/work/notifications/{id}/read", tag = "notifications",
    params(("id" = Uuid, Path,)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn read(user: AuthUser, state: web::Data<AppState>, path: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    state
        .store
        .write(move |c| {
            // Nothing marked: already read, or not the caller's (then it is not there for them).
            if notifications::mark_read(c, user.id, Some(id))? == 0 && !notifications::exists(c, user.id, id)? {
                return Err(WorkError::NotFound("notification"));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark all my notifications read.
#[utoipa::path(operation_id = "work_notifications_read_all", post, path = "/api/work/notifications/read", tag = "notifications",
    security(("bearer" = [])), responses((status = 204), (status = 401, body = Problem)))]
pub async fn read_all(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    state.store.write(move |c| notifications::mark_read(c, user.id, None)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Which kinds I get in the app and by email (all, unless I turned some off), and my emails' language.
#[utoipa::path(operation_id = "work_notifications_preferences", get, path = "/api/work/notifications/preferences", tag = "notifications",
    security(("bearer" = [])), responses((status = 200, body = Preferences), (status = 401, body = Problem)))]
pub async fn preferences(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let prefs = state.store.read(move |c| notifications::preferences(c, user.id)).await?;
    Ok(HttpResponse::Ok().json(prefs))
}

/// Turn kinds on or off, in the app or by email, and choose my emails' language; what is not
/// named stays as it was. Answers every kind.
#[utoipa::path(operation_id = "work_notifications_set_preferences", put, path = "/api/work/notifications/preferences", tag = "notifications",
    request_body = PreferencesInput, security(("bearer" = [])),
    responses((status = 200, body = Preferences), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn set_preferences(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<PreferencesInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.into_inner();
    let prefs = state.store.write(move |c| notifications::set_preferences(c, user.id, &input)).await?;
    Ok(HttpResponse::Ok().json(prefs))
}
