//! What other services put in the audit log: they own the thing, procedures owns the log. Auth
//! sends user administration (created, role changed, deactivated, reactivated, renamed), files
//! sends deletions, each as `audit.entry` through its outbox. One queue shared by the replicas;
//! each message is entered in one transaction, and a redelivered one is entered once.

use std::time::Duration;

use gamme_bus::{consumer, Bus, Event, EventQueue, Incoming, Outcome};
use gamme_service_kit::Store;
use tokio_util::sync::CancellationToken;

use crate::{
    audit::{AuditEntity, AuditEvent, Reported},
    error::ProcError,
};

pub const QUEUE: EventQueue = EventQueue { name: "procedures.audit", event_types: &["audit.entry"] };

/// One message in hand at a time, so a replica enters a thing's entries in the order its owner
/// sent them (a role change, then a deactivation, read in that order by an auditor). Each
/// entry is one short insert, and they are few: one at a time keeps up.
const PREFETCH: u16 = 1;

/// Consumes the queue until `shutdown`.
pub async fn run(store: Store, bus: Bus, shutdown: CancellationToken) {
    let queue = bus.topology().queue(QUEUE.name);
    consumer::run(bus, queue, PREFETCH, shutdown, move |incoming| {
        let store = store.clone();
        async move { handle(&store, incoming).await }
    })
    .await;
}

async fn handle(store: &Store, incoming: Incoming) -> Outcome {
    let envelope = match incoming.envelope() {
        Ok(envelope) => envelope,
        Err(outcome) => return outcome,
    };
    let Event::AuditEntry { actor_id, action, entity_type, entity_id, before, after } = envelope.event else {
        return Outcome::Ack;
    };
    let entity_type = match entity_type.parse::<AuditEntity>() {
        Ok(entity @ (AuditEntity::User | AuditEntity::File)) => entity,
        _ => {
            // Only procedures writes entries about its own things.
            tracing::warn!(%entity_type, %action, "audit entry about something no other service owns; dead-lettered");
            return Outcome::DeadLetter;
        }
    };
    let message_id = envelope.message_id;
    let entry = Reported { actor_id, action, entity_type, entity_id, before, after };
    match store.write(move |c| Ok::<_, ProcError>(AuditEvent::record_reported(c, message_id, entry)?)).await {
        Ok(_) => Outcome::Ack,
        Err(err) => {
            tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "audit entry not recorded; retrying");
            // The database is the trouble: give it a moment before the retry.
            tokio::time::sleep(Duration::from_secs(1)).await;
            Outcome::Requeue
        }
    }
}
