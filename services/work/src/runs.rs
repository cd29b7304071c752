//! What the work service does when runs start and complete (procedures owns runs): it consumes
//! `run.started` and `run.completed`. A run for a work order puts it in progress, then done (and
//! a floating plan moves on); a completed run's number steps feed meters, and its failed checks
//! and out-of-limit readings give follow-ups. Each message is handled in one transaction, and a
//! redelivered one finds its work done.

use std::time::Duration;

use chrono_tz::Tz;
use diesel::PgConnection;
use gamme_bus::{consumer, Bus, Event, EventQueue, FlaggedStep, Incoming, Outcome};
use gamme_db::run_results::RunRef;
use gamme_service_kit::Store;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    events::Actor,
    follow_ups, meters,
    orders::{OrderStatus, WorkOrder},
    planning,
};

pub const QUEUE: EventQueue = EventQueue { name: "work.runs", event_types: &["run.started", "run.completed"] };

/// A few runs at a time per replica: each is one short transaction.
const PREFETCH: u16 = 8;

#[derive(Clone)]
pub struct RunEvents {
    pub store: Store,
    pub default_zone: Tz,
}

/// Consumes the queue until `shutdown`.
pub async fn run(events: RunEvents, bus: Bus, shutdown: CancellationToken) {
    let queue = bus.topology().queue(QUEUE.name);
    consumer::run(bus, queue, PREFETCH, shutdown, move |incoming| {
        let events = events.clone();
        async move { events.handle(incoming).await }
    })
    .await;
}

impl RunEvents {
    async fn handle(&self, incoming: Incoming) -> Outcome {
        let envelope = match incoming.envelope() {
            Ok(envelope) => envelope,
            Err(outcome) => return outcome,
        };
        let span =
            tracing::info_span!("run_event", kind = envelope.event.kind(), correlation_id = ?envelope.correlation_id);
        let zone = self.default_zone;
        let correlation = envelope.correlation_id.clone();
        let outcome = match envelope.event {
            Event::RunStarted { run_id, technician_id, work_order_id: Some(order), .. } => {
                let actor = Actor { user_id: Some(technician_id), correlation_id: correlation };
                self.store.write(move |c| started(c, &actor, run_id, order, technician_id)).instrument(span).await
            }
            Event::RunCompleted { run_id, technician_id, flagged_steps, work_order_id, .. } => {
                let actor = Actor { user_id: Some(technician_id), correlation_id: correlation };
                self.store
                    .write(move |c| completed(c, &actor, run_id, work_order_id, &flagged_steps, zone))
                    .instrument(span)
                    .await
            }
            _ => return Outcome::Ack,
        };
        match outcome {
            Ok(()) => Outcome::Ack,
            Err(err) => {
                tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "run event not handled; retrying");
                // The database is the trouble: give it a moment before the retry.
                tokio::time::sleep(Duration::from_secs(1)).await;
                Outcome::Requeue
            }
        }
    }
}

/// A run was started for an order.
pub fn started(conn: &mut PgConnection, actor: &Actor, run_id: Uuid, order_id: Uuid, technician: Uuid) -> Result<()> {
    let mut order = match WorkOrder::find_for_update(conn, order_id) {
        Ok(o) => o,
        Err(WorkError::NotFound(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    let again = order.status == OrderStatus::InProgress && order.run_id == Some(run_id);
    if again || !matches!(order.status, OrderStatus::Open | OrderStatus::InProgress) {
        return Ok(());
    }
    order.start(conn, actor, technician, Some(run_id))
}

/// A run was signed off.
pub fn completed(
    conn: &mut PgConnection,
    actor: &Actor,
    run_id: Uuid,
    order_id: Option<Uuid>,
    flagged: &[FlaggedStep],
    zone: Tz,
) -> Result<()> {
    let Some(run) = RunRef::find(conn, run_id)? else {
        tracing::warn!(%run_id, "run.completed for a run that is not in the database");
        return Ok(());
    };
    if let Some(order_id) = order_id.or(run.work_order_id) {
        let mut order = WorkOrder::find_for_update(conn, order_id)?;
        if matches!(order.status, OrderStatus::Open | OrderStatus::InProgress) {
            let at = run.completed_at.unwrap_or_else(crate::now);
            order.complete(conn, actor, run.technician_id, at, Some(run.id), None)?;
            planning::order_closed(conn, &order, zone)?;
        }
    }
    let results = RunRef::results(conn, run.id)?;
    meters::readings_from_run(conn, actor, &run, &results)?;
    follow_ups::from_run(conn, actor, &run, flagged, &results)?;
    Ok(())
}
