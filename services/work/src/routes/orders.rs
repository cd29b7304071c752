//! `/api/work/orders`: work orders, their lifecycle, comments and history.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use gamme_auth_token::AuthUser;
use gamme_db::paging::{PageSize, Pager};
use gamme_service_kit::Json;
use gamme_service_kit::{Problem, RequestId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::actor;
use crate::{
    access::Access,
    comments::{Comment, CommentInput},
    order_views::{self, CommentView, OrderDetail, OrderFilter, OrderView},
    orders::{NewOrder, OrderPatch, WorkOrder},
    planning, AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orders", web::get().to(list))
        .route("/orders", web::post().to(create))
        .route("/orders/{id}", web::get().to(get))
        .route("/orders/{id}", web::patch().to(update))
        .route("/orders/{id}/accept", web::post().to(accept))
        .route("/orders/{id}/cancel", web::post().to(cancel))
        .route("/orders/{id}/start", web::post().to(start))
        .route("/orders/{id}/complete", web::post().to(complete))
        .route("/orders/{id}/comments", web::post().to(comment));
}

#[derive(Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[schema(max_length = 2000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    #[schema(max_length = 5000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub note: Option<String>,
}

/// 1–200, 50 by default.
const ORDER_PAGE: PageSize = PageSize::new(50, 200);

/// Orders by due date (none last), filtered. Technicians see their own and their teams' orders.
#[utoipa::path(operation_id = "work_orders_list", get, path = "/api/work/orders", tag = "orders", params(OrderFilter),
    security(("bearer" = [])), responses((status = 200, body = OrderPage), (status = 400, body = Problem)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<OrderFilter>,
) -> Result<HttpResponse, Problem> {
    let filter = query.into_inner();
    let pager: Pager<(Option<DateTime<Utc>>, Uuid)> = Pager::new(ORDER_PAGE, filter.limit, filter.cursor.as_deref())?;
    let (after, fetch) = (pager.after, pager.fetch());
    let rows = state
        .store
        .read(move |c| {
            use diesel::prelude::*;
            let access = Access::of(c, &user)?;
            let rows: Vec<WorkOrder> =
                order_views::after(order_views::by_due(order_views::query(&access, &filter)?), after)
                    .limit(fetch)
                    .load(c)?;
            order_views::views(c, rows)
        })
        .await?;
    let page = pager.page(rows, |v| (v.order.due_at, v.order.id));
    Ok(HttpResponse::Ok().json(OrderPage { items: page.items, next_cursor: page.next_cursor }))
}

