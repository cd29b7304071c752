//! What is due: `/api/work/me`, `/board`, `/calendar`, `/compliance`.

use actix_web::{web, HttpResponse};
use gamme_auth_token::AuthUser;
use gamme_service_kit::Problem;

use crate::{
    access::Access,
    due::{self, Board, BoardFilter, Calendar, CalendarQuery, Compliance, ComplianceQuery, MyWork},
    AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me))
        .route("/board", web::get().to(board))
        .route("/calendar", web::get().to(calendar))
        .route("/compliance", web::get().to(compliance));
}

/// My work: orders assigned to me and my teams' orders assigned to nobody, open or in progress,
/// overdue, due today, in the next 7 days, and without a due date.
#[utoipa::path(operation_id = "work_me", get, path = "/api/work/me", tag = "due", security(("bearer" = [])),
    responses((status = 200, body = MyWork), (status = 401, body = Problem)))]
pub async fn me(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let zone = state.default_zone;
    let work = state
        .store
        .read(move |c| {
            let access = Access::of(c, &user)?;
            due::my_work(c, &access, zone)
        })
        .await?;
    Ok(HttpResponse::Ok().json(work))
}

/// A board: the orders by status (proposed, open, in progress, done in the last 14 days), for a
/// team, a site, a person or a priority. Technicians see their own and their teams' orders.
#[utoipa::path(operation_id = "work_board", get, path = "/api/work/board", tag = "due", params(BoardFilter), security(("bearer" = [])),
    responses((status = 200, body = Board), (status = 400, body = Problem)))]
pub async fn board(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<BoardFilter>,
) -> Result<HttpResponse, Problem> {
    let filter = query.into_inner();
    let board = state
        .store
        .read(move |c| {
            let access = Access::of(c, &user)?;
            due::board(c, &access, filter)
        })
        .await?;
    Ok(HttpResponse::Ok().json(board))
}

/// A calendar of at most 90 days: orders due, and the occurrences plans have not made yet.
#[utoipa::path(operation_id = "work_calendar", get, path = "/api/work/calendar", tag = "due", params(CalendarQuery), security(("bearer" = [])),
    responses((status = 200, body = Calendar), (status = 400, body = Problem)))]
pub async fn calendar(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CalendarQuery>,
) -> Result<HttpResponse, Problem> {
    let (q, zone) = (query.into_inner(), state.default_zone);
    let calendar = state
        .store
        .read(move |c| {
            let access = Access::of(c, &user)?;
            due::calendar(c, &access, q, zone)
        })
        .await?;
    Ok(HttpResponse::Ok().json(calendar))
}

/// Compliance: per site and month, the preventive orders due and how many were done on time
/// (done at or before their due time). Everyone signed in may read it.
#[utoipa::path(operation_id = "work_compliance", get, path = "/api/work/compliance", tag = "due", params(ComplianceQuery),
    security(("bearer" = [])), responses((status = 200, body = Compliance), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn compliance(
    _user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ComplianceQuery>,
) -> Result<HttpResponse, Problem> {
    let (q, zone) = (query.into_inner(), state.default_zone);
    let report = state.store.read(move |c| due::compliance(c, q, zone)).await?;
    Ok(HttpResponse::Ok().json(report))
}
