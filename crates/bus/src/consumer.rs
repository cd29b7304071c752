//! The consumer loop: bounded prefetch, manual ack after the handler's work is done, requeue
//! or dead-letter on the handler's word, reconnect with backoff when the broker goes away,
//! and on shutdown stop taking messages, finish those in hand, then close.

use std::{future::Future, panic::AssertUnwindSafe, sync::Arc};

use futures_util::{FutureExt, StreamExt};
use lapin::{
    message::Delivery,
    options::{
        BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
        BasicRejectOptions, QueueBindOptions, QueueDeclareOptions,
    },
    types::{AMQPValue, FieldTable},
};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use gamme_backoff::Backoff;

use crate::connection::{reconnect_backoff, Bus, BusError};

/// A message as a handler sees it.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub body: Vec<u8>,
    pub message_id: Option<String>,
    pub correlation_id: Option<String>,
    pub message_type: Option<String>,
    /// Deliveries before this one, as counted by a quorum queue (0 on the first).
    pub delivery_count: u32,
    /// Why the broker dead-lettered it, on a message read from a dead-letter queue.
    pub death: Option<Death>,
}

/// Why a message was dead-lettered: the newest entry of its `x-death` header (or the
/// `x-first-death-reason` the broker also sets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Death {
    /// Returned more times than its queue's `x-delivery-limit` allows: its consumers kept
    /// stopping before they acked it (crashes count) or kept requeueing it.
    DeliveryLimit,
    /// A consumer rejected it without requeueing ([`Outcome::DeadLetter`]).
    Rejected,
    /// Its time to live ran out.
    Expired,
    /// A full queue pushed it out.
    MaxLength,
    /// A reason this version of Gamme does not know.
    Other(String),
}

impl Death {
    fn from_reason(reason: &str) -> Self {
        match reason {
            "delivery_limit" => Death::DeliveryLimit,
            "rejected" => Death::Rejected,
            "expired" => Death::Expired,
            "maxlen" => Death::MaxLength,
            other => Death::Other(other.to_owned()),
        }
    }

    fn from_headers(headers: Option<&FieldTable>) -> Option<Self> {
        let headers = headers?.inner();
        let newest = match headers.get("x-death") {
            Some(AMQPValue::FieldArray(deaths)) => deaths.as_slice().first().and_then(|d| match d {
                AMQPValue::FieldTable(t) => long_string(t.inner().get("reason")),
                _ => None,
            }),
            _ => None,
        };
        newest
            .or_else(|| long_string(headers.get("x-last-death-reason")))
            .or_else(|| long_string(headers.get("x-first-death-reason")))
            .map(|reason| Death::from_reason(&reason))
    }
}

fn long_string(value: Option<&AMQPValue>) -> Option<String> {
    match value? {
        AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        AMQPValue::ShortString(s) => Some(s.as_str().to_owned()),
        _ => None,
    }
}

/// What to do with a message once its handler is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done (or already done before): remove it.
    Ack,
    /// Could not be handled now: deliver it again (counts toward the delivery limit).
    Requeue,
    /// Can never be handled: dead-letter it (or drop it where the queue has no dead-letter exchange).
    DeadLetter,
}

fn delivery_count(headers: Option<&FieldTable>) -> u32 {
    let value = headers.and_then(|h| h.inner().get("x-delivery-count"));
    match value {
        Some(AMQPValue::LongLongInt(n)) => u32::try_from(*n).unwrap_or(u32::MAX),
        Some(AMQPValue::LongInt(n)) => u32::try_from(*n).unwrap_or(u32::MAX),
        Some(AMQPValue::LongUInt(n)) => *n,
        Some(AMQPValue::ShortInt(n)) => u32::try_from(*n).unwrap_or(0),
        _ => 0,
    }
}

impl Incoming {
    /// The envelope the message carries, or what to do with a message that has none this
    /// consumer can read: an unreadable one is dead-lettered, one of another schema version is
    /// acknowledged and skipped.
    pub fn envelope(&self) -> Result<crate::Envelope, Outcome> {
        let envelope: crate::Envelope = serde_json::from_slice(&self.body).map_err(|err| {
            tracing::warn!(error = %err, message_id = ?self.message_id, "unreadable message dropped");
            Outcome::DeadLetter
        })?;
        if envelope.schema_version != crate::SCHEMA_VERSION {
            return Err(Outcome::Ack);
        }
        Ok(envelope)
    }

    fn from_delivery(d: &Delivery) -> Self {
        let p = &d.properties;
        Self {
            body: d.data.clone(),
            message_id: p.message_id().as_ref().map(|s| s.to_string()),
            correlation_id: p.correlation_id().as_ref().map(|s| s.to_string()),
            message_type: p.kind().as_ref().map(|s| s.to_string()),
            delivery_count: delivery_count(p.headers().as_ref()),
            death: Death::from_headers(p.headers().as_ref()),
        }
    }
}

/// Consumes `queue` until `shutdown` is cancelled, with at most `prefetch` messages in hand.
pub async fn run<H, F>(bus: Bus, queue: String, prefetch: u16, shutdown: CancellationToken, handler: H)
where
    H: Fn(Incoming) -> F + Send + Sync + 'static,
    F: Future<Output = Outcome> + Send + 'static,
{
    let handler = Arc::new(handler);
    let mut backoff = reconnect_backoff();
    while !shutdown.is_cancelled() {
        match consume(&bus, &queue, prefetch, &shutdown, handler.clone(), &mut backoff).await {
            Ok(()) => break,
            Err(err) => {
                let delay = backoff.next_delay();
                tracing::warn!(%queue, error = %err, retry_in_ms = delay.as_millis() as u64, "consumer lost its channel");
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(delay) => {},
                }
            }
        }
    }
    tracing::info!(%queue, "consumer stopped");
}

