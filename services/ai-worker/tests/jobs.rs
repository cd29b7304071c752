//! AI jobs through the API and the real queue: offline drafting, limits and permissions,
//! exactly one result per job, retries ending in the dead-letter queue, competing worker
//! processes (killed mid-job, or stopped), dead letters and leases that run out.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::{
    collections::HashSet,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use gamme_ai_worker::worker::JOBS;
use gamme_auth_token::Role;
use gamme_bus::Topology;
use lapin::{
    options::{QueueDeclareOptions, QueuePurgeOptions},
    types::FieldTable,
    BasicProperties, Connection, ConnectionProperties,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{amqp_url, FakeLlm, Reply, TestApp, MANUEL_FR};

fn draft(prompt: &str) -> Value {
    json!({ "kind": "draft_procedure", "prompt": prompt, "language": "fr" })
}

async fn queued(app: &TestApp, user: &gamme_auth_token::testing::TestUser, input: &Value) -> String {
    let res = app.post_job(user, input).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let job: Value = res.json().await.unwrap();
    assert_eq!(job["status"], "queued");
    job["id"].as_str().unwrap().to_owned()
}

async fn queue_depth(queue: &str) -> u32 {
    let conn = Connection::connect(&amqp_url(), ConnectionProperties::default()).await.unwrap();
    let channel = conn.create_channel().await.unwrap();
    let q = channel
        .queue_declare(queue, QueueDeclareOptions { passive: true, ..Default::default() }, FieldTable::default())
        .await
        .unwrap();
    let _ = conn.close(200, "done").await;
    q.message_count()
}

/// Publishes `body` to `exchange` with the job queue's routing key, as the outbox relay would.
async fn publish(exchange: &str, body: &Value) {
    let conn = Connection::connect(&amqp_url(), ConnectionProperties::default()).await.unwrap();
    let channel = conn.create_channel().await.unwrap();
    channel
        .basic_publish(
            exchange,
            JOBS.routing_key,
            Default::default(),
            body.to_string().as_bytes(),
            BasicProperties::default(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let _ = conn.close(200, "done").await;
}

/// Waits (bounded) until the job queue and its dead-letter queue hold nothing.
async fn queues_emptied(topology: &Topology) {
    let deadline = Instant::now() + Duration::from_secs(20);
    for queue in [topology.queue(JOBS.name), topology.dead_letter_queue(&JOBS)] {
        while queue_depth(&queue).await > 0 {
            assert!(Instant::now() < deadline, "{queue} was not emptied");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test]
async fn an_offline_draft_job_runs_through_the_queue_and_announces_its_end() {
    let app = TestApp::spawn(1, |_| {}).await;
    let editor = app.user("Alice", Role::Editor);
    let provider: Value = app
        .client
        .get(format!("{}/api/ai/provider", app.address))
        .bearer_auth(&editor.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(provider["provider"], "offline");
    let id = queued(&app, &editor, &draft(MANUEL_FR)).await;
    let job = app.settled(&editor, &id, Duration::from_secs(30)).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["provider"], "offline");
    assert_eq!(job["attempts"], 1);
    let steps: Vec<&Value> =
        job["result"]["sections"].as_array().unwrap().iter().flat_map(|s| s["steps"].as_array().unwrap()).collect();
    let torque = steps.iter().find(|s| s["unit"] == "N·m").unwrap();
    assert_eq!((torque["min"].as_f64(), torque["max"].as_f64()), (Some(45.0), Some(55.0)));
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished' AND body->'data'->>'job_id' = '{id}'")), 1);
    // Offline, translation is refused in words a person understands.
    app.stop();
}

#[tokio::test]
async fn jobs_are_private_limited_per_person_and_cancellable_while_queued() {
    let app = TestApp::spawn(1, |env| {
        env.set("GAMME_AI_CONSUME", "false");
        env.set("GAMME_AI_MAX_OPEN_JOBS_PER_USER", "2");
    })
    .await;
    let (alice, bruno) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let tech = app.user("Théo", Role::Technician);
    let first = queued(&app, &alice, &draft("Vidanger le réducteur")).await;
    queued(&app, &alice, &draft("Graisser les paliers")).await;
    let res = app.post_job(&alice, &draft("Une de trop")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));

    let res = app.post_job(&tech, &draft("Je veux un brouillon")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for bad in [
        json!({ "kind": "draft_procedure", "language": "fr" }),
        json!({ "kind": "draft_procedure", "prompt": "x", "language": "français" }),
        json!({ "kind": "summon_demon", "prompt": "x" }),
        json!({ "kind": "review_revision", "procedure_id": uuid::Uuid::new_v4(), "revision_number": 1, "extra": true }),
    ] {
        let res = app.post_job(&bruno, &bad).await;
        assert!(res.status().is_client_error(), "{bad} → {}", res.status());
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    let res = app
        .post_job(
            &bruno,
            &json!({ "kind": "review_revision", "procedure_id": uuid::Uuid::new_v4(), "revision_number": 1 }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res =
        app.client.get(format!("{}/api/ai/jobs/{first}", app.address)).bearer_auth(&bruno.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another person's job does not exist for you");
    let mine: Value = app
        .client
        .get(format!("{}/api/ai/jobs", app.address))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let res =
        app.client.get(format!("{}/api/ai/jobs?all=true", app.address)).bearer_auth(&alice.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = app
        .client
        .post(format!("{}/api/ai/jobs/{first}/cancel", app.address))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.job(&alice, &first).await["status"], "cancelled");
    let res = app
        .client
        .post(format!("{}/api/ai/jobs/{first}/cancel", app.address))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // A cancelled job frees a place.
    queued(&app, &alice, &draft("Une de plus")).await;
    // Each job went into the outbox with its row.
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE destination = 'ai_jobs'"), 3);
}

#[tokio::test]
async fn a_finished_job_that_comes_back_is_acked_with_no_second_result_or_event() {
    let app = TestApp::spawn(1, |_| {}).await;
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft(MANUEL_FR)).await;
    let done = app.settled(&editor, &id, Duration::from_secs(30)).await;
    // The same message again, as after a lost ack.
    let topology = Topology::new(&app.prefix);
    for _ in 0..2 {
        publish(&topology.jobs_exchange(), &json!({ "job_id": id })).await;
    }
    // And as a dead letter, as when the broker dead-lettered a message whose ack was lost.
    publish(&topology.dead_letter_exchange(), &json!({ "job_id": id })).await;
    queues_emptied(&topology).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = app.job(&editor, &id).await;
    assert_eq!(again["status"], "succeeded");
    assert_eq!(again["attempts"], done["attempts"]);
    assert_eq!(again["result"], done["result"]);
    assert_eq!(again["error"], Value::Null);
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
}

#[tokio::test]
async fn a_job_that_keeps_failing_ends_failed_and_dead_lettered_after_five_attempts() {
    let llm = FakeLlm::start().await;
    llm.always(Reply::Status { status: 503, retry_after: None, body: "{}".into() });
    let base = llm.base_url.clone();
    let app = TestApp::spawn(1, move |env| {
        env.set("GAMME_LLM_API_KEY", "sk-test");
        env.set("GAMME_LLM_BASE_URL", &base);
        env.set("GAMME_LLM_MAX_TRIES", "1");
    })
    .await;
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft("Changer le filtre")).await;
    let job = app.settled(&editor, &id, Duration::from_secs(60)).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["attempts"], 5);
    assert!(job["error"].as_str().unwrap().contains("gave up after 5 attempts"), "{job}");
    assert_eq!(job["provider"], "openai");
    assert_eq!(llm.requests().len(), 5);
    // The dead letter is read and acked; the job keeps its own end and its one event.
    let dlq = Topology::new(&app.prefix).dead_letter_queue(&JOBS);
    let deadline = Instant::now() + Duration::from_secs(10);
    while queue_depth(&dlq).await != 0 {
        assert!(Instant::now() < deadline, "the dead letter stayed in {dlq}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.job(&editor, &id).await["error"], job["error"]);
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
}

/// A real `gamme-ai-worker` process consuming the test's queue.
fn worker_process(app: &TestApp, llm: &FakeLlm) -> Child {
    worker_process_with(app, llm, &[])
}

/// A real `gamme-ai-worker` process with some settings of its own.
fn worker_process_with(app: &TestApp, llm: &FakeLlm, settings: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gamme-ai-worker"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GAMME_ENV", "development")
        .env("GAMME_DATABASE_URL", app.db.url_as(gamme_db::roles::ServiceRole::Ai))
        .env("GAMME_AMQP_URL", amqp_url())
        .env("GAMME_BUS_PREFIX", &app.prefix)
        .env("GAMME_BUS_QUEUE_EXPIRY_SECS", "300")
        .env("GAMME_HTTP_ADDR", "127.0.0.1:0")
        .env("GAMME_AI_CONCURRENCY", "4")
        .env("GAMME_LLM_API_KEY", "sk-test")
        .env("GAMME_LLM_BASE_URL", &llm.base_url)
        .env("GAMME_LOG", "warn")
        .envs(settings.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
    assert!(status.success(), "kill -{signal} failed");
}

/// The API alone: jobs are taken by the worker processes a test starts.
async fn api_only() -> TestApp {
    TestApp::spawn(1, |env| {
        env.set("GAMME_AI_CONSUME", "false");
    })
    .await
}

/// Waits (bounded) until a worker has taken a job and asked the model.
async fn model_asked(llm: &FakeLlm) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while llm.requests().is_empty() {
        assert!(Instant::now() < deadline, "no worker took the job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn answer_all(llm: &FakeLlm, delay: Duration) {
    let draft = json!({ "title": "Filtre", "description": "", "language": "fr", "tools": [], "parts": [], "ppe": [],
        "sections": [{ "title": null, "steps": [{ "kind": "instruction", "title": "Changer le filtre", "body": "",
            "warning_level": null, "warning_text": null, "required": true, "unit": null, "min": null, "max": null,
            "options": [], "citations": [] }] }] });
    llm.always(Reply::Slow(delay, draft.to_string()));
}

#[tokio::test]
async fn two_hundred_jobs_on_three_worker_processes_get_two_hundred_results_none_twice() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_millis(20));
    let app = TestApp::spawn(1, |env| {
        env.set("GAMME_AI_CONSUME", "false");
        env.set("GAMME_AI_MAX_OPEN_JOBS_PER_USER", "1000");
    })
    .await;
    let mut workers: Vec<Child> = (0..3).map(|_| worker_process(&app, &llm)).collect();
    let editor = app.user("Alice", Role::Editor);
    let mut ids = Vec::new();
    for i in 0..200 {
        ids.push(queued(&app, &editor, &draft(&format!("Changer le filtre {i}"))).await);
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while app.count("SELECT count(*) AS n FROM ai_jobs WHERE status = 'succeeded'") < 200 {
        assert!(Instant::now() < deadline, "not every job finished");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for w in &mut workers {
        let _ = w.kill();
        let _ = w.wait();
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 200);
    assert_eq!(
        app.count(
            "SELECT count(DISTINCT body->'data'->>'job_id') AS n FROM outbox WHERE message_type = 'ai.job.finished'"
        ),
        200
    );
    let requested: HashSet<String> = ids.into_iter().collect();
    assert_eq!(requested.len(), 200);
    assert_eq!(app.count("SELECT count(*) AS n FROM ai_jobs WHERE attempts <> 1"), 0, "no job ran twice");
}

#[tokio::test]
async fn a_worker_killed_mid_job_leaves_the_job_to_another_one_result() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_secs(3));
    let app = api_only().await;
    let mut first = worker_process(&app, &llm);
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft("Changer le filtre")).await;
    model_asked(&llm).await;
    assert_eq!(app.job(&editor, &id).await["status"], "running");
    first.kill().unwrap(); // SIGKILL: no chance to ack or return the job
    first.wait().unwrap();
    answer_all(&llm, Duration::from_millis(10));
    let mut second = worker_process(&app, &llm);
    let job = app.settled(&editor, &id, Duration::from_secs(60)).await;
    let _ = second.kill();
    let _ = second.wait();
    assert_eq!(job["status"], "succeeded");
    assert_eq!(job["attempts"], 2);
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
}

#[tokio::test]
async fn on_sigterm_a_worker_finishes_the_job_in_hand_and_exits() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_secs(2));
    let app = api_only().await;
    let mut worker = worker_process(&app, &llm);
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft("Changer le filtre")).await;
    model_asked(&llm).await;
    let status = Command::new("kill").arg("-TERM").arg(worker.id().to_string()).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = worker.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the worker did not exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(exit.success(), "{exit:?}");
    let job = app.job(&editor, &id).await;
    assert_eq!(job["status"], "succeeded", "the job in hand was finished before exiting: {job}");
    assert_eq!(job["attempts"], 1);
    assert_eq!(llm.requests().len(), 1);
}

#[tokio::test]
async fn a_job_whose_workers_keep_dying_fails_as_soon_as_it_is_dead_lettered() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_secs(120));
    let app = api_only().await;
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft("Changer le filtre")).await;
    for attempt in 1..=JOBS.max_attempts {
        let mut worker = worker_process(&app, &llm);
        let deadline = Instant::now() + Duration::from_secs(30);
        while llm.requests().len() < usize::try_from(attempt).unwrap() {
            assert!(Instant::now() < deadline, "no worker took attempt {attempt}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let job = app.job(&editor, &id).await;
        assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("running"), Some(i64::from(attempt))));
        worker.kill().unwrap(); // SIGKILL, while the model is still thinking
        worker.wait().unwrap();
    }
    // The fifth return dead-letters the message; the next worker to start reads it.
    let mut reader = worker_process(&app, &llm);
    let job = app.settled(&editor, &id, Duration::from_secs(30)).await;
    let dlq = Topology::new(&app.prefix).dead_letter_queue(&JOBS);
    let deadline = Instant::now() + Duration::from_secs(10);
    while queue_depth(&dlq).await > 0 {
        assert!(Instant::now() < deadline, "the dead letter was not acked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = reader.kill();
    let _ = reader.wait();
    assert_eq!(job["status"], "failed");
    assert_eq!(job["attempts"], 5);
    assert_eq!(
        job["error"],
        "The assistant stopped while working on this job 5 times, so Gamme gave up on it. \
         Ask again; if it keeps happening, tell your administrator."
    );
    assert_eq!(llm.requests().len(), 5, "nobody tried a sixth time");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished' \
             AND body->'data'->>'job_id' = '{id}' AND body->'data'->>'status' = 'failed'"
        )),
        1
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
}

