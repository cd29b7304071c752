//! What plans do to orders and orders to plans: the scheduler's pass over time plans, a meter
//! reading reaching a plan's threshold, and a floating plan moving on when its order closes.
//! One order per occurrence: the scheduler runs under an advisory lock, a meter's plans are
//! locked by row, and `(plan_id, plan_occurrence)` is unique.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use gamme_bus::Event;
use gamme_db::{
    asset_tree::AssetNode,
    schema::{plans, work_orders},
};
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    events::{publish, Actor},
    orders::{NewWorkOrder, OrderKind, OrderSource, OrderStatus, WorkOrder},
    plans::{Plan, PlanStatus, PlanTrigger},
    schedule::{self, Schedule},
    settings, teams,
};

/// Occurrences a fixed plan looks through in one pass (a daily plan paused for years).
const MAX_STEPS: i32 = 100_000;

/// The time zone of the site of `asset_id`.
pub fn zone_of_asset(conn: &mut PgConnection, asset_id: Uuid, default: Tz) -> Result<Tz> {
    let site = AssetNode::site_of(conn, asset_id)?.ok_or(WorkError::NotFound("asset"))?;
    Ok(settings::time_zone(conn, site.id, default)?)
}

fn exists(conn: &mut PgConnection, plan: Uuid, k: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        work_orders::table.filter(work_orders::plan_id.eq(plan)).filter(work_orders::plan_occurrence.eq(k)),
    ))
    .get_result(conn)
}

/// Makes the order of occurrence `k` of `plan`; `None` when it exists already.
pub fn make_order(
    conn: &mut PgConnection,
    actor: &Actor,
    plan: &Plan,
    k: i32,
    due_at: Option<DateTime<Utc>>,
) -> Result<Option<WorkOrder>> {
    // Checked first so that a second look does not spend an order number on a conflict.
    if exists(conn, plan.id, k)? {
        return Ok(None);
    }
    let path = AssetNode::path_up(conn, plan.asset_id)?;
    let (Some(asset), Some(site)) = (path.first(), path.last()) else { return Ok(None) };
    let team = match plan.team_id {
        Some(t) => Some(t),
        None => teams::team_of_asset(conn, asset.id)?.map(|t| t.team_id),
    };
    let mut new = NewWorkOrder::on(asset, site, plan.title.clone());
    new.description = plan.description.clone();
    new.kind = OrderKind::Preventive;
    new.source = OrderSource::Plan;
    new.procedure_id = Some(plan.procedure_id);
    new.priority = plan.priority;
    new.due_at = due_at;
    new.assignee_id = plan.assignee_id;
    new.team_id = team;
    new.plan_id = Some(plan.id);
    new.plan_occurrence = Some(k);
    let made = WorkOrder::insert(conn, actor, &new)?;
    if let Some(order) = &made {
        tracing::info!(plan_id = %plan.id, occurrence = k, work_order_id = %order.id, "plan made a work order");
        publish(conn, actor, Event::WorkOrderCreated { order: order.snapshot(), actor_id: actor.user_id })?;
    }
    Ok(made)
}

