//! Chaos for the AI job queue: N jobs, K worker processes, a fake model that takes its time,
//! and a random worker SIGKILLed (and restarted at once) every T, M times. Then it waits for
//! every job to settle and reports what a person and an operator would check: how jobs ended,
//! that none is left unsettled, one result and one `ai.job.finished` per job, and what is left
//! in the job queue and its dead-letter queue. Run by `scripts/chaos-ai.sh`.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a chaos run that cannot unwrap has failed

#[path = "../tests/support/mod.rs"]
mod support;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    path::PathBuf,
    process::{Child, Command, ExitCode, Stdio},
    time::{Duration, Instant},
};

use diesel::RunQueryDsl;
use gamme_ai_worker::worker::JOBS;
use gamme_auth_token::Role;
use gamme_bus::Topology;
use lapin::{
    options::{BasicGetOptions, QueueBindOptions, QueueDeclareOptions},
    types::{AMQPValue, FieldTable, ShortString},
    Connection, ConnectionProperties,
};
use serde_json::{json, Value};
use support::{amqp_url, FakeLlm, Reply, TestApp};

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn worker_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|examples| examples.parent()).unwrap().join("gamme-ai-worker")
}

struct Settings {
    jobs: usize,
    workers: usize,
    delay: Duration,
    kill_every: Duration,
    kills: usize,
    concurrency: String,
    lease_secs: String,
    settle_within: Duration,
}

