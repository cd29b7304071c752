//! What is due: a technician's own list (overdue, today, the next 7 days), boards by team and
//! site, a calendar of at most 90 days with the occurrences plans have not made yet, and
//! compliance (preventive orders done on time, per month and site).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::{prelude::*, sql_types};
use gamme_db::{
    asset_tree::AssetNode,
    schema::{plans, work_orders},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    access::Access,
    error::{Result, WorkError},
    order_views::{self, AssetBrief, OrderFilter, OrderView},
    orders::{OrderStatus, Priority, WorkOrder},
    planning,
    plans::{Plan, PlanStatus, PlanTrigger},
    schedule, settings, teams,
};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyWork {
    pub overdue: Vec<OrderView>,
    pub today: Vec<OrderView>,
    /// Due in the 7 days after today.
    pub next_7_days: Vec<OrderView>,
    /// Open or in progress with no due date.
    pub no_due_date: Vec<OrderView>,
}

/// The orders assigned to the caller and his teams' orders assigned to nobody, open or in
/// progress, grouped by when they are due (today is each order's site's local day).
pub fn my_work(conn: &mut PgConnection, access: &Access, default: Tz) -> Result<MyWork> {
    let now = crate::now();
    let mine = work_orders::assignee_id
        .eq(access.user_id)
        .or(work_orders::assignee_id.is_null().and(work_orders::team_id.eq_any(access.teams.clone())));
    let orders: Vec<WorkOrder> = work_orders::table
        .filter(mine)
        .filter(work_orders::status.eq_any(vec![OrderStatus::Open, OrderStatus::InProgress]))
        .filter(work_orders::due_at.lt(now + chrono::Duration::days(9)).or(work_orders::due_at.is_null()))
        .order((work_orders::due_at.asc().nulls_last(), work_orders::id.asc()))
        .limit(500)
        .select(WorkOrder::as_select())
        .load(conn)?;
    let zones: HashMap<Uuid, Tz> = settings::time_zones(conn)?.into_iter().collect();
    let mut out = MyWork { overdue: Vec::new(), today: Vec::new(), next_7_days: Vec::new(), no_due_date: Vec::new() };
    for view in order_views::views(conn, orders)? {
        let zone = zones.get(&view.order.site_id).copied().unwrap_or(default);
        let today = schedule::local_date(zone, now);
        match view.order.due_at {
            None => out.no_due_date.push(view),
            Some(due) if due < now => out.overdue.push(view),
            Some(due) if schedule::local_date(zone, due) == today => out.today.push(view),
            Some(due) if schedule::local_date(zone, due) <= today + Days::new(7) => out.next_7_days.push(view),
            Some(_) => {}
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardFilter {
    pub team: Option<Uuid>,
    pub site: Option<Uuid>,
    pub assignee: Option<Uuid>,
    pub priority: Option<Priority>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardColumn {
    pub status: OrderStatus,
    /// How many orders are in the column (more than `orders` holds when it is long).
    pub total: i64,
    /// The first 200, by due date.
    pub orders: Vec<OrderView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Board {
    /// proposed, open, in_progress, and done in the last 14 days.
    pub columns: Vec<BoardColumn>,
}

const COLUMN: i64 = 200;

pub fn board(conn: &mut PgConnection, access: &Access, filter: BoardFilter) -> Result<Board> {
    let now = crate::now();
    let mut columns = Vec::new();
    for status in [OrderStatus::Proposed, OrderStatus::Open, OrderStatus::InProgress, OrderStatus::Done] {
        let of = OrderFilter {
            status: Some(status.to_string()),
            team: filter.team,
            site: filter.site,
            assignee: filter.assignee,
            priority: filter.priority,
            ..OrderFilter::default()
        };
        let recent = |q: order_views::Boxed<'static>| {
            if status == OrderStatus::Done {
                q.filter(work_orders::completed_at.ge(now - chrono::Duration::days(14)))
            } else {
                q
            }
        };
        let total: i64 = recent(order_views::query(access, &of)?).count().get_result(conn)?;
        let orders: Vec<WorkOrder> =
            order_views::by_due(recent(order_views::query(access, &of)?)).limit(COLUMN).load(conn)?;
        columns.push(BoardColumn { status, total, orders: order_views::views(conn, orders)? });
    }
    Ok(Board { columns })
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day (local to `GAMME_TIME_ZONE`); when absent, today, or 90 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, at most 90 days after `from`; `from` + 90 days when absent.
    pub to: Option<NaiveDate>,
    pub team: Option<Uuid>,
    pub site: Option<Uuid>,
}

/// An occurrence a plan has not made an order for yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannedOccurrence {
    pub plan_id: Uuid,
    pub plan_title: String,
    pub asset: Option<AssetBrief>,
    pub occurrence: i32,
    pub due_date: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub appears_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Calendar {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Orders due in the range (cancelled ones left out).
    pub orders: Vec<OrderView>,
    pub planned: Vec<PlannedOccurrence>,
}

pub const MAX_CALENDAR_DAYS: i64 = 90;

pub fn calendar(conn: &mut PgConnection, access: &Access, q: CalendarQuery, default: Tz) -> Result<Calendar> {
    let now = crate::now();
    let span = Days::new(MAX_CALENDAR_DAYS.unsigned_abs());
    let out_of_range = || WorkError::invalid("The calendar's dates are out of range.");
    let (from, to) = match (q.from, q.to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from.checked_add_days(span).ok_or_else(out_of_range)?),
        (None, Some(to)) => (to.checked_sub_days(span).ok_or_else(out_of_range)?, to),
        (None, None) => {
            let today = schedule::local_date(default, now);
            (today, today + span)
        }
    };
    if to < from {
        return Err(WorkError::invalid("`to` is before `from`."));
    }
    if (to - from).num_days() > MAX_CALENDAR_DAYS {
        return Err(WorkError::invalid(format!("A calendar spans at most {MAX_CALENDAR_DAYS} days.")));
    }
    let start = schedule::local_instant(default, from, chrono::NaiveTime::MIN);
    let end = schedule::local_instant(
        default,
        to.checked_add_days(Days::new(1)).ok_or_else(out_of_range)?,
        chrono::NaiveTime::MIN,
    );
    let filter = OrderFilter {
        status: Some("proposed,open,in_progress,done".into()),
        team: q.team,
        site: q.site,
        due_from: Some(start),
        due_to: Some(end),
        ..OrderFilter::default()
    };
    let orders: Vec<WorkOrder> = order_views::by_due(order_views::query(access, &filter)?).limit(2000).load(conn)?;
    let active: Vec<Plan> = plans::table
        .filter(plans::trigger.eq(PlanTrigger::Time))
        .filter(plans::status.eq(PlanStatus::Active))
        .select(Plan::as_select())
        .load(conn)?;
    let mut planned = Vec::new();
    for plan in active {
        let team = match plan.team_id {
            Some(t) => Some(t),
            None => teams::team_of_asset(conn, plan.asset_id)?.map(|t| t.team_id),
        };
        if q.team.is_some_and(|t| team != Some(t)) || !access.can_see(plan.assignee_id, team) {
            continue;
        }
        let Some(site) = AssetNode::site_of(conn, plan.asset_id)? else { continue };
        if q.site.is_some_and(|s| s != site.id) {
            continue;
        }
        let zone = settings::time_zone(conn, site.id, default)?;
        let made: Vec<i32> = work_orders::table
            .filter(work_orders::plan_id.eq(plan.id))
            .filter(work_orders::plan_occurrence.ge(plan.next_occurrence))
            .select(work_orders::plan_occurrence.assume_not_null())
            .load(conn)?;
        // A floating plan's dates after its next one depend on when that one is done.
        let count = if plan.schedule == Some(schedule::Schedule::Floating) { 1 } else { 400 };
        for o in plan.upcoming(zone, count) {
            if o.due_at >= end {
                break;
            }
            if o.due_at < start || made.contains(&o.occurrence) {
                continue;
            }
            let asset =
                AssetNode::find(conn, plan.asset_id)?.map(|a| AssetBrief { id: a.id, code: a.code, name: a.name });
            planned.push(PlannedOccurrence {
                plan_id: plan.id,
                plan_title: plan.title.clone(),
                asset,
                occurrence: o.occurrence,
                due_date: o.due_date,
                due_at: o.due_at,
                appears_at: o.appears_at,
            });
        }
    }
    planned.sort_by_key(|p| p.due_at);
    Ok(Calendar { from, to, orders: order_views::views(conn, orders)?, planned })
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceQuery {
    /// One site; every site with preventive orders when absent.
    pub site: Option<Uuid>,
    /// This month and the ones before it: 1–24, 6 when absent.
    #[param(minimum = 1, maximum = 24)]
    pub months: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplianceMonth {
    /// `YYYY-MM`, in the site's time zone.
    pub month: String,
    /// Preventive orders due that month (cancelled ones left out).
    pub due: i64,
    /// Done at or before their due time.
    pub on_time: i64,
    pub late: i64,
    /// Not done yet.
    pub pending: i64,
    pub cancelled: i64,
    /// `on_time / due`; `None` when nothing was due.
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteCompliance {
    pub site: AssetBrief,
    pub time_zone: String,
    pub months: Vec<ComplianceMonth>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Compliance {
    pub sites: Vec<SiteCompliance>,
}

#[derive(QueryableByName)]
struct MonthRow {
    #[diesel(sql_type = sql_types::Uuid)]
    site_id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    month: String,
    #[diesel(sql_type = sql_types::BigInt)]
    due: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    on_time: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    late: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    pending: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    cancelled: i64,
}

pub fn compliance(conn: &mut PgConnection, q: ComplianceQuery, default: Tz) -> Result<Compliance> {
    let months = q.months.unwrap_or(6);
    if !(1..=24).contains(&months) {
        return Err(WorkError::invalid("`months` is between 1 and 24."));
    }
    let now = crate::now();
    let this_month = schedule::local_date(default, now).with_day(1).unwrap_or(NaiveDate::MIN);
    let first = this_month.checked_sub_months(Months::new(months - 1)).unwrap_or(this_month);
    let labels: Vec<String> = (0..months)
        .filter_map(|i| first.checked_add_months(Months::new(i)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    // A day of slack either side: sites' zones differ from the default by hours.
    let start = schedule::local_instant(default, first - Days::new(1), chrono::NaiveTime::MIN);
    let end = schedule::local_instant(
        default,
        this_month.checked_add_months(Months::new(1)).unwrap_or(this_month) + Days::new(1),
        chrono::NaiveTime::MIN,
    );
    let rows: Vec<MonthRow> = diesel::sql_query(
        "SELECT o.site_id, \
                to_char(date_trunc('month', o.due_at AT TIME ZONE coalesce(s.time_zone, $1)), 'YYYY-MM') AS month, \
                count(*) FILTER (WHERE o.status <> 'cancelled') AS due, \
                count(*) FILTER (WHERE o.status = 'done' AND o.completed_at <= o.due_at) AS on_time, \
                count(*) FILTER (WHERE o.status = 'done' AND o.completed_at > o.due_at) AS late, \
                count(*) FILTER (WHERE o.status IN ('proposed', 'open', 'in_progress')) AS pending, \
                count(*) FILTER (WHERE o.status = 'cancelled') AS cancelled \
         FROM work_orders o LEFT JOIN site_settings s ON s.site_id = o.site_id \
         WHERE o.kind = 'preventive' AND o.due_at >= $2 AND o.due_at < $3 AND ($4::uuid IS NULL OR o.site_id = $4) \
         GROUP BY 1, 2",
    )
    .bind::<sql_types::Text, _>(default.name())
    .bind::<sql_types::Timestamptz, _>(start)
    .bind::<sql_types::Timestamptz, _>(end)
    .bind::<sql_types::Nullable<sql_types::Uuid>, _>(q.site)
    .load(conn)?;
    let mut by_site: BTreeMap<Uuid, Vec<MonthRow>> = BTreeMap::new();
    for row in rows {
        by_site.entry(row.site_id).or_default().push(row);
    }
    if let Some(site) = q.site {
        by_site.entry(site).or_default();
    }
    let ids: Vec<Uuid> = by_site.keys().copied().collect();
    let mut sites_found = AssetNode::find_many(conn, &ids)?;
    sites_found.sort_by(|a, b| a.code.cmp(&b.code));
    if let Some(site) = q.site {
        if !sites_found.iter().any(|s| s.id == site) {
            return Err(WorkError::NotFound("site"));
        }
    }
    let mut sites = Vec::new();
    for site in sites_found {
        let zone = settings::time_zone(conn, site.id, default)?;
        let rows = by_site.remove(&site.id).unwrap_or_default();
        let months = labels
            .iter()
            .map(|label| {
                let r = rows.iter().find(|r| &r.month == label);
                let (due, on_time) = (r.map_or(0, |r| r.due), r.map_or(0, |r| r.on_time));
                ComplianceMonth {
                    month: label.clone(),
                    due,
                    on_time,
                    late: r.map_or(0, |r| r.late),
                    pending: r.map_or(0, |r| r.pending),
                    cancelled: r.map_or(0, |r| r.cancelled),
                    rate: (due > 0).then(|| on_time as f64 / due as f64),
                }
            })
            .collect();
        sites.push(SiteCompliance {
            site: AssetBrief { id: site.id, code: site.code, name: site.name },
            time_zone: zone.name().to_owned(),
            months,
        });
    }
    Ok(Compliance { sites })
}

/// An asset's page as a label's QR code opens it: its team, plans, meters and the work due on it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetWork {
    pub asset: AssetBrief,
    pub site: Option<AssetBrief>,
    pub time_zone: String,
    pub team: Option<teams::AssetTeam>,
    /// Proposed, open and in progress, by due date (those the caller may see).
    pub orders: Vec<OrderView>,
    pub plans: Vec<Plan>,
    pub meters: Vec<crate::meters::Meter>,
}

pub fn asset_work(conn: &mut PgConnection, access: &Access, asset_id: Uuid, default: Tz) -> Result<AssetWork> {
    let path = AssetNode::path_up(conn, asset_id)?;
    let (Some(asset), site) = (path.first().cloned(), path.last().cloned()) else {
        return Err(WorkError::NotFound("asset"));
    };
    let zone = planning::zone_of_asset(conn, asset_id, default)?;
    let filter = OrderFilter {
        status: Some("proposed,open,in_progress".into()),
        asset: Some(asset_id),
        ..OrderFilter::default()
    };
    let orders: Vec<WorkOrder> = order_views::by_due(order_views::query(access, &filter)?).limit(200).load(conn)?;
    let plans: Vec<Plan> = plans::table
        .filter(plans::asset_id.eq(asset_id))
        .order(plans::title.asc())
        .select(Plan::as_select())
        .load(conn)?;
    Ok(AssetWork {
        asset: AssetBrief { id: asset.id, code: asset.code, name: asset.name },
        site: site.map(|s| AssetBrief { id: s.id, code: s.code, name: s.name }),
        time_zone: zone.name().to_owned(),
        team: teams::team_of_asset(conn, asset_id)?,
        orders: order_views::views(conn, orders)?,
        plans,
        meters: crate::meters::Meter::list(conn, Some(asset_id))?,
    })
}

/// A label: what a printed sheet shows for an asset, and the address its QR code holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Label {
    pub asset_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: gamme_db::asset_tree::AssetKind,
    pub code: String,
    pub name: String,
    /// Below the asset the sheet is for (0 for itself).
    pub depth: i32,
    /// The asset's page in the web UI.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelSheet {
    pub labels: Vec<Label>,
}

/// An asset and everything under it (archived ones left out), parents first.
pub fn labels(conn: &mut PgConnection, asset_id: Uuid, public_url: &str) -> Result<LabelSheet> {
    let tree = AssetNode::subtree(conn, asset_id)?;
    if tree.is_empty() {
        return Err(WorkError::NotFound("asset"));
    }
    let labels = tree
        .into_iter()
        .filter(|(a, _)| a.archived_at.is_none())
        .map(|(a, depth)| Label {
            url: format!("{public_url}/assets/{}", a.id),
            asset_id: a.id,
            parent_id: a.parent_id,
            kind: a.kind,
            code: a.code,
            name: a.name,
            depth,
        })
        .collect();
    Ok(LabelSheet { labels })
}