#[tokio::test]
async fn a_job_whose_worker_stops_renewing_its_lease_is_taken_back_then_taken_over() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_secs(120));
    let app = api_only().await;
    let lease = [("GAMME_AI_LEASE_SECS", "1")];
    let mut stuck = worker_process_with(&app, &llm, &lease);
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft("Changer le filtre")).await;
    model_asked(&llm).await;
    // Frozen: its connections stay open (the broker keeps the message with it), it renews nothing.
    signal(&stuck, "STOP");
    let mut other = worker_process_with(&app, &llm, &lease);
    let deadline = Instant::now() + Duration::from_secs(30);
    let job = loop {
        let job = app.job(&editor, &id).await;
        if job["status"] == "queued" {
            break job;
        }
        assert_eq!(job["status"], "running", "{job}");
        assert!(Instant::now() < deadline, "the job was never taken back: {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(job["error"], "The assistant stopped while working on this job; it is waiting to be tried again.");
    assert_eq!(job["attempts"], 1);
    // Its worker dies for good: the broker gives the message to the other one, which takes the job over.
    answer_all(&llm, Duration::from_millis(10));
    stuck.kill().unwrap();
    stuck.wait().unwrap();
    let job = app.settled(&editor, &id, Duration::from_secs(30)).await;
    let _ = other.kill();
    let _ = other.wait();
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 2);
    assert_eq!(job["error"], Value::Null);
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
}

