//! Follow-ups: a completed run's failed check or out-of-limit reading gives a corrective order
//! on the run's asset, linked to the run and the step, with the reading and the note, for the
//! asset's team; proposed or open as the procedure's setting says. One per run and step.

use diesel::prelude::*;
use gamme_bus::{Event, FlaggedStep};
use gamme_db::{
    asset_tree::AssetNode,
    run_results::{RunRef, RunResult},
    schema::work_orders,
};
use uuid::Uuid;

use crate::{
    error::Result,
    events::{publish, Actor},
    orders::{FollowUpReason, NewWorkOrder, OrderSource, OrderStatus, Priority, WorkOrder},
    settings::{self, FollowUpMode},
    teams,
};

fn exists(conn: &mut PgConnection, run: Uuid, step: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        work_orders::table.filter(work_orders::source_run_id.eq(run)).filter(work_orders::source_step_id.eq(step)),
    ))
    .get_result(conn)
}

/// The follow-ups of a completed run; returns how many were made now.
pub fn from_run(
    conn: &mut PgConnection,
    actor: &Actor,
    run: &RunRef,
    flagged: &[FlaggedStep],
    results: &[RunResult],
) -> Result<usize> {
    if flagged.is_empty() {
        return Ok(0);
    }
    let status = match settings::follow_up_mode(conn, run.procedure_id)? {
        FollowUpMode::Off => return Ok(0),
        FollowUpMode::Propose => OrderStatus::Proposed,
        FollowUpMode::Create => OrderStatus::Open,
    };
    let asset_id = match (run.asset_id, run.work_order_id) {
        (Some(a), _) => a,
        (None, Some(order)) => WorkOrder::find(conn, order)?.asset_id,
        (None, None) => {
            tracing::info!(run_id = %run.id, "a run on no asset has failed steps: no follow-up (an order needs an asset)");
            return Ok(0);
        }
    };
    let path = AssetNode::path_up(conn, asset_id)?;
    let (Some(asset), Some(site)) = (path.first(), path.last()) else { return Ok(0) };
    let team = teams::team_of_asset(conn, asset.id)?.map(|t| t.team_id);
    let mut made = 0;
    for step in flagged {
        if exists(conn, run.id, step.step_id)? {
            continue;
        }
        let result = results.iter().find(|r| r.step_id == step.step_id);
        let reason = if step.reason == "failed" { FollowUpReason::Failed } else { FollowUpReason::OutOfLimit };
        let title: String = step.title.chars().take(200).collect();
        let mut new =
            NewWorkOrder::on(asset, site, if title.trim().is_empty() { "Follow-up".to_owned() } else { title });
        new.source = OrderSource::FollowUp;
        new.status = status;
        new.priority = Priority::High;
        new.team_id = team;
        new.source_run_id = Some(run.id);
        new.source_step_id = Some(step.step_id);
        new.source_reason = Some(reason);
        new.source_value = result.and_then(|r| r.value.clone());
        new.source_note = result.and_then(|r| r.note.clone());
        new.description = new.source_note.clone().unwrap_or_default();
        let Some(order) = WorkOrder::insert(conn, actor, &new)? else { continue };
        made += 1;
        publish(
            conn,
            actor,
            Event::FollowUpCreated {
                order: order.snapshot(),
                run_id: run.id,
                step_id: step.step_id,
                reason: reason.to_string(),
                value: order.source_value.clone(),
                note: order.source_note.clone(),
            },
        )?;
    }
    Ok(made)
}
