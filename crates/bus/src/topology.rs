//! Exchange and queue names, and their declaration. The bus owns the three exchanges; each
//! service names the queues it consumes ([`WorkQueue`], [`EventQueue`]) in its own code and adds
//! them to its topology. A [`Bus`](crate::Bus) declares its whole topology every time it
//! connects (declarations are idempotent), so a message is never published before the queue
//! that must keep it exists, and a queue is back after a broker restart.

use lapin::{
    options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions},
    types::{AMQPValue, FieldTable, LongString, ShortString},
    Channel, ExchangeKind,
};

/// A durable quorum queue of work for one service's consumers (the AI jobs): fed through the
/// jobs exchange by routing key, each message delivered at most `max_attempts` times and then
/// dead-lettered to its own dead-letter queue.
///
/// Its broker names are `<prefix>.<name>` and `<prefix>.<name>.dead`; `name` is also the
/// outbox `destination` of its messages, which the outbox's `CHECK` constraint lists. Changing
/// anything here changes the queue's arguments, and RabbitMQ refuses to redeclare a queue with
/// other arguments: a running deployment would need the queue deleted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkQueue {
    pub name: &'static str,
    /// Its binding on the jobs exchange and on the dead-letter exchange.
    pub routing_key: &'static str,
    /// Deliveries before the broker dead-letters a message (a crashing consumer counts too).
    pub max_attempts: i32,
}

/// A durable quorum queue of one consumer of domain events, bound to the event types it handles.
/// Its broker name is `<prefix>.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventQueue {
    pub name: &'static str,
    pub event_types: &'static [&'static str],
}

#[derive(Debug, Clone)]
pub struct Topology {
    prefix: String,
    queue_expiry: Option<std::time::Duration>,
    work_queues: Vec<WorkQueue>,
    event_queues: Vec<EventQueue>,
}

impl Topology {
    /// `prefix` starts every name (`gamme` in production; tests use their own).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self { prefix: prefix.into(), queue_expiry: None, work_queues: Vec::new(), event_queues: Vec::new() }
    }

    /// Queues unused for this long are deleted by the broker: for tests, which each declare
    /// their own, never for a real deployment.
    pub fn with_queue_expiry(mut self, expiry: Option<std::time::Duration>) -> Self {
        self.queue_expiry = expiry;
        self
    }

    /// Declares `queue` (and its dead-letter queue) with the rest of the topology.
    pub fn with_work_queue(mut self, queue: WorkQueue) -> Self {
        self.work_queues.push(queue);
        self
    }

    /// Declares `queue` and its bindings with the rest of the topology.
    pub fn with_event_queue(mut self, queue: EventQueue) -> Self {
        self.event_queues.push(queue);
        self
    }

    fn queue_args(&self) -> FieldTable {
        let mut args = FieldTable::default();
        args.insert(ShortString::from("x-queue-type"), AMQPValue::LongString(LongString::from("quorum")));
        if let Some(expiry) = self.queue_expiry {
            let ms = i64::try_from(expiry.as_millis()).unwrap_or(i64::MAX);
            args.insert(ShortString::from("x-expires"), AMQPValue::LongLongInt(ms));
        }
        args
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Durable topic exchange for domain events; the routing key is the event type.
    pub fn events_exchange(&self) -> String {
        format!("{}.events", self.prefix)
    }

    /// Direct exchange in front of the work queues; the routing key picks the queue.
    pub fn jobs_exchange(&self) -> String {
        format!("{}.jobs", self.prefix)
    }

    pub fn dead_letter_exchange(&self) -> String {
        format!("{}.dead_letter", self.prefix)
    }

    /// The broker's name of a queue a service calls `name`.
    pub fn queue(&self, name: &str) -> String {
        format!("{}.{name}", self.prefix)
    }

    /// Where a work queue's dead letters wait.
    pub fn dead_letter_queue(&self, queue: &WorkQueue) -> String {
        format!("{}.{}.dead", self.prefix, queue.name)
    }

    pub async fn declare(&self, channel: &Channel) -> Result<(), lapin::Error> {
        let durable_exchange = ExchangeDeclareOptions { durable: true, ..Default::default() };
        for (name, kind) in [
            (self.events_exchange(), ExchangeKind::Topic),
            (self.jobs_exchange(), ExchangeKind::Direct),
            (self.dead_letter_exchange(), ExchangeKind::Direct),
        ] {
            channel.exchange_declare(&name, kind, durable_exchange, FieldTable::default()).await?;
        }
        for queue in &self.work_queues {
            self.declare_work_queue(channel, queue).await?;
        }
        for queue in &self.event_queues {
            self.declare_event_queue(channel, &self.queue(queue.name), queue.event_types).await?;
        }
        Ok(())
    }

    /// Declares a work queue, its dead-letter queue and their bindings.
    pub async fn declare_work_queue(&self, channel: &Channel, queue: &WorkQueue) -> Result<(), lapin::Error> {
        let durable = QueueDeclareOptions { durable: true, ..Default::default() };
        let dead_letters = self.dead_letter_queue(queue);
        // Dead letters: a quorum queue too, so they survive a broker node loss.
        channel.queue_declare(&dead_letters, durable, self.queue_args()).await?;
        channel
            .queue_bind(
                &dead_letters,
                &self.dead_letter_exchange(),
                queue.routing_key,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;

        // Quorum: replicated, and it counts deliveries, which `x-delivery-limit` needs.
        let mut args = self.queue_args();
        // A message returned more than this many times (crashing consumers, requeues) is
        // dead-lettered: the limit counts returns, so attempts = limit + 1.
        args.insert(ShortString::from("x-delivery-limit"), AMQPValue::LongInt(queue.max_attempts - 1));
        args.insert(
            ShortString::from("x-dead-letter-exchange"),
            AMQPValue::LongString(LongString::from(self.dead_letter_exchange())),
        );
        args.insert(
            ShortString::from("x-dead-letter-routing-key"),
            AMQPValue::LongString(LongString::from(queue.routing_key)),
        );
        // Dead-lettering is confirmed by the dead-letter queue, so no failed message is lost…
        args.insert(
            ShortString::from("x-dead-letter-strategy"),
            AMQPValue::LongString(LongString::from("at-least-once")),
        );
        // …which RabbitMQ only allows when a full queue refuses new messages (the outbox retries).
        args.insert(ShortString::from("x-overflow"), AMQPValue::LongString(LongString::from("reject-publish")));
        let name = self.queue(queue.name);
        channel.queue_declare(&name, durable, args).await?;
        channel
            .queue_bind(
                &name,
                &self.jobs_exchange(),
                queue.routing_key,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok(())
    }

    /// Declares a durable quorum queue of a consumer of events, bound to `event_types`.
    pub async fn declare_event_queue(
        &self,
        channel: &Channel,
        queue: &str,
        event_types: &[&str],
    ) -> Result<(), lapin::Error> {
        let args = self.queue_args();
        channel.queue_declare(queue, QueueDeclareOptions { durable: true, ..Default::default() }, args).await?;
        for kind in event_types {
            channel
                .queue_bind(queue, &self.events_exchange(), kind, QueueBindOptions::default(), FieldTable::default())
                .await?;
        }
        Ok(())
    }
}
