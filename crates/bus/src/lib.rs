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
pub use envelope::{Envelope, Event, FlaggedStep, SCHEMA_VERSION};
pub use outbox::{Destination, OutboxRelay};
pub use topology::Topology;

/// What every service connects to at start: the database pool, the broker, and the outbox
/// relay, which runs until `shutdown` is cancelled (the HTTP server cancels it when it stops).
pub struct Backbone {
    pub pool: gamme_db::PgPool,
    pub bus: Bus,
    /// Wakes the relay after a commit that added an outbox row.
    pub outbox: std::sync::Arc<tokio::sync::Notify>,
    pub shutdown: tokio_util::sync::CancellationToken,
}

impl Backbone {
    /// Must be called inside the Tokio runtime: it spawns the relay.
    pub fn start(common: &gamme_service_kit::config::CommonConfig) -> Self {
        let pool = gamme_db::build_pool(&common.database_url, common.db_pool_size, common.db_connect_timeout);
        let topology = Topology::new(&common.bus_prefix).with_queue_expiry(common.bus_queue_expiry);
        let bus = Bus::new(common.amqp_url.clone(), topology);
        let relay = OutboxRelay::new(pool.clone(), bus.clone());
        let outbox = relay.waker();
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(relay.run(shutdown.clone()));
        Self { pool, bus, outbox, shutdown }
    }

    /// `/readyz`: the database and the broker answer.
    pub fn readiness(&self) -> gamme_service_kit::health::Readiness {
        let (pool, bus) = (self.pool.clone(), self.bus.clone());
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
}
