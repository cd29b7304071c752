//! auth's memory stays flat across sign-ins: a real `gamme-auth` process, 100 sign-ins one after
//! another and 100 in bursts of 8, and its resident memory read from /proc.
//!
//! The bound: each sign-in's argon2id takes 19 MiB, held by one of auth's two hashing slots and
//! reused, so after the first sign-ins the process holds its base plus 2 × 19 MiB and grows no
//! more. Before the slots kept their memory the same load took auth from 18 MiB to ~600 MiB.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use gamme_db::{roles::ServiceRole, testing::TestDb};
use serde_json::json;

const EMAIL: &str = "admin@usine.test";
const PASSWORD: &str = "Admin-password-1";
const MIB: u64 = 1024 * 1024;

/// Resident memory of the process, from the kernel.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib * 1024
}

struct Auth {
    child: Child,
    address: String,
    _db: TestDb,
}

impl Drop for Auth {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_auth() -> Auth {
    let db = TestDb::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_gamme-auth"))
        .env_clear()
        .env("GAMME_ENV", "development")
        .env("GAMME_DATABASE_URL", db.url_as(ServiceRole::Auth))
        .env(
            "GAMME_AMQP_URL",
            std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
        )
        .env("GAMME_BUS_PREFIX", format!("test-{}", db.name()))
        .env("GAMME_BUS_QUEUE_EXPIRY_SECS", "120")
        .env("GAMME_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("GAMME_ADMIN_EMAIL", EMAIL)
        .env("GAMME_ADMIN_PASSWORD", PASSWORD)
        // Every attempt is counted before its password is checked, so the bursts of 8 sign-ins
        // of one account from one address would meet the throttle; it is not what is measured here.
        .env("GAMME_LOGIN_MAX_FAILURES", "1000")
        .env("GAMME_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000")
        .env("GAMME_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let address = format!("http://127.0.0.1:{port}");
    let auth = Auth { child, address, _db: db };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !client.get(format!("{}/readyz", auth.address)).send().await.is_ok_and(|r| r.status().is_success()) {
        assert!(Instant::now() < deadline, "gamme-auth did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    auth
}

/// `n` sign-ins at once.
async fn sign_ins_at_once(client: &reqwest::Client, address: &str, n: usize) {
    let running: Vec<_> = (0..n).map(|_| tokio::spawn(sign_in(client.clone(), address.to_owned()))).collect();
    for one in running {
        one.await.unwrap();
    }
}

async fn sign_in(client: reqwest::Client, address: String) {
    let res = client
        .post(format!("{address}/api/auth/login"))
        .json(&json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
}

#[tokio::test]
async fn auths_memory_stays_flat_across_a_hundred_sign_ins_one_by_one_and_in_bursts() {
    let auth = start_auth().await;
    let pid = auth.child.id();
    let client = reqwest::Client::new();
    let idle = rss(pid);

    // Both hashing slots have their memory once sign-ins ran side by side.
    sign_ins_at_once(&client, &auth.address, 4).await;
    let warmed = rss(pid);

    for _ in 0..100 {
        sign_in(client.clone(), auth.address.clone()).await;
    }
    let after_sequential = rss(pid);
    for _ in 0..13 {
        sign_ins_at_once(&client, &auth.address, 8).await;
    }
    let after_bursts = rss(pid);

    eprintln!(
        "gamme-auth RSS: idle {} MiB, warmed {} MiB, after 100 sequential {} MiB, after 13 bursts of 8 {} MiB",
        idle / MIB,
        warmed / MIB,
        after_sequential / MIB,
        after_bursts / MIB
    );
    let growth = after_bursts.saturating_sub(warmed);
    assert!(growth < 8 * MIB, "auth grew by {} MiB over 208 sign-ins", growth / MIB);
    assert!(after_bursts < 96 * MIB, "auth holds {} MiB after 208 sign-ins", after_bursts / MIB);
}