/// Make an order by hand (editors and admins). Without a team or an assignee it goes to the
/// asset's team; without a title, it takes the procedure's.
#[utoipa::path(operation_id = "work_orders_create", post, path = "/api/work/orders", tag = "orders", request_body = NewOrder,
    security(("bearer" = [])), responses((status = 201, body = OrderDetail), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "`not_found`: no such asset or procedure", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Json<NewOrder>,
) -> Result<HttpResponse, Problem> {
    let actor = actor(&user, &request_id);
    let input = body.into_inner();
    let detail = state
        .store
        .write(move |c| {
            let access = Access::of(c, &user)?;
            access.require_manager()?;
            let order = WorkOrder::create(c, &actor, input)?;
            order_views::detail(c, &access, order)
        })
        .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// One order with its comments, history and what the caller may do with it.
#[utoipa::path(operation_id = "work_orders_get", get, path = "/api/work/orders/{id}", tag = "orders", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = OrderDetail), (status = 404, body = Problem)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let detail = state
        .store
        .read(move |c| {
            let access = Access::of(c, &user)?;
            let order = order_views::visible(c, &access, id)?;
            order_views::detail(c, &access, order)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// A change to an order before an action on it: the handler's whole work, after `action`.
async fn act<F>(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: Uuid,
    manage: bool,
    action: F,
) -> Result<HttpResponse, Problem>
where
    F: FnOnce(&mut diesel::PgConnection, &Access, &crate::events::Actor, &mut WorkOrder) -> crate::error::Result<()>
        + Send
        + 'static,
{
    let actor = actor(&user, &request_id);
    let detail = state
        .store
        .write(move |c| {
            let access = Access::of(c, &user)?;
            order_views::visible(c, &access, id)?;
            let mut order = WorkOrder::find_for_update(c, id)?;
            if manage {
                access.require_manager()?;
            } else {
                access.require_worker_of(order.assignee_id, order.team_id)?;
            }
            action(c, &access, &actor, &mut order)?;
            order_views::detail(c, &access, order)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Edit, reassign or reschedule an order (editors and admins); each change goes to its history.
#[utoipa::path(operation_id = "work_orders_update", patch, path = "/api/work/orders/{id}", tag = "orders", params(("id" = Uuid, Path,)),
    request_body = OrderPatch, security(("bearer" = [])),
    responses((status = 200, body = OrderDetail), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`order_closed`", body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: Json<OrderPatch>,
) -> Result<HttpResponse, Problem> {
    let patch = body.into_inner();
    act(user, state, request_id, id.into_inner(), true, move |c, _, actor, order| order.apply(c, actor, patch)).await
}

/// Accept a proposed follow-up: it becomes an open order (editors and admins).
#[utoipa::path(operation_id = "work_orders_accept", post, path = "/api/work/orders/{id}/accept", tag = "orders", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = OrderDetail), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`invalid_transition`", body = Problem)))]
pub async fn accept(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    act(user, state, request_id, id.into_inner(), true, |c, _, actor, order| order.accept(c, actor)).await
}

/// Cancel an order, or dismiss a proposed follow-up (editors and admins). A floating plan's
/// next date then counts from the cancelled one's due date.
#[utoipa::path(operation_id = "work_orders_cancel", post, path = "/api/work/orders/{id}/cancel", tag = "orders", params(("id" = Uuid, Path,)),
    request_body = Reason, security(("bearer" = [])),
    responses((status = 200, body = OrderDetail), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`invalid_transition`", body = Problem)))]
pub async fn cancel(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: Json<Reason>,
) -> Result<HttpResponse, Problem> {
    let reason = crate::text::optional("reason", body.into_inner().reason.as_deref(), 2000)?;
    let zone = state.default_zone;
    act(user, state, request_id, id.into_inner(), true, move |c, _, actor, order| {
        order.cancel(c, actor, reason)?;
        planning::order_closed(c, order, zone)
    })
    .await
}

/// Start an order without a procedure by hand (its assignee, its team, editors and admins).
/// An order with a procedure starts with its run: `POST /api/runs` with `work_order_id`.
#[utoipa::path(operation_id = "work_orders_start", post, path = "/api/work/orders/{id}/start", tag = "orders", params(("id" = Uuid, Path,)),
    security(("bearer" = [])), responses((status = 200, body = OrderDetail), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`start_with_a_run`, `order_closed` or `invalid_transition`", body = Problem)))]
pub async fn start(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, Problem> {
    let by = user.id;
    act(user, state, request_id, id.into_inner(), false, move |c, _, actor, order| order.start_by_hand(c, actor, by))
        .await
}

/// Complete an order without a procedure by hand (its assignee, its team, editors and admins).
/// An order with a procedure is done when its run is signed off.
#[utoipa::path(operation_id = "work_orders_complete", post, path = "/api/work/orders/{id}/complete", tag = "orders", params(("id" = Uuid, Path,)),
    request_body = Completion, security(("bearer" = [])),
    responses((status = 200, body = OrderDetail), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`complete_with_a_run`, `order_closed` or `invalid_transition`", body = Problem)))]
pub async fn complete(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: Json<Completion>,
) -> Result<HttpResponse, Problem> {
    let note = crate::text::optional("note", body.into_inner().note.as_deref(), 5000)?;
    let (by, zone) = (user.id, state.default_zone);
    act(user, state, request_id, id.into_inner(), false, move |c, _, actor, order| {
        order.complete_by_hand(c, actor, by, note)?;
        planning::order_closed(c, order, zone)
    })
    .await
}

/// Comment on an order, with photos you uploaded (its assignee, its team, editors and admins).
#[utoipa::path(operation_id = "work_orders_comment", post, path = "/api/work/orders/{id}/comments", tag = "orders", params(("id" = Uuid, Path,)),
    request_body = CommentInput, security(("bearer" = [])),
    responses((status = 201, body = CommentView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn comment(
    user: AuthUser,
    state: web::Data<AppState>,
    request_id: RequestId,
    id: web::Path<Uuid>,
    body: Json<CommentInput>,
) -> Result<HttpResponse, Problem> {
    let (actor, id, input) = (actor(&user, &request_id), id.into_inner(), body.into_inner());
    let view = state
        .store
        .write(move |c| {
            let access = Access::of(c, &user)?;
            let order = order_views::visible(c, &access, id)?;
            access.require_worker_of(order.assignee_id, order.team_id)?;
            let comment = Comment::add(c, &actor, user.id, &order, input)?;
            Ok::<_, crate::error::WorkError>(CommentView { comment, author_name: user.display_name.clone() })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
