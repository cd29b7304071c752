//! The consumer loop and a work queue's topology against the real broker.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::{
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use gamme_bus::{consumer, Bus, Death, Outcome, Topology, WorkQueue};
use lapin::{
    options::{BasicGetOptions, QueueDeclareOptions},
    types::FieldTable,
    BasicProperties,
};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

/// A service's work queue, as the AI worker declares its job queue.
const WORK: WorkQueue = WorkQueue { name: "work", routing_key: "work", max_attempts: 5 };

fn bus() -> Bus {
    let url = std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into());
    Bus::new(
        SecretString::from(url),
        Topology::new(format!("test-{}", uuid::Uuid::new_v4().simple()))
            .with_queue_expiry(Some(Duration::from_secs(120)))
            .with_work_queue(WORK),
    )
}

async fn publish_job(bus: &Bus, body: &[u8]) {
    let t = bus.topology();
    bus.publish(&t.jobs_exchange(), WORK.routing_key, body, BasicProperties::default().with_delivery_mode(2), true)
        .await
        .unwrap();
}

async fn dead_letters(bus: &Bus) -> u32 {
    let channel = bus.channel().await.unwrap();
    let q = channel
        .queue_declare(
            &bus.topology().dead_letter_queue(&WORK),
            QueueDeclareOptions { passive: true, ..Default::default() },
            FieldTable::default(),
        )
        .await
        .unwrap();
    q.message_count()
}

async fn delete_test_queues(bus: &Bus) {
    let channel = bus.channel().await.unwrap();
    let t = bus.topology();
    for q in [t.queue(WORK.name), t.dead_letter_queue(&WORK)] {
        let _ = channel.queue_delete(&q, Default::default()).await;
    }
}

#[tokio::test]
async fn a_job_that_always_fails_is_dead_lettered_after_five_attempts() {
    let bus = bus();
    publish_job(&bus, b"{\"poison\":true}").await;
    let attempts = Arc::new(AtomicU32::new(0));
    let shutdown = CancellationToken::new();
    let worker = {
        let attempts = attempts.clone();
        tokio::spawn(consumer::run(bus.clone(), bus.topology().queue(WORK.name), 4, shutdown.clone(), move |_| {
            attempts.fetch_add(1, Ordering::SeqCst);
            async { Outcome::Requeue }
        }))
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while dead_letters(&bus).await == 0 {
        assert!(Instant::now() < deadline, "not dead-lettered after {} attempts", attempts.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(attempts.load(Ordering::SeqCst), 5);
    shutdown.cancel();
    worker.await.unwrap();
    assert_eq!(dead_letter_reasons(&bus, 1).await, [Some(Death::DeliveryLimit)]);
    delete_test_queues(&bus).await;
}

/// Consumes `n` dead letters and says why each was dead-lettered.
async fn dead_letter_reasons(bus: &Bus, n: usize) -> Vec<Option<Death>> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let shutdown = CancellationToken::new();
    let reader = tokio::spawn(consumer::run(
        bus.clone(),
        bus.topology().dead_letter_queue(&WORK),
        4,
        shutdown.clone(),
        move |msg| {
            let _ = tx.send(msg.death);
            async { Outcome::Ack }
        },
    ));
    let mut reasons = Vec::new();
    while reasons.len() < n {
        let reason = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.unwrap().unwrap();
        reasons.push(reason);
    }
    shutdown.cancel();
    reader.await.unwrap();
    reasons
}

#[tokio::test]
async fn a_dead_letter_says_why_it_was_dead_lettered() {
    let bus = bus();
    publish_job(&bus, b"bad").await;
    let shutdown = CancellationToken::new();
    let worker = tokio::spawn(consumer::run(
        bus.clone(),
        bus.topology().queue(WORK.name),
        4,
        shutdown.clone(),
        |msg| async move {
            assert_eq!(msg.death, None, "a first delivery was never dead-lettered");
            Outcome::DeadLetter
        },
    ));
    assert_eq!(dead_letter_reasons(&bus, 1).await, [Some(Death::Rejected)]);
    shutdown.cancel();
    worker.await.unwrap();
    delete_test_queues(&bus).await;
}

#[tokio::test]
async fn acked_messages_leave_and_dead_lettered_ones_go_to_the_dead_letter_queue() {
    let bus = bus();
    publish_job(&bus, b"ok").await;
    publish_job(&bus, b"bad").await;
    let shutdown = CancellationToken::new();
    let handled = Arc::new(AtomicU32::new(0));
    let worker = {
        let handled = handled.clone();
        tokio::spawn(consumer::run(bus.clone(), bus.topology().queue(WORK.name), 4, shutdown.clone(), move |msg| {
            handled.fetch_add(1, Ordering::SeqCst);
            async move {
                if msg.body == b"ok" {
                    Outcome::Ack
                } else {
                    Outcome::DeadLetter
                }
            }
        }))
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while handled.load(Ordering::SeqCst) < 2 || dead_letters(&bus).await < 1 {
        assert!(Instant::now() < deadline, "messages were not handled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shutdown.cancel();
    worker.await.unwrap();
    let channel = bus.channel().await.unwrap();
    let dead = channel
        .basic_get(&bus.topology().dead_letter_queue(&WORK), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
        .expect("one dead letter");
    assert_eq!(dead.delivery.data, b"bad");
    assert!(channel
        .basic_get(&bus.topology().queue(WORK.name), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
        .is_none());
    delete_test_queues(&bus).await;
}
