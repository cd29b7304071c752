//! The transactional outbox: a message row commits in the same transaction as the change it
//! announces, and the relay publishes committed rows with publisher confirms, then stamps
//! them. Delivery is at least once (a crash between confirm and stamp republishes), so
//! consumers deduplicate by message id. Several relays (scaled services) share the table:
//! each leases a batch with `FOR UPDATE SKIP LOCKED`.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use diesel::{
    pg::PgConnection,
    prelude::*,
    sql_query,
    sql_types::{BigInt, Jsonb, Nullable, Text},
};
use gamme_db::{schema::outbox, DbError, PgPool};
use lapin::{
    types::{AMQPValue, FieldTable, ShortString},
    BasicProperties,
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    connection::{reconnect_backoff, Bus, BusError},
    envelope::Envelope,
    topology::WorkQueue,
};

/// The `destination` of a domain event; a work queue's messages carry the queue's name.
const EVENTS: &str = "events";

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewOutboxRow<'a> {
    message_id: Uuid,
    destination: &'a str,
    routing_key: &'a str,
    message_type: &'a str,
    correlation_id: Option<&'a str>,
    body: serde_json::Value,
}

/// Adds an event to the outbox, inside the caller's transaction.
pub fn enqueue(conn: &mut PgConnection, envelope: &Envelope) -> QueryResult<()> {
    let kind = envelope.event.kind();
    let body = serde_json::to_value(envelope).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    insert(conn, EVENTS, kind, kind, envelope.message_id, envelope.correlation_id.as_deref(), body)
}

/// Adds a message for `queue` (a service's work queue) to the outbox, inside the caller's
/// transaction; returns its message id.
pub fn enqueue_work(
    conn: &mut PgConnection,
    queue: &WorkQueue,
    message_type: &str,
    correlation_id: Option<&str>,
    body: serde_json::Value,
) -> QueryResult<Uuid> {
    let message_id = Uuid::now_v7();
    insert(conn, queue.name, queue.routing_key, message_type, message_id, correlation_id, body)?;
    Ok(message_id)
}

fn insert(
    conn: &mut PgConnection,
    destination: &str,
    routing_key: &str,
    message_type: &str,
    message_id: Uuid,
    correlation_id: Option<&str>,
    body: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(NewOutboxRow { message_id, destination, routing_key, message_type, correlation_id, body })
        .execute(conn)
        .map(|_| ())
}

#[derive(QueryableByName, Debug)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    message_id: Uuid,
    #[diesel(sql_type = Text)]
    destination: String,
    #[diesel(sql_type = Text)]
    routing_key: String,
    #[diesel(sql_type = Text)]
    message_type: String,
    #[diesel(sql_type = Nullable<Text>)]
    correlation_id: Option<String>,
    #[diesel(sql_type = Jsonb)]
    body: serde_json::Value,
}

/// A leased row not stamped within this time is picked up again by any relay.
const LEASE_SECS: i64 = 30;
const IDLE_POLL: Duration = Duration::from_millis(500);
const PUBLISHED_RETENTION_DAYS: i64 = 7;

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Bus(#[from] BusError),
}

/// Publishes committed outbox rows.
#[derive(Clone)]
pub struct OutboxRelay {
    pool: PgPool,
    bus: Bus,
    wake: Arc<Notify>,
    batch_size: i64,
}

impl OutboxRelay {
    pub fn new(pool: PgPool, bus: Bus) -> Self {
        Self { pool, bus, wake: Arc::new(Notify::new()), batch_size: 100 }
    }

    /// Handlers call `notify_one()` on this after committing, so the message leaves at once
    /// instead of at the next poll.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs until `shutdown` is cancelled; broker or database failures back off and retry.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut backoff = reconnect_backoff();
        let mut last_cleanup = std::time::Instant::now();
        // Connect now rather than at the first message, so a broken broker shows at start.
        if let Err(err) = self.bus.ping().await {
            tracing::warn!(error = %err, "broker not reachable yet; will keep trying");
        }
        loop {
            if shutdown.is_cancelled() {
                break;
            }
            let delay = match self.publish_pending().await {
                Ok(n) if n > 0 => {
                    backoff.reset();
                    continue;
                }
                Ok(_) => {
                    backoff.reset();
                    IDLE_POLL
                }
                Err(err) => {
                    let d = backoff.next_delay();
                    tracing::warn!(error = %err, retry_in_ms = d.as_millis() as u64, "outbox relay cannot publish");
                    d
                }
            };
            if last_cleanup.elapsed() > Duration::from_secs(600) {
                last_cleanup = std::time::Instant::now();
                if let Err(err) = self.delete_old().await {
                    tracing::warn!(error = %err, "cannot clean published outbox rows");
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.wake.notified() => {},
                _ = tokio::time::sleep(delay) => {},
            }
        }
        tracing::info!("outbox relay stopped");
    }

