//! The scheduler every replica runs: each tick, under a transaction-scoped advisory lock (one
//! replica's pass at a time; the others skip that tick), it makes the orders time plans are due
//! to make and announces orders falling due within a day and orders overdue, once each, and
//! writes each person's daily digest of overdue orders ([`emails::digest_pass`]).

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use gamme_bus::Event;
use gamme_db::{
    locks,
    schema::{work_order_signals, work_orders},
};
use gamme_service_kit::Store;
use tokio_util::sync::CancellationToken;

use crate::{
    emails,
    error::Result,
    events::{publish, Actor},
    orders::{OrderStatus, WorkOrder},
    planning,
};

/// Orders announced per kind and pass: a backlog drains over a few ticks.
const SIGNALS_PER_PASS: i64 = 500;

gamme_db::text_enum! {
    /// What the scheduler announces of an order, once per due date.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Signal {
        Due,
        Overdue,
    }
}

/// Orders open or in progress not yet announced with `signal`.
fn unsignalled(signal: Signal) -> work_orders::BoxedQuery<'static, diesel::pg::Pg> {
    let announced = work_order_signals::table
        .filter(work_order_signals::work_order_id.eq(work_orders::id))
        .filter(work_order_signals::signal.eq(signal));
    work_orders::table
        .filter(work_orders::status.eq_any(vec![OrderStatus::Open, OrderStatus::InProgress]))
        .filter(diesel::dsl::not(diesel::dsl::exists(announced)))
        .into_boxed()
}

/// What one pass did; `None` from [`pass`] when another replica held the lock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub orders_made: usize,
    pub due: usize,
    pub overdue: usize,
    /// Daily digests of overdue orders written (sent by the email sender, where there is one).
    pub digests: usize,
}

/// Runs a pass every `interval` until `shutdown`.
pub async fn run(store: Store, interval: Duration, zone: Tz, shutdown: CancellationToken) {
    loop {
        let done = store.write(move |c| pass(c, crate::now(), zone)).await;
        match done {
            Ok(Some(report)) if report != PassReport::default() => tracing::info!(?report, "scheduler pass"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "scheduler pass failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(interval) => {}
        }
    }
    tracing::info!("scheduler stopped");
}

/// One pass at `now`, inside the caller's transaction.
pub fn pass(conn: &mut PgConnection, now: DateTime<Utc>, zone: Tz) -> Result<Option<PassReport>> {
    if !locks::try_xact(conn, locks::WORK_SCHEDULER)? {
        return Ok(None);
    }
    let actor = Actor::service(None);
    let orders_made = planning::time_pass(conn, &actor, now, zone)?;
    let due: Vec<WorkOrder> = unsignalled(Signal::Due)
        .filter(work_orders::due_at.ge(now))
        .filter(work_orders::due_at.le(now + chrono::Duration::days(1)))
        .order(work_orders::due_at.asc())
        .limit(SIGNALS_PER_PASS)
        .select(WorkOrder::as_select())
        .load(conn)?;
    let overdue: Vec<WorkOrder> = unsignalled(Signal::Overdue)
        .filter(work_orders::due_at.lt(now))
        .order(work_orders::due_at.asc())
        .limit(SIGNALS_PER_PASS)
        .select(WorkOrder::as_select())
        .load(conn)?;
    for order in &due {
        publish(conn, &actor, Event::WorkOrderDue { order: order.snapshot() })?;
    }
    for order in &overdue {
        publish(conn, &actor, Event::WorkOrderOverdue { order: order.snapshot() })?;
    }
    for (signal, list) in [(Signal::Due, &due), (Signal::Overdue, &overdue)] {
        let rows: Vec<_> = list
            .iter()
            .map(|o| {
                (
                    work_order_signals::work_order_id.eq(o.id),
                    work_order_signals::signal.eq(signal),
                    work_order_signals::signalled_at.eq(now),
                )
            })
            .collect();
        diesel::insert_into(work_order_signals::table).values(rows).on_conflict_do_nothing().execute(conn)?;
    }
    let digests = emails::digest_pass(conn, now, zone)?;
    emails::prune(conn, now)?;
    Ok(Some(PassReport { orders_made, due: due.len(), overdue: overdue.len(), digests }))
}