/// Makes the orders that active time plans are due to make at `now`; returns how many.
///
/// A fixed plan makes the order of its latest occurrence that has appeared; earlier ones it
/// missed (every replica down since) are skipped rather than piled up as overdue orders. A
/// floating plan makes its next order once, then waits for it to be closed.
pub fn time_pass(conn: &mut PgConnection, actor: &Actor, now: DateTime<Utc>, default: Tz) -> Result<usize> {
    let active: Vec<Plan> = plans::table
        .filter(plans::trigger.eq(PlanTrigger::Time))
        .filter(plans::status.eq(PlanStatus::Active))
        .select(Plan::as_select())
        .load(conn)?;
    let mut zones: HashMap<Uuid, Tz> = HashMap::new();
    let mut made = 0;
    for mut plan in active {
        let zone = match zones.get(&plan.asset_id) {
            Some(z) => *z,
            None => {
                let z = zone_of_asset(conn, plan.asset_id, default)?;
                zones.insert(plan.asset_id, z);
                z
            }
        };
        match plan.schedule {
            Some(Schedule::Fixed) => {
                let mut latest = None;
                let mut k = plan.next_occurrence;
                while k - plan.next_occurrence < MAX_STEPS {
                    match plan.occurrence(zone, k) {
                        Some(o) if o.appears_at <= now => latest = Some(o),
                        _ => break,
                    }
                    k += 1;
                }
                if let Some(o) = latest {
                    made += usize::from(make_order(conn, actor, &plan, o.occurrence, Some(o.due_at))?.is_some());
                    plan.next_occurrence = o.occurrence + 1;
                    plan.save(conn)?;
                }
            }
            Some(Schedule::Floating) => {
                if let Some(o) = plan.occurrence(zone, plan.next_occurrence).filter(|o| o.appears_at <= now) {
                    made += usize::from(make_order(conn, actor, &plan, o.occurrence, Some(o.due_at))?.is_some());
                }
            }
            None => {}
        }
    }
    Ok(made)
}

/// A reading of `value` taken at `at` on a meter: each active plan counting it whose next
/// threshold it reached makes one order, however many thresholds it passed at once.
pub fn meter_reading(
    conn: &mut PgConnection,
    actor: &Actor,
    meter_id: Uuid,
    value: f64,
    at: DateTime<Utc>,
) -> Result<usize> {
    let counting: Vec<Plan> = plans::table
        .filter(plans::meter_id.eq(meter_id))
        .filter(plans::status.eq(PlanStatus::Active))
        .order(plans::id.asc())
        .select(Plan::as_select())
        .for_update()
        .load(conn)?;
    let mut made = 0;
    for mut plan in counting {
        made += reading_for(conn, actor, &mut plan, value, at)?;
    }
    Ok(made)
}

fn reading_for(
    conn: &mut PgConnection,
    actor: &Actor,
    plan: &mut Plan,
    value: f64,
    at: DateTime<Utc>,
) -> Result<usize> {
    let Some(k) = plan.threshold_reached(value).filter(|k| *k >= plan.next_occurrence) else { return Ok(0) };
    let made = make_order(conn, actor, plan, k, Some(at))?.is_some();
    plan.next_occurrence = k.saturating_add(1);
    plan.save(conn)?;
    Ok(usize::from(made))
}

/// An order was completed or cancelled: its floating plan, if any, moves on.
pub fn order_closed(conn: &mut PgConnection, order: &WorkOrder, default: Tz) -> Result<()> {
    let Some(plan_id) = order.plan_id else { return Ok(()) };
    let mut plan = Plan::find_for_update(conn, plan_id)?;
    let zone = settings::time_zone(conn, order.site_id, default)?;
    let closed_at = match order.status {
        OrderStatus::Done => order.completed_at,
        _ => order.cancelled_at,
    };
    let closed_on = schedule::local_date(zone, closed_at.unwrap_or_else(crate::now));
    plan.advance_after(conn, order, closed_on)
}

/// A paused plan is active again; a meter plan takes the meter's latest reading at once.
pub fn resume(conn: &mut PgConnection, actor: &Actor, plan: &mut Plan, default: Tz) -> Result<()> {
    let zone = zone_of_asset(conn, plan.asset_id, default)?;
    plan.resume(conn, schedule::local_date(zone, crate::now()))?;
    if let Some(meter) = plan.meter_id {
        if let Some(value) = crate::plans::latest_reading(conn, meter)? {
            reading_for(conn, actor, plan, value, crate::now())?;
        }
    }
    Ok(())
}

/// A new meter plan takes the meter's latest reading at once (a start below it may already be
/// past a threshold).
pub fn plan_created(conn: &mut PgConnection, actor: &Actor, plan: &mut Plan) -> Result<()> {
    if let Some(meter) = plan.meter_id {
        if let Some(value) = crate::plans::latest_reading(conn, meter)? {
            reading_for(conn, actor, plan, value, crate::now())?;
        }
    }
    Ok(())
}
