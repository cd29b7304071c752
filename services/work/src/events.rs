//! What the work service announces, through the outbox (so an event commits with its change),
//! and who caused it.

use diesel::PgConnection;
use gamme_bus::{outbox, Envelope, Event};
use uuid::Uuid;

use crate::error::Result;

/// Who makes a change: a person (through the API), or the service itself (the scheduler, a
/// run's events), and the request or message that caused it.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub correlation_id: Option<String>,
}

impl Actor {
    pub fn person(user_id: Uuid, correlation_id: &str) -> Self {
        Self { user_id: Some(user_id), correlation_id: Some(correlation_id.to_owned()) }
    }

    pub fn service(correlation_id: Option<String>) -> Self {
        Self { user_id: None, correlation_id }
    }
}

/// Adds `event` to the outbox inside the caller's transaction.
/// Those the event concerns are notified in the same transaction (`notifications`).
pub fn publish(conn: &mut PgConnection, actor: &Actor, event: Event) -> Result<()> {
    crate::notifications::from_event(conn, actor, &event)?;
    outbox::enqueue(conn, &Envelope::new(event, actor.correlation_id.clone()))?;
    Ok(())
}