    /// Publishes one batch; returns how many messages were published.
    pub async fn publish_pending(&self) -> Result<usize, RelayError> {
        let limit = self.batch_size;
        let mut rows: Vec<Claimed> = gamme_db::run(&self.pool, move |conn| {
            sql_query(
                "UPDATE outbox SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL \
                   AND (claimed_until IS NULL OR claimed_until < now()) \
                   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, message_id, destination, routing_key, message_type, correlation_id, body",
            )
            .bind::<BigInt, _>(limit)
            .bind::<diesel::sql_types::Double, _>(LEASE_SECS as f64)
            .load(conn)
            .map_err(DbError::from)
        })
        .await?;
        rows.sort_by_key(|r| r.id);
        let mut published = Vec::with_capacity(rows.len());
        let mut failure = None;
        for row in &rows {
            match self.publish_row(row).await {
                Ok(()) => published.push(row.id),
                Err(err) => {
                    failure = Some((row.id, err));
                    break;
                }
            }
        }
        let count = published.len();
        let unsent: Vec<i64> = rows.iter().map(|r| r.id).filter(|id| !published.contains(id)).collect();
        let error_text = failure.as_ref().map(|(_, e)| e.to_string());
        gamme_db::run(&self.pool, move |conn| {
            conn.transaction(|conn| {
                if !published.is_empty() {
                    diesel::update(outbox::table.filter(outbox::id.eq_any(&published)))
                        .set((
                            outbox::published_at.eq(Utc::now()),
                            outbox::claimed_until.eq(None::<chrono::DateTime<Utc>>),
                        ))
                        .execute(conn)?;
                }
                if !unsent.is_empty() {
                    // Released at once: the relay's own backoff paces the retry.
                    diesel::update(outbox::table.filter(outbox::id.eq_any(&unsent)))
                        .set((
                            outbox::claimed_until.eq(None::<chrono::DateTime<Utc>>),
                            outbox::last_error.eq(&error_text),
                        ))
                        .execute(conn)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .map_err(DbError::from)
        })
        .await?;
        match failure {
            Some((_, err)) => Err(err.into()),
            None => Ok(count),
        }
    }

    async fn publish_row(&self, row: &Claimed) -> Result<(), BusError> {
        let topology = self.bus.topology();
        // An event nobody listens to is fine; work nobody would do is an error (the queue is
        // missing), so the row stays and is tried again.
        let (exchange, mandatory) = match row.destination.as_str() {
            EVENTS => (topology.events_exchange(), false),
            _ => (topology.jobs_exchange(), true),
        };
        let body = serde_json::to_vec(&row.body).unwrap_or_default();
        let mut headers = FieldTable::default();
        headers.insert(ShortString::from("x-outbox-id"), AMQPValue::LongLongInt(row.id));
        let mut properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_delivery_mode(2)
            .with_message_id(row.message_id.to_string().into())
            .with_type(row.message_type.clone().into())
            .with_app_id("gamme".into())
            .with_timestamp(Utc::now().timestamp().max(0) as u64)
            .with_headers(headers);
        if let Some(c) = &row.correlation_id {
            properties = properties.with_correlation_id(c.clone().into());
        }
        self.bus.publish(&exchange, &row.routing_key, &body, properties, mandatory).await
    }

    async fn delete_old(&self) -> Result<usize, DbError> {
        gamme_db::run(&self.pool, |conn| {
            diesel::delete(
                outbox::table
                    .filter(outbox::published_at.lt(Utc::now() - chrono::Duration::days(PUBLISHED_RETENTION_DAYS))),
            )
            .execute(conn)
            .map_err(DbError::from)
        })
        .await
    }
}
