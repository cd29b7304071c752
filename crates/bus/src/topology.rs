//! Exchange and queue names, and their declaration. Every service declares the whole
//! topology when it connects (declarations are idempotent), so a message is never published
//! before the queue that must keep it exists.

use lapin::{
    options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions},
    types::{AMQPValue, FieldTable, LongString, ShortString},
    Channel, ExchangeKind,
};

/// A job is delivered at most this many times before it is dead-lettered.
pub const AI_JOB_MAX_ATTEMPTS: i32 = 5;

#[derive(Debug, Clone)]
pub struct Topology {
    prefix: String,
    queue_expiry: Option<std::time::Duration>,
}

impl Topology {
    /// `prefix` starts every name (`gamme` in production; tests use their own).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self { prefix: prefix.into(), queue_expiry: None }
    }

    /// Queues unused for this long are deleted by the broker: for tests, which each declare
    /// their own, never for a real deployment.
    pub fn with_queue_expiry(mut self, expiry: Option<std::time::Duration>) -> Self {
        self.queue_expiry = expiry;
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

    /// Direct exchange in front of the AI job queue.
    pub fn jobs_exchange(&self) -> String {
        format!("{}.jobs", self.prefix)
    }

    pub fn ai_jobs_queue(&self) -> String {
        format!("{}.ai_jobs", self.prefix)
    }

    pub fn dead_letter_exchange(&self) -> String {
        format!("{}.dead_letter", self.prefix)
    }

    pub fn ai_jobs_dead_letter_queue(&self) -> String {
        format!("{}.ai_jobs.dead", self.prefix)
    }

    /// The routing key AI jobs are published with.
    pub const AI_JOB_ROUTING_KEY: &'static str = "ai_job";

    pub async fn declare(&self, channel: &Channel) -> Result<(), lapin::Error> {
        let durable_exchange = ExchangeDeclareOptions { durable: true, ..Default::default() };
        channel
            .exchange_declare(&self.events_exchange(), ExchangeKind::Topic, durable_exchange, FieldTable::default())
            .await?;
        channel
            .exchange_declare(&self.jobs_exchange(), ExchangeKind::Direct, durable_exchange, FieldTable::default())
            .await?;
        channel
            .exchange_declare(
                &self.dead_letter_exchange(),
                ExchangeKind::Direct,
                durable_exchange,
                FieldTable::default(),
            )
            .await?;

        // Dead letters: a quorum queue too, so they survive a broker node loss.
        let dead_args = self.queue_args();
        channel
            .queue_declare(
                &self.ai_jobs_dead_letter_queue(),
                QueueDeclareOptions { durable: true, ..Default::default() },
                dead_args,
            )
            .await?;
        channel
            .queue_bind(
                &self.ai_jobs_dead_letter_queue(),
                &self.dead_letter_exchange(),
                Self::AI_JOB_ROUTING_KEY,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;

        // Quorum: replicated, and it counts deliveries, which `x-delivery-limit` needs.
        let mut args = self.queue_args();
        // A job returned more than this many times (crashing workers, requeues) is dead-lettered:
        // the limit counts returns, so attempts = limit + 1.
        args.insert(ShortString::from("x-delivery-limit"), AMQPValue::LongInt(AI_JOB_MAX_ATTEMPTS - 1));
        args.insert(
            ShortString::from("x-dead-letter-exchange"),
            AMQPValue::LongString(LongString::from(self.dead_letter_exchange())),
        );
        args.insert(
            ShortString::from("x-dead-letter-routing-key"),
            AMQPValue::LongString(LongString::from(Self::AI_JOB_ROUTING_KEY)),
        );
        // Dead-lettering is confirmed by the dead-letter queue, so no failed job is lost…
        args.insert(
            ShortString::from("x-dead-letter-strategy"),
            AMQPValue::LongString(LongString::from("at-least-once")),
        );
        // …which RabbitMQ only allows when a full queue refuses new messages (the outbox retries).
        args.insert(ShortString::from("x-overflow"), AMQPValue::LongString(LongString::from("reject-publish")));
        channel
            .queue_declare(&self.ai_jobs_queue(), QueueDeclareOptions { durable: true, ..Default::default() }, args)
            .await?;
        channel
            .queue_bind(
                &self.ai_jobs_queue(),
                &self.jobs_exchange(),
                Self::AI_JOB_ROUTING_KEY,
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
