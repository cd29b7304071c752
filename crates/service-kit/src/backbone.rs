//! What every service connects to at start: the database pool, the broker (with the queues the
//! service declares), and the outbox relay, which runs until `shutdown` is cancelled.

use std::sync::Arc;

use diesel::{Connection, PgConnection};
use gamme_bus::{Bus, EventQueue, OutboxRelay, Topology, WorkQueue};
use gamme_db::{DbError, PgPool};
use tokio::{sync::Notify, task::JoinHandle};
use tokio_util::sync::CancellationToken;

use crate::{config::CommonConfig, health::Readiness};

pub struct Backbone {
    pub pool: PgPool,
    pub bus: Bus,
    /// Wakes the relay after a commit that added an outbox row.
    pub outbox: Arc<Notify>,
    /// Cancelled when the service stops (SIGTERM, a test's cancel, a failed start): every
    /// background task of the service watches it.
    pub shutdown: CancellationToken,
    pub(crate) relay: JoinHandle<()>,
}

impl Backbone {
    /// Must be called inside the Tokio runtime: it spawns the relay, which connects to the
    /// broker at once, declaring the exchanges and these queues.
    pub fn start(common: &CommonConfig, work_queues: &[WorkQueue], event_queues: &[EventQueue]) -> Self {
        let pool = gamme_db::build_pool(&common.database_url, common.db_pool_size, common.db_connect_timeout);
        let mut topology = Topology::new(&common.bus_prefix).with_queue_expiry(common.bus_queue_expiry);
        for queue in work_queues {
            topology = topology.with_work_queue(*queue);
        }
        for queue in event_queues {
            topology = topology.with_event_queue(*queue);
        }
        let bus = Bus::new(common.amqp_url.clone(), topology);
        let relay = OutboxRelay::new(pool.clone(), bus.clone());
        let outbox = relay.waker();
        let shutdown = CancellationToken::new();
        let relay = tokio::spawn(relay.run(shutdown.clone()));
        Self { pool, bus, outbox, shutdown, relay }
    }

    /// The database as handlers and tasks use it: reads, and writes that wake the relay.
    pub fn store(&self) -> Store {
        Store { pool: self.pool.clone(), outbox: self.outbox.clone() }
    }

    /// `/readyz`: the database and the broker answer.
    pub fn readiness(&self) -> Readiness {
        let (pool, bus) = (self.pool.clone(), self.bus.clone());
        Readiness::new()
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

/// The one way a service uses its database from async code: sync Diesel on the blocking pool,
/// a write in one transaction, and the outbox relay woken after a write commits (it may have
/// added a message).
#[derive(Clone)]
pub struct Store {
    pub pool: PgPool,
    outbox: Arc<Notify>,
}

impl Store {
    /// A store over `pool` whose writes wake `outbox`: what [`Backbone::store`] gives, for a
    /// test or a tool that runs without a backbone.
    pub fn new(pool: PgPool, outbox: Arc<Notify>) -> Self {
        Self { pool, outbox }
    }

    /// Runs `f` on a pooled connection, off the async threads.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        gamme_db::run(&self.pool, f).await
    }

    /// Runs `f` in one transaction, then wakes the outbox relay.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let out = gamme_db::run(&self.pool, move |conn| conn.transaction(f)).await?;
        self.outbox.notify_one();
        Ok(out)
    }

    /// Wakes the relay after a commit made some other way.
    pub fn wake_outbox(&self) {
        self.outbox.notify_one();
    }
}
