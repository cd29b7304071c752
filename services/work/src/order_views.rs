//! Work orders as the API shows them: with the names of what they point to, and, for one order,
//! its comments, history and what the caller may do with it. And the one query that lists
//! orders (boards, lists, calendars), with its filters and what the caller may see.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::{
    asset_tree::AssetNode,
    procedure_refs::ProcedureRef,
    schema::{plans, work_orders},
    users::Person,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    access::Access,
    comments::Comment,
    error::{Result, WorkError},
    orders::{HistoryEntry, OrderKind, OrderSource, OrderStatus, Priority, WorkOrder},
    refs::team_names,
};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetBrief {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProcedureBrief {
    pub id: Uuid,
    pub code: String,
    /// The published revision's title.
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    #[serde(flatten)]
    pub order: WorkOrder,
    pub asset: Option<AssetBrief>,
    pub site: Option<AssetBrief>,
    pub procedure: Option<ProcedureBrief>,
    pub assignee: Option<Named>,
    pub team: Option<Named>,
    /// Still to be done after its due time.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    #[serde(flatten)]
    pub comment: Comment,
    pub author_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryView {
    #[serde(flatten)]
    pub entry: HistoryEntry,
    /// `None` for the service's own changes.
    pub actor_name: Option<String>,
}

/// What the caller may do with the order now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderActions {
    /// Start a run of its procedure for it (`POST /api/runs` with `work_order_id`).
    pub start_run: bool,
    /// Start or complete it by hand (an order without a procedure).
    pub work_by_hand: bool,
    pub comment: bool,
    /// Edit, assign, cancel; accept or dismiss a proposal.
    pub manage: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub view: OrderView,
    pub plan: Option<Named>,
    pub comments: Vec<CommentView>,
    pub history: Vec<HistoryView>,
    pub actions: OrderActions,
}

fn brief(a: &AssetNode) -> AssetBrief {
    AssetBrief { id: a.id, code: a.code.clone(), name: a.name.clone() }
}

fn names(conn: &mut PgConnection, ids: Vec<Uuid>) -> QueryResult<Vec<(Uuid, String)>> {
    Ok(Person::find_many(conn, &ids)?.into_iter().map(|p| (p.id, p.display_name)).collect())
}

fn find(list: &[(Uuid, String)], id: Option<Uuid>) -> Option<Named> {
    let id = id?;
    list.iter().find(|(i, _)| *i == id).map(|(id, name)| Named { id: *id, name: name.clone() })
}

/// The views of `orders`, in their order.
pub fn views(conn: &mut PgConnection, orders: Vec<WorkOrder>) -> Result<Vec<OrderView>> {
    let now = Utc::now();
    let mut asset_ids: Vec<Uuid> = orders.iter().flat_map(|o| [o.asset_id, o.site_id]).collect();
    asset_ids.sort();
    asset_ids.dedup();
    let assets = AssetNode::find_many(conn, &asset_ids)?;
    let procedure_ids: Vec<Uuid> = orders.iter().filter_map(|o| o.procedure_id).collect();
    let procedures = ProcedureRef::find_many(conn, &procedure_ids)?;
    let people = names(conn, orders.iter().filter_map(|o| o.assignee_id).collect())?;
    let teams = team_names(conn, &orders.iter().filter_map(|o| o.team_id).collect::<Vec<_>>())?;
    Ok(orders
        .into_iter()
        .map(|order| OrderView {
            asset: assets.iter().find(|a| a.id == order.asset_id).map(brief),
            site: assets.iter().find(|a| a.id == order.site_id).map(brief),
            procedure: order.procedure_id.and_then(|pid| {
                procedures.iter().find(|p| p.id == pid).map(|p| ProcedureBrief {
                    id: p.id,
                    code: p.code.clone(),
                    title: p.title.clone(),
                })
            }),
            assignee: find(&people, order.assignee_id),
            team: find(&teams, order.team_id),
            overdue: order.is_overdue(now),
            order,
        })
        .collect())
}

/// One order for `access`, or 404 when he may not see it.
pub fn visible(conn: &mut PgConnection, access: &Access, id: Uuid) -> Result<WorkOrder> {
    let order = WorkOrder::find(conn, id)?;
    if access.can_see(order.assignee_id, order.team_id) {
        Ok(order)
    } else {
        Err(WorkError::NotFound("work order"))
    }
}

pub fn detail(conn: &mut PgConnection, access: &Access, order: WorkOrder) -> Result<OrderDetail> {
    let comments = Comment::for_order(conn, order.id)?;
    let history = WorkOrder::history(conn, order.id)?;
    let mut people: Vec<Uuid> = comments.iter().map(|c| c.author_id).collect();
    people.extend(history.iter().filter_map(|h| h.actor_id));
    let people = names(conn, people)?;
    let plan = match order.plan_id {
        Some(id) => plans::table.find(id).select((plans::id, plans::title)).first::<(Uuid, String)>(conn).optional()?,
        None => None,
    };
    let works = access.require_worker_of(order.assignee_id, order.team_id).is_ok() && order.status.is_pending();
    let actions = OrderActions {
        start_run: works
            && order.procedure_id.is_some()
            && matches!(order.status, OrderStatus::Open | OrderStatus::InProgress),
        work_by_hand: works && order.procedure_id.is_none() && order.status != OrderStatus::Proposed,
        comment: access.require_worker_of(order.assignee_id, order.team_id).is_ok(),
        manage: access.is_manager() && order.status.is_pending(),
    };
    let view = views(conn, vec![order])?.pop().ok_or(WorkError::NotFound("work order"))?;
    Ok(OrderDetail {
        view,
        plan: plan.map(|(id, name)| Named { id, name }),
        comments: comments
            .into_iter()
            .map(|c| CommentView {
                author_name: find(&people, Some(c.author_id)).map(|n| n.name).unwrap_or_default(),
                comment: c,
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| HistoryView { actor_name: find(&people, h.actor_id).map(|n| n.name), entry: h })
            .collect(),
        actions,
    })
}

/// Filters of every order list. `status` takes several values separated by commas.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    /// e.g. `open,in_progress`.
    #[param(
        pattern = r"^( *(proposed|open|in_progress|done|cancelled)? *)(,( *(proposed|open|in_progress|done|cancelled)? *))*$"
    )]
    pub status: Option<String>,
    pub assignee: Option<Uuid>,
    pub team: Option<Uuid>,
    pub site: Option<Uuid>,
    /// Orders on this asset (not those under it).
    pub asset: Option<Uuid>,
    pub priority: Option<Priority>,
    pub kind: Option<OrderKind>,
    pub source: Option<OrderSource>,
    pub plan: Option<Uuid>,
    /// Due at or after.
    pub due_from: Option<DateTime<Utc>>,
    /// Due before.
    pub due_to: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