fn spawn_worker(app: &TestApp, llm: &FakeLlm, s: &Settings) -> Child {
    Command::new(worker_binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GAMME_ENV", "development")
        .env("GAMME_DATABASE_URL", app.db.url_as(gamme_db::roles::ServiceRole::Ai))
        .env("GAMME_AMQP_URL", amqp_url())
        .env("GAMME_BUS_PREFIX", &app.prefix)
        // As the test app declared the queues: other arguments would be refused.
        .env("GAMME_BUS_QUEUE_EXPIRY_SECS", "300")
        .env("GAMME_HTTP_ADDR", "127.0.0.1:0")
        .env("GAMME_AI_CONCURRENCY", &s.concurrency)
        .env("GAMME_AI_LEASE_SECS", &s.lease_secs)
        .env("GAMME_LLM_API_KEY", "sk-chaos")
        .env("GAMME_LLM_BASE_URL", &llm.base_url)
        .env("GAMME_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[derive(diesel::QueryableByName)]
struct Group {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn groups(app: &TestApp, sql: &str) -> Vec<(String, i64)> {
    diesel::sql_query(sql).load::<Group>(&mut app.db.connect()).unwrap().into_iter().map(|g| (g.key, g.n)).collect()
}

/// Ready messages in `queue` (held ones are not counted; at the end nobody holds any).
async fn depth(channel: &lapin::Channel, queue: &str) -> u32 {
    let passive = QueueDeclareOptions { passive: true, ..Default::default() };
    channel.queue_declare(queue, passive, FieldTable::default()).await.map(|q| q.message_count()).unwrap_or(u32::MAX)
}

fn unsettled(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM ai_jobs WHERE status IN ('queued', 'running')")
}

#[tokio::main]
async fn main() -> ExitCode {
    let s = Settings {
        jobs: setting("CHAOS_JOBS", 200),
        workers: setting("CHAOS_WORKERS", 3usize).max(1),
        delay: Duration::from_millis(setting("CHAOS_MODEL_DELAY_MS", 1200)),
        kill_every: Duration::from_millis(setting("CHAOS_KILL_EVERY_MS", 400)),
        kills: setting("CHAOS_KILLS", 100),
        concurrency: setting("CHAOS_CONCURRENCY", "2".to_owned()),
        lease_secs: setting("CHAOS_LEASE_SECS", "30".to_owned()),
        settle_within: Duration::from_secs(setting("CHAOS_SETTLE_SECS", 60)),
    };
    println!(
        "jobs {}, worker processes {} (GAMME_AI_CONCURRENCY={}, GAMME_AI_LEASE_SECS={}), fake model {} ms, \
         SIGKILL a random worker every {} ms, {} times, restarting it at once",
        s.jobs,
        s.workers,
        s.concurrency,
        s.lease_secs,
        s.delay.as_millis(),
        s.kill_every.as_millis(),
        s.kills
    );

    let llm = FakeLlm::start().await;
    let draft = json!({ "title": "Filtre", "description": "", "language": "fr", "tools": [], "parts": [], "ppe": [],
        "sections": [{ "title": null, "steps": [{ "kind": "instruction", "title": "Changer le filtre", "body": "",
            "warning_level": null, "warning_text": null, "required": true, "unit": null, "min": null, "max": null,
            "options": [], "citations": [] }] }] });
    llm.always(Reply::Slow(s.delay, draft.to_string()));
    let app = TestApp::spawn(1, |env| {
        env.set("GAMME_AI_CONSUME", "false");
        env.set("GAMME_AI_MAX_OPEN_JOBS_PER_USER", "100000");
    })
    .await;
    let topology = Topology::new(&app.prefix);

    // Every `ai.job.finished` the broker carries, kept for counting at the end.
    let conn = Connection::connect(&amqp_url(), ConnectionProperties::default()).await.unwrap();
    let channel = conn.create_channel().await.unwrap();
    let events = format!("{}.chaos.finished", app.prefix);
    let mut args = FieldTable::default();
    args.insert(ShortString::from("x-expires"), AMQPValue::LongLongInt(900_000));
    channel.queue_declare(&events, QueueDeclareOptions { durable: true, ..Default::default() }, args).await.unwrap();
    channel
        .queue_bind(
            &events,
            &topology.events_exchange(),
            "ai.job.finished",
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();

    let editor = app.user("Chaos", Role::Editor);
    for i in 0..s.jobs {
        let res = app
            .post_job(&editor, &json!({ "kind": "draft_procedure", "prompt": format!("Filtre {i}"), "language": "fr" }))
            .await;
        assert_eq!(res.status(), 202);
    }

    let started = Instant::now();
    let mut workers: Vec<Child> = (0..s.workers).map(|_| spawn_worker(&app, &llm, &s)).collect();
    for _ in 0..s.kills {
        tokio::time::sleep(s.kill_every).await;
        let pick = usize::try_from(uuid::Uuid::new_v4().as_u128() % s.workers as u128).unwrap();
        let _ = workers[pick].kill(); // SIGKILL
        let _ = workers[pick].wait();
        workers[pick] = spawn_worker(&app, &llm, &s);
    }
    let last_kill = Instant::now();
    let succeeded_at_last_kill = app.count("SELECT count(*) AS n FROM ai_jobs WHERE status = 'succeeded'");
    println!(
        "kills done after {:.1} s; at the last kill: {} succeeded, {} unsettled",
        started.elapsed().as_secs_f64(),
        succeeded_at_last_kill,
        unsettled(&app)
    );

    let mut settled_after = None;
    while last_kill.elapsed() < s.settle_within {
        if unsettled(&app) == 0 {
            settled_after = Some(last_kill.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The last events leave through the outbox; dead letters are read and acked.
    let drain = Instant::now() + Duration::from_secs(15);
    let (queue, dlq) = (topology.queue(JOBS.name), topology.dead_letter_queue(&JOBS));
    while Instant::now() < drain
        && (app.count("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL") > 0
            || depth(&channel, &queue).await > 0
            || depth(&channel, &dlq).await > 0)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (left_in_queue, left_in_dlq) = (depth(&channel, &queue).await, depth(&channel, &dlq).await);
    for w in &mut workers {
        let _ = w.kill();
        let _ = w.wait();
    }

    let mut failures = Vec::new();
    let total = i64::try_from(s.jobs).unwrap();
    let unsettled_now = unsettled(&app);
    println!();
    match settled_after {
        Some(d) => println!("every job settled {:.1} s after the last kill", d.as_secs_f64()),
        None => {
            println!("NOT every job settled within {} s of the last kill", s.settle_within.as_secs());
            failures.push("unsettled jobs");
        }
    }
    println!("jobs by status:");
    for (status, n) in groups(&app, "SELECT status AS key, count(*) AS n FROM ai_jobs GROUP BY 1 ORDER BY 1") {
        println!("  {status:<10} {n}");
    }
    println!("unsettled (queued or running): {unsettled_now}");
    println!("failed, by reason:");
    for (error, n) in groups(
        &app,
        "SELECT coalesce(error, '(none)') AS key, count(*) AS n FROM ai_jobs WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC",
    ) {
        println!("  {n:>4}  {error}");
    }
    println!("attempts (the broker's deliveries), by status:");
    for (key, n) in groups(
        &app,
        "SELECT status || ' ' || attempts AS key, count(*) AS n FROM ai_jobs GROUP BY status, attempts ORDER BY status, attempts",
    ) {
        println!("  {key:<12} {n}");
    }

    // One result per job: a succeeded job has its result, no other job has one.
    let with_result = app.count("SELECT count(*) AS n FROM ai_jobs WHERE result IS NOT NULL");
    let succeeded = app.count("SELECT count(*) AS n FROM ai_jobs WHERE status = 'succeeded'");
    let wrong_result =
        app.count("SELECT count(*) AS n FROM ai_jobs WHERE (status = 'succeeded') <> (result IS NOT NULL)");
    println!("results: {with_result} jobs have one ({succeeded} succeeded; jobs whose result does not match their status: {wrong_result})");
    if wrong_result > 0 {
        failures.push("results that do not match their job");
    }

    // One `ai.job.finished` per job: in the outbox (written with the settlement)…
    let outbox_per_job = groups(
        &app,
        "SELECT per_job::text AS key, count(*) AS n FROM ( \
           SELECT j.id, count(o.id) AS per_job FROM ai_jobs j LEFT JOIN outbox o \
             ON o.message_type = 'ai.job.finished' AND o.body->'data'->>'job_id' = j.id::text \
           WHERE j.status IN ('succeeded', 'failed', 'cancelled') GROUP BY j.id) t GROUP BY 1 ORDER BY 1",
    );
    println!("ai.job.finished in the outbox, per settled job: {}", histogram(&outbox_per_job));
    if outbox_per_job.iter().any(|(k, _)| k != "1") {
        failures.push("a settled job without exactly one ai.job.finished in the outbox");
    }
    // …and as the broker delivered them to a queue bound to the event.
    let mut per_job: HashMap<String, usize> = HashMap::new();
    let (mut delivered, mut ids) = (0usize, HashSet::new());
    while let Some(m) = channel.basic_get(&events, BasicGetOptions { no_ack: true }).await.unwrap() {
        delivered += 1;
        if let Some(id) = m.delivery.properties.message_id() {
            ids.insert(id.to_string());
        }
        let body: Value = serde_json::from_slice(&m.delivery.data).unwrap_or(Value::Null);
        let job = body["data"]["job_id"].as_str().unwrap_or("?").to_owned();
        *per_job.entry(job).or_default() += 1;
    }
    let mut by_count: BTreeMap<usize, i64> = BTreeMap::new();
    for n in per_job.values() {
        *by_count.entry(*n).or_default() += 1;
    }
    let settled_jobs = total - unsettled_now;
    let missing = settled_jobs - i64::try_from(per_job.len()).unwrap();
    println!(
        "ai.job.finished from the broker: {delivered} messages, {} distinct message ids, {} jobs; per job: {}{}",
        ids.len(),
        per_job.len(),
        histogram(&by_count.iter().map(|(k, v)| (k.to_string(), *v)).collect::<Vec<_>>()),
        if missing > 0 { format!(", {missing} settled jobs with none") } else { String::new() }
    );
    if ids.len() != per_job.len() || missing != 0 {
        failures.push("a settled job without exactly one distinct ai.job.finished from the broker");
    }
    println!("model calls: {} for {} jobs", llm.requests().len(), s.jobs);
    println!("left in {queue}: {left_in_queue}; in {dlq}: {left_in_dlq}");
    if left_in_queue > 0 || left_in_dlq > 0 {
        failures.push("messages left in the queues");
    }
    if unsettled_now > 0 {
        failures.push("unsettled jobs");
    }
    let _ = channel.queue_delete(&events, Default::default()).await;
    let _ = conn.close(200, "done").await;
    app.stop();
    if failures.is_empty() {
        println!("PASS");
        ExitCode::SUCCESS
    } else {
        failures.dedup();
        println!("FAIL: {}", failures.join("; "));
        ExitCode::FAILURE
    }
}

fn histogram(counts: &[(String, i64)]) -> String {
    counts.iter().map(|(k, n)| format!("{n} job(s) × {k}")).collect::<Vec<_>>().join(", ")
}