async fn consume<H, F>(
    bus: &Bus,
    queue: &str,
    prefetch: u16,
    shutdown: &CancellationToken,
    handler: Arc<H>,
    backoff: &mut Backoff,
) -> Result<(), BusError>
where
    H: Fn(Incoming) -> F + Send + Sync + 'static,
    F: Future<Output = Outcome> + Send + 'static,
{
    let channel = bus.channel().await?;
    channel.basic_qos(prefetch, BasicQosOptions::default()).await?;
    let tag = format!("{queue}.{}.{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let mut consumer =
        channel.basic_consume(queue, &tag, BasicConsumeOptions::default(), FieldTable::default()).await?;
    backoff.reset();
    tracing::info!(%queue, prefetch, "consuming");
    let mut in_hand = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => {
                // Stop deliveries, finish what is in hand (each acks), then close: anything
                // delivered but not started goes back to the queue with the channel.
                let _ = channel.basic_cancel(&tag, BasicCancelOptions::default()).await;
                while in_hand.join_next().await.is_some() {}
                let _ = channel.close(200, "shutting down").await;
                return Ok(());
            }
            Some(done) = in_hand.join_next(), if !in_hand.is_empty() => {
                if let Err(err) = done {
                    tracing::error!(error = %err, "message task failed");
                }
            }
            next = consumer.next() => {
                let delivery = match next {
                    Some(Ok(d)) => d,
                    Some(Err(e)) => return Err(e.into()),
                    None => return Err(BusError::ConsumerEnded),
                };
                let handler = handler.clone();
                in_hand.spawn(async move {
                    let incoming = Incoming::from_delivery(&delivery);
                    let outcome = AssertUnwindSafe(handler(incoming)).catch_unwind().await.unwrap_or_else(|_| {
                        tracing::error!("message handler panicked; the message goes back to the queue");
                        Outcome::Requeue
                    });
                    let settled = match outcome {
                        Outcome::Ack => delivery.ack(BasicAckOptions::default()).await,
                        Outcome::Requeue => delivery.nack(BasicNackOptions { requeue: true, ..Default::default() }).await,
                        Outcome::DeadLetter => delivery.reject(BasicRejectOptions { requeue: false }).await,
                    };
                    if let Err(err) = settled {
                        // The channel is gone: the broker redelivers the message to someone.
                        tracing::warn!(error = %err, ?outcome, "could not settle a message");
                    }
                });
            }
        }
    }
}

/// What a listener hears: its events, and when it starts and stops hearing them.
#[derive(Debug)]
pub enum Heard {
    /// The queue is bound: from now on every event is heard. Anything before was not, so a
    /// cache kept fresh by events starts empty here.
    Listening,
    /// One event.
    Event(Incoming),
    /// The channel is gone: events are missed until the next [`Heard::Listening`].
    Deaf,
}

/// Hears every event of `event_types` in this process, until `shutdown`: for a replica that
/// must learn of something as it happens (a document's text is ready, a user was
/// deactivated), not for work that must be done once. Each (re)connection declares its own
/// broker-named queue, exclusive to the connection and gone with it, so every replica hears
/// every event; messages are not acked and may be missed while the broker is away (the
/// handler is told: [`Heard::Deaf`], then [`Heard::Listening`]), so a listener must be a
/// shortcut over a state it can also read.
pub async fn listen<H>(bus: Bus, event_types: &'static [&'static str], shutdown: CancellationToken, handler: H)
where
    H: Fn(Heard) + Send + Sync + 'static,
{
    let mut backoff = reconnect_backoff();
    while !shutdown.is_cancelled() {
        let heard = async {
            let channel = bus.channel().await?;
            let options = QueueDeclareOptions { exclusive: true, auto_delete: true, ..Default::default() };
            let queue = channel.queue_declare("", options, FieldTable::default()).await?;
            let exchange = bus.topology().events_exchange();
            for kind in event_types {
                channel
                    .queue_bind(
                        queue.name().as_str(),
                        &exchange,
                        kind,
                        QueueBindOptions::default(),
                        FieldTable::default(),
                    )
                    .await?;
            }
            let no_ack = BasicConsumeOptions { no_ack: true, ..Default::default() };
            let mut consumer = channel.basic_consume(queue.name().as_str(), "", no_ack, FieldTable::default()).await?;
            backoff.reset();
            tracing::debug!(?event_types, "listening");
            handler(Heard::Listening);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => {
                        let _ = channel.close(200, "shutting down").await;
                        return Ok::<(), BusError>(());
                    }
                    next = consumer.next() => match next {
                        Some(Ok(delivery)) => handler(Heard::Event(Incoming::from_delivery(&delivery))),
                        Some(Err(e)) => return Err(e.into()),
                        None => return Err(BusError::ConsumerEnded),
                    },
                }
            }
        };
        let outcome = heard.await;
        handler(Heard::Deaf);
        if let Err(err) = outcome {
            let delay = backoff.next_delay();
            tracing::warn!(?event_types, error = %err, retry_in_ms = delay.as_millis() as u64, "listener lost its channel");
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(delay) => {},
            }
        }
    }
}