impl OrderFilter {
    pub fn statuses(&self) -> Result<Vec<OrderStatus>> {
        let Some(list) = self.status.as_deref() else { return Ok(Vec::new()) };
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse().map_err(|_| {
                    WorkError::invalid(format!(
                        "`status` takes proposed, open, in_progress, done or cancelled, not `{s}`."
                    ))
                })
            })
            .collect()
    }
}

pub type Boxed<'a> = work_orders::BoxedQuery<
    'a,
    diesel::pg::Pg,
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<WorkOrder, diesel::pg::Pg>>,
>;

/// The orders `access` may see that match `filter` (unordered: [`by_due`] orders them).
pub fn query<'a>(access: &Access, filter: &OrderFilter) -> Result<Boxed<'a>> {
    let mut q: Boxed<'a> = work_orders::table.select(WorkOrder::as_select()).into_boxed();
    if !access.sees_all() {
        q = q.filter(work_orders::assignee_id.eq(access.user_id).or(work_orders::team_id.eq_any(access.teams.clone())));
    }
    let statuses = filter.statuses()?;
    if !statuses.is_empty() {
        q = q.filter(work_orders::status.eq_any(statuses));
    }
    if let Some(a) = filter.assignee {
        q = q.filter(work_orders::assignee_id.eq(a));
    }
    if let Some(t) = filter.team {
        q = q.filter(work_orders::team_id.eq(t));
    }
    if let Some(s) = filter.site {
        q = q.filter(work_orders::site_id.eq(s));
    }
    if let Some(a) = filter.asset {
        q = q.filter(work_orders::asset_id.eq(a));
    }
    if let Some(p) = filter.priority {
        q = q.filter(work_orders::priority.eq(p));
    }
    if let Some(k) = filter.kind {
        q = q.filter(work_orders::kind.eq(k));
    }
    if let Some(s) = filter.source {
        q = q.filter(work_orders::source.eq(s));
    }
    if let Some(p) = filter.plan {
        q = q.filter(work_orders::plan_id.eq(p));
    }
    if let Some(from) = filter.due_from {
        q = q.filter(work_orders::due_at.ge(from));
    }
    if let Some(to) = filter.due_to {
        q = q.filter(work_orders::due_at.lt(to));
    }
    Ok(q)
}

/// By due date (none last), then id: the order of every list, which [`after`] pages through.
pub fn by_due(q: Boxed<'_>) -> Boxed<'_> {
    q.order((work_orders::due_at.asc().nulls_last(), work_orders::id.asc()))
}

/// After the keyset `(due_at, id)` of the last order shown, in [`by_due`]'s order.
pub fn after<'a>(q: Boxed<'a>, key: Option<(Option<DateTime<Utc>>, Uuid)>) -> Boxed<'a> {
    match key {
        None => q,
        Some((Some(due), id)) => q.filter(
            work_orders::due_at
                .gt(due)
                .or(work_orders::due_at.eq(due).and(work_orders::id.gt(id)))
                .or(work_orders::due_at.is_null()),
        ),
        Some((None, id)) => q.filter(work_orders::due_at.is_null().and(work_orders::id.gt(id))),
    }
}
