//! Gamme's messaging over RabbitMQ: one connection per process that comes back after a broker
//! restart, the exchanges every service declares and the queues each service names for itself,
//! publishing with confirms, the transactional outbox and its relay, the consumer loop, and the
//! one event envelope. It knows no service's queue by name and nothing of HTTP.

pub mod connection;
pub mod consumer;
pub mod envelope;
pub mod heard_cache;
pub mod outbox;
pub mod topology;

pub use connection::{Bus, BusError};
pub use consumer::{Death, Heard, Incoming, Outcome};
pub use envelope::{Envelope, Event, FlaggedStep, WorkOrderSnapshot, SCHEMA_VERSION};
pub use outbox::OutboxRelay;
pub use topology::{EventQueue, Topology, WorkQueue};
