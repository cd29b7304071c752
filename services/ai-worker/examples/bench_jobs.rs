//! Jobs per second through the real queue for 1, 2 and 4 worker processes, with a fake model
//! that answers in 200 ms. Run by `scripts/bench-ai.sh`.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark that cannot unwrap has failed

#[path = "../tests/support/mod.rs"]
mod support;

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use gamme_auth_token::Role;
use serde_json::json;
use support::{amqp_url, FakeLlm, Reply, TestApp};

fn worker_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|examples| examples.parent()).unwrap().join("gamme-ai-worker")
}

#[tokio::main]
async fn main() {
    let jobs: usize = std::env::var("BENCH_JOBS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let concurrency = std::env::var("BENCH_CONCURRENCY").unwrap_or_else(|_| "2".into());
    let llm = FakeLlm::start().await;
    let draft = json!({ "title": "Filtre", "description": "", "language": "fr", "tools": [], "parts": [], "ppe": [],
        "sections": [{ "title": null, "steps": [{ "kind": "instruction", "title": "Changer le filtre", "body": "",
            "warning_level": null, "warning_text": null, "required": true, "unit": null, "min": null, "max": null,
            "options": [], "citations": [] }] }] });
    llm.always(Reply::Slow(Duration::from_millis(200), draft.to_string()));
    println!("jobs per run: {jobs}; fake model latency: 200 ms; GAMME_AI_CONCURRENCY={concurrency} per worker");
    println!("{:>8} {:>10} {:>10} {:>12}", "workers", "seconds", "jobs/s", "ideal jobs/s");
    for workers in [1usize, 2, 4] {
        let app = TestApp::spawn(1, |env| {
            env.set("GAMME_AI_CONSUME", "false");
            env.set("GAMME_AI_MAX_OPEN_JOBS_PER_USER", "100000");
        })
        .await;
        let editor = app.user("Bench", Role::Editor);
        for i in 0..jobs {
            let res = app
                .post_job(
                    &editor,
                    &json!({ "kind": "draft_procedure", "prompt": format!("Filtre {i}"), "language": "fr" }),
                )
                .await;
            assert_eq!(res.status(), 202);
        }
        // Let the outbox relay put every job on the queue before the clock starts.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let started = Instant::now();
        let mut children: Vec<_> = (0..workers)
            .map(|_| {
                Command::new(worker_binary())
                    .env_clear()
                    .env("GAMME_DATABASE_URL", app.db.url())
                    .env("GAMME_AMQP_URL", amqp_url())
                    .env("GAMME_BUS_PREFIX", &app.prefix)
                    .env("GAMME_BUS_QUEUE_EXPIRY_SECS", "300")
                    .env("GAMME_HTTP_ADDR", "127.0.0.1:0")
                    .env("GAMME_AI_CONCURRENCY", &concurrency)
                    .env("GAMME_LLM_API_KEY", "sk-bench")
                    .env("GAMME_LLM_BASE_URL", &llm.base_url)
                    .env("GAMME_LOG", "warn")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let total = i64::try_from(jobs).unwrap();
        let deadline = Instant::now() + Duration::from_secs(600);
        while app.count("SELECT count(*) AS n FROM ai_jobs WHERE status = 'succeeded'") < total {
            assert!(Instant::now() < deadline, "the benchmark did not finish");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = started.elapsed().as_secs_f64();
        for c in &mut children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let ideal = workers as f64 * concurrency.parse::<f64>().unwrap_or(2.0) / 0.2;
        println!("{workers:>8} {secs:>10.2} {:>10.1} {ideal:>12.1}", jobs as f64 / secs);
        app.stop();
    }
}