#[tokio::test]
async fn jobs_whose_lease_ran_out_go_back_to_the_queue_or_fail_on_their_last_attempt() {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn(2, |env| {
        env.set("GAMME_AI_LEASE_SECS", "1");
    })
    .await;
    let editor = app.user("Alice", Role::Editor);
    let (early, last) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    // Jobs whose workers vanished without a word, and whose messages nobody holds.
    for (id, attempts) in [(early, 2), (last, JOBS.max_attempts)] {
        diesel::sql_query(
            "INSERT INTO ai_jobs (id, owner_id, kind, status, input, attempts, started_at, lease_until) \
             VALUES ($1, $2, 'draft_procedure', 'running', '{}', $3, now(), now() - interval '1 second')",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Uuid, _>(editor.id)
        .bind::<diesel::sql_types::Integer, _>(attempts)
        .execute(&mut app.db.connect())
        .unwrap();
    }
    let failed = app.settled(&editor, &last.to_string(), Duration::from_secs(30)).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["attempts"], 5);
    assert!(failed["error"].as_str().unwrap().starts_with("The assistant stopped while working on this job 5 times"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.job(&editor, &early.to_string()).await["status"] != "queued" {
        assert!(Instant::now() < deadline, "the job was never put back to the queue");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Two replicas sweep; each job was moved once, and the failed one announced once.
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM outbox WHERE body->'data'->>'job_id' = '{last}'")), 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM ai_jobs WHERE lease_until IS NOT NULL"), 0);
    app.stop();
}

#[tokio::test]
async fn a_queued_job_whose_message_the_broker_lost_is_sent_again_and_runs_once() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_secs(2));
    let app = api_only().await;
    let editor = app.user("Alice", Role::Editor);
    let id = queued(&app, &editor, &draft("Changer le filtre")).await;
    let queue = Topology::new(&app.prefix).queue(JOBS.name);
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.count("SELECT count(*) AS n FROM outbox WHERE destination = 'ai_jobs' AND published_at IS NOT NULL") == 0
    {
        assert!(Instant::now() < deadline, "the job's message never left the outbox");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The broker loses it (a purged queue, a lost volume): nothing would ever take the job.
    let conn = Connection::connect(&amqp_url(), ConnectionProperties::default()).await.unwrap();
    let channel = conn.create_channel().await.unwrap();
    let purged = channel.queue_purge(&queue, QueuePurgeOptions::default()).await.unwrap();
    assert_eq!(purged, 1);
    let _ = conn.close(200, "done").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.job(&editor, &id).await["status"], "queued");

    // A worker's sweep sends the message again once the job has waited a second.
    let mut worker = worker_process_with(&app, &llm, &[("GAMME_AI_RESEND_SECS", "1"), ("GAMME_AI_LEASE_SECS", "3")]);
    model_asked(&llm).await;
    // While it runs, a resent message (as from a replica that swept a moment before) is dropped:
    // the job has a worker.
    publish(&Topology::new(&app.prefix).jobs_exchange(), &json!({ "job_id": id, "resent_after": 0 })).await;
    let job = app.settled(&editor, &id, Duration::from_secs(30)).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 1, "the resent message counts on from the job's attempts");
    queues_emptied(&Topology::new(&app.prefix)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(llm.requests().len(), 1, "the job was worked once");
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 1);
    let resent = app.count(&format!(
        "SELECT count(*) AS n FROM outbox WHERE destination = 'ai_jobs' AND body->>'job_id' = '{id}' AND body ? 'resent_after'"
    ));
    assert!(resent >= 1, "the sweep sent the message again");
    assert_eq!(app.job(&editor, &id).await["status"], "succeeded");
}

