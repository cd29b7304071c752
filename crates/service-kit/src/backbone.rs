//! What every service connects to at start: the database pool, the broker (with the queues the
//! service declares), and the outbox relay, which runs until `shutdown` is cancelled.

use std::sync::Arc;

use diesel::{Connection, PgConnection};
use gamme_bus::{Bus, EventQueue, OutboxRelay, Topology, WorkQueue};
use gamme_db::{DbError, PgPool};
use tokio::{
    sync::{Notify, Semaphore},
    task::JoinHandle,
};
use tokio_util::sync::CancellationToken;

use crate::{config::CommonConfig, health::Readiness};

pub struct Backbone {
    pub pool: PgPool,
    pub bus: Bus,
    /// Wakes the relay after a commit that added an outbox row.
    pub outbox: Arc<Notify>,
    /// The turns at the pool every [`Store`] of the service takes (see [`Store`]).
    turns: Arc<Semaphore>,
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
        let turns = Store::turns_for(&pool);
        Self { pool, bus, outbox, turns, shutdown, relay }
    }

    /// The database as handlers and tasks use it: reads, and writes that wake the relay.
    pub fn store(&self) -> Store {
        Store { pool: self.pool.clone(), outbox: self.outbox.clone(), turns: self.turns.clone() }
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
///
/// A call waits for its turn here, first come first served, before it takes a blocking thread
/// and a connection: there are as many turns as connections. Without them, more requests than
/// connections park blocking threads in the pool's own wait, which is not a queue (a woken
/// waiter can lose the connection to a newcomer), and a few requests wait far longer than the
/// rest under load.
#[derive(Clone)]
pub struct Store {
    pub pool: PgPool,
    outbox: Arc<Notify>,
    turns: Arc<Semaphore>,
}

impl Store {
    /// A store over `pool` whose writes wake `outbox`: what [`Backbone::store`] gives, for a
    /// test or a tool that runs without a backbone.
    pub fn new(pool: PgPool, outbox: Arc<Notify>) -> Self {
        let turns = Self::turns_for(&pool);
        Self { pool, outbox, turns }
    }

    fn turns_for(pool: &PgPool) -> Arc<Semaphore> {
        Arc::new(Semaphore::new(pool.max_size() as usize))
    }

    /// Runs `f` on a pooled connection, off the async threads.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        // The semaphore is never closed. The turn goes with the work onto the blocking thread:
        // a request dropped while its query runs does not give the turn back before the
        // connection.
        let turn = self.turns.clone().acquire_owned().await.map_err(|e| E::from(DbError::Task(e.to_string())))?;
        gamme_db::run(&self.pool, move |conn| {
            let _turn = turn;
            f(conn)
        })
        .await
    }

    /// Runs `f` in one transaction, then wakes the outbox relay.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let out = self.read(move |conn| conn.transaction(f)).await?;
        self.outbox.notify_one();
        Ok(out)
    }

    /// Wakes the relay after a commit made some other way.
    pub fn wake_outbox(&self) {
        self.outbox.notify_one();
    }
}
