//! Gamme's messaging over RabbitMQ: one connection per process that comes back after a broker
//! restart, the topology every service declares, publishing with confirms, the transactional
//! outbox and its relay, the consumer loop, and the one event envelope.

pub mod connection;
pub mod consumer;
pub mod envelope;
pub mod outbox;
pub mod topology;

pub use connection::{Bus, BusError};
pub use consumer::{Incoming, Outcome};
pub use envelope::{Envelope, Event, SCHEMA_VERSION};
pub use outbox::{Destination, OutboxRelay};
pub use topology::Topology;

/// `/readyz` checks of a service that uses the database and the broker.
pub fn readiness(pool: gamme_db::PgPool, bus: Bus) -> gamme_service_kit::health::Readiness {
    gamme_service_kit::health::Readiness::new()
        .check("database", move || {
            let pool = pool.clone();
            Box::pin(async move { gamme_db::pool::ping(&pool).await })
        })
        .check("broker", move || {
            let bus = bus.clone();
            Box::pin(async move { bus.ping().await })
        })
}