/// Run alone by `scripts/test.sh` (it restarts the shared broker).
#[tokio::test]
#[ignore = "restarts RabbitMQ; run by scripts/test.sh on its own"]
async fn workers_resume_after_a_broker_restart_and_lose_no_job() {
    let llm = FakeLlm::start().await;
    answer_all(&llm, Duration::from_millis(100));
    let app = TestApp::spawn(1, |env| {
        env.set("GAMME_AI_CONSUME", "false");
        env.set("GAMME_AI_MAX_OPEN_JOBS_PER_USER", "1000");
    })
    .await;
    let mut workers: Vec<Child> = (0..2).map(|_| worker_process(&app, &llm)).collect();
    let editor = app.user("Alice", Role::Editor);
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(queued(&app, &editor, &draft(&format!("Avant {i}"))).await);
    }
    let command = std::env::var("GAMME_TEST_BROKER_RESTART_CMD")
        .unwrap_or_else(|_| "rabbitmqctl stop_app && sleep 2 && rabbitmqctl start_app".into());
    let status = tokio::process::Command::new("bash").arg("-c").arg(&command).status().await.unwrap();
    assert!(status.success(), "`{command}` failed");
    for i in 0..30 {
        ids.push(queued(&app, &editor, &draft(&format!("Après {i}"))).await);
    }
    let deadline = Instant::now() + Duration::from_secs(180);
    while app.count("SELECT count(*) AS n FROM ai_jobs WHERE status = 'succeeded'") < 60 {
        assert!(
            Instant::now() < deadline,
            "after the restart only {} of 60 jobs finished",
            app.count("SELECT count(*) AS n FROM ai_jobs WHERE status = 'succeeded'")
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for w in &mut workers {
        assert!(w.try_wait().unwrap().is_none(), "a worker died instead of reconnecting");
        let _ = w.kill();
        let _ = w.wait();
    }
    assert_eq!(
        app.count(
            "SELECT count(DISTINCT body->'data'->>'job_id') AS n FROM outbox WHERE message_type = 'ai.job.finished'"
        ),
        60
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'ai.job.finished'"), 60);
}

/// A document as the files service leaves it after extracting its text: one chunk per page.
fn document(app: &TestApp, owner: &gamme_auth_token::testing::TestUser, name: &str, pages: &[&str]) -> String {
    use diesel::RunQueryDsl;
    let id = uuid::Uuid::now_v7();
    let mut conn = app.db.connect();
    diesel::sql_query(
        "INSERT INTO files (id, uploader_id, name, media_type, size_bytes, sha256, text_status, text_pages) \
         VALUES ($1, $2, $3, 'application/pdf', 1000, encode(sha256(random()::text::bytea), 'hex'), 'extracted', $4)",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Uuid, _>(owner.id)
    .bind::<diesel::sql_types::Text, _>(name)
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(pages.len()).unwrap())
    .execute(&mut conn)
    .unwrap();
    for (i, text) in pages.iter().enumerate() {
        diesel::sql_query("INSERT INTO file_texts (file_id, page, chunk, body) VALUES ($1, $2, 0, $3)")
            .bind::<diesel::sql_types::Uuid, _>(id)
            .bind::<diesel::sql_types::Integer, _>(i32::try_from(i).unwrap() + 1)
            .bind::<diesel::sql_types::Text, _>(*text)
            .execute(&mut conn)
            .unwrap();
    }
    id.to_string()
}

/// Rows the procedures service would hold: a procedure whose one revision (in `status`) has a
/// step with `file` attached.
fn attach_to_revision(app: &TestApp, author: &gamme_auth_token::testing::TestUser, file: &str, status: &str) {
    use diesel::RunQueryDsl;
    let (procedure, revision, step) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let author = author.id;
    let mut conn = app.db.connect();
    for sql in [
        format!("INSERT INTO procedures (id, code, created_by) VALUES ('{procedure}', 'PM-{procedure}', '{author}')"),
        format!(
            "INSERT INTO revisions (id, procedure_id, number, status, title, language, author_id) \
             VALUES ('{revision}', '{procedure}', 1, '{status}', 'Pompe', 'fr', '{author}')"
        ),
        format!(
            "INSERT INTO steps (id, revision_id, key, position, kind, title) \
             VALUES ('{step}', '{revision}', '{step}', 0, 'instruction', 'Lire le manuel')"
        ),
        format!("INSERT INTO step_attachments (step_id, file_id, position) VALUES ('{step}', '{file}', 0)"),
    ] {
        diesel::sql_query(sql).execute(&mut conn).unwrap();
    }
}

#[tokio::test]
async fn a_viewer_cannot_ask_about_a_drafts_attachment() {
    let app = TestApp::spawn(1, |_| {}).await;
    let editor = app.user("Alice", Role::Editor);
    let viewer = app.user("Vera", Role::Viewer);
    let draft = document(&app, &editor, "brouillon.pdf", &["Couple de serrage : 45 N·m."]);
    attach_to_revision(&app, &editor, &draft, "draft");
    let res = app
        .post_job(&viewer, &json!({ "kind": "ask_document", "file_ids": [draft], "question": "Quel couple ?" }))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "refused like a document that does not exist");
    assert_eq!(app.count("SELECT count(*) AS n FROM ai_jobs"), 0);
}

#[tokio::test]
async fn a_draft_from_an_uploaded_manual_cites_its_pages_and_a_question_gets_the_passages() {
    let app = TestApp::spawn(1, |_| {}).await;
    let editor = app.user("Alice", Role::Editor);
    let (consignation, remontage) = MANUEL_FR.split_once("# Remontage").unwrap();
    let manual = document(&app, &editor, "manuel-P101.pdf", &[consignation, &format!("# Remontage{remontage}")]);
    let id = queued(&app, &editor, &json!({ "kind": "draft_procedure", "file_ids": [manual], "language": "fr" })).await;
    let job = app.settled(&editor, &id, Duration::from_secs(30)).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["title"], "manuel-P101");
    let steps: Vec<&Value> =
        job["result"]["sections"].as_array().unwrap().iter().flat_map(|s| s["steps"].as_array().unwrap()).collect();
    let torque = steps.iter().find(|s| s["unit"] == "N·m").unwrap();
    assert_eq!(torque["citations"], json!([{ "file_id": manual, "page": 2 }]));
    assert_eq!(steps[0]["citations"][0]["page"], 1);

    // A technician may ask about a manual a published procedure uses, not one nobody published.
    let tech = app.user("Théo", Role::Technician);
    let question = json!({ "kind": "ask_document", "file_ids": [manual], "question": "Quel couple de serrage pour les vis du carter ?" });
    let res = app.post_job(&tech, &question).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "an unpublished manual is not the technician's to quote");
    attach_to_revision(&app, &editor, &manual, "published");
    let id = queued(&app, &tech, &question).await;
    let job = app.settled(&tech, &id, Duration::from_secs(30)).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["citations"][0]["page"], 2);
    assert!(job["result"]["citations"][0]["text"].as_str().unwrap().contains("45–55 N·m"));
    let res = app
        .post_job(&tech, &json!({ "kind": "ask_document", "file_ids": [uuid::Uuid::new_v4()], "question": "?" }))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
