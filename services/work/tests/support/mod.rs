//! Starts the real work service on port 0 against a fresh database and the real broker, with
//! users whose tokens a test issuer signs, and writes what the other services own (assets,
//! published procedures, completed runs) as they would, with their events in the outbox.

#![allow(dead_code)]

use std::time::Duration;

use diesel::{sql_query, sql_types, RunQueryDsl};
use gamme_auth_token::{
    testing::{TestIssuer, TestUser},
    Role,
};
use gamme_bus::{outbox, Envelope, Event, FlaggedStep};
use gamme_db::testing::TestDb;
use gamme_service_kit::Env;
use reqwest::{header, Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: Client,
    pub issuer: TestIssuer,
    pub admin: TestUser,
    shutdowns: Vec<tokio_util::sync::CancellationToken>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for s in &self.shutdowns {
            s.cancel();
        }
    }
}

fn env(db: &TestDb) -> Env {
    Env::from_pairs([
        // Development secrets are accepted only when asked for; production is the default.
        ("GAMME_ENV".to_owned(), "development".to_owned()),
        ("GAMME_DATABASE_URL".to_owned(), db.url_as(gamme_db::roles::ServiceRole::Work)),
        (
            "GAMME_AMQP_URL".to_owned(),
            std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
        ),
        ("GAMME_BUS_PREFIX".to_owned(), format!("test-{}", db.name())),
        ("GAMME_DB_POOL_SIZE".to_owned(), "4".to_owned()),
        ("GAMME_BUS_QUEUE_EXPIRY_SECS".to_owned(), "120".to_owned()),
        ("GAMME_WORK_SCHEDULER_INTERVAL_SECS".to_owned(), "1".to_owned()),
        ("GAMME_PUBLIC_URL".to_owned(), "https://gamme.usine.test".to_owned()),
    ])
}

async fn start(
    db: &TestDb,
    issuer: &TestIssuer,
    extra: &[(&str, &str)],
) -> (String, tokio_util::sync::CancellationToken) {
    let mut env = env(db);
    for (key, value) in extra {
        env.set(*key, *value);
    }
    let mut config = gamme_work::Application::config(&env).expect("config");
    config.tokens = issuer.token_config();
    let listener = gamme_service_kit::server::bind("127.0.0.1:0").expect("bind");
    let app = gamme_work::Application::build(config, listener).await.expect("work starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let shutdown = app.shutdown_token();
    tokio::spawn(app.run());
    (address, shutdown)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The service with some settings of its own.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let db = TestDb::new();
    let issuer = TestIssuer::new();
    let admin = issuer.user(&mut db.connect(), "Admin", Role::Admin);
    let (address, shutdown) = start(&db, &issuer, extra).await;
    TestApp { address, db, client: Client::new(), issuer, admin, shutdowns: vec![shutdown] }
}

/// A step as a test writes it: `(kind, title, unit, min, max)`.
pub type StepSpec<'a> = (&'a str, &'a str, Option<&'a str>, Option<f64>, Option<f64>);

/// A step's result as the technician's device recorded it.
pub struct Entry<'a> {
    pub value: Value,
    pub passed: Option<bool>,
    pub out_of_limit: bool,
    pub note: Option<&'a str>,
}

impl Entry<'_> {
    /// A value within the step's limits.
    pub fn ok(value: Value) -> Self {
        Entry { value, passed: None, out_of_limit: false, note: None }
    }
}

/// The ids of a site → area → equipment tree.
pub struct Tree {
    pub site: Uuid,
    pub area: Uuid,
    pub equipment: Uuid,
}

/// A published procedure: its id, revision and steps (id, key) in order.
pub struct Published {
    pub id: Uuid,
    pub revision: Uuid,
    pub steps: Vec<(Uuid, Uuid)>,
}

impl TestApp {
    /// A second replica on the same database and broker.
    pub async fn replica(&mut self) {
        let (_, shutdown) = start(&self.db, &self.issuer, &[]).await;
        self.shutdowns.push(shutdown);
    }

    pub fn user(&self, name: &str, role: Role) -> TestUser {
        self.issuer.user(&mut self.db.connect(), name, role)
    }

    pub async fn call(&self, method: Method, path: &str, user: &TestUser, body: Option<&Value>) -> Response {
        let mut req = self.client.request(method, format!("{}{}", self.address, path)).bearer_auth(&user.token);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, user: &TestUser) -> Response {
        self.call(Method::GET, path, user, None).await
    }

    pub async fn post(&self, path: &str, user: &TestUser, body: &Value) -> Response {
        self.call(Method::POST, path, user, Some(body)).await
    }

    pub async fn put(&self, path: &str, user: &TestUser, body: &Value) -> Response {
        self.call(Method::PUT, path, user, Some(body)).await
    }

    pub async fn patch(&self, path: &str, user: &TestUser, body: &Value) -> Response {
        self.call(Method::PATCH, path, user, Some(body)).await
    }

    pub async fn get_ok(&self, path: &str, user: &TestUser) -> Value {
        expect(self.get(path, user).await, StatusCode::OK).await
    }

    pub fn execute(&self, sql: &str) {
        sql_query(sql).execute(&mut self.db.connect()).expect(sql);
    }

    pub fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = sql_types::BigInt)]
            n: i64,
        }
        sql_query(sql).get_result::<N>(&mut self.db.connect()).expect("count").n
    }

    /// An asset as the procedures service would store it.
    pub fn asset(&self, kind: &str, parent: Option<Uuid>, code: &str) -> Uuid {
        let id = Uuid::now_v7();
        sql_query("INSERT INTO assets (id, parent_id, kind, code, name, created_by) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind::<sql_types::Uuid, _>(id)
            .bind::<sql_types::Nullable<sql_types::Uuid>, _>(parent)
            .bind::<sql_types::Text, _>(kind)
            .bind::<sql_types::Text, _>(code)
            .bind::<sql_types::Text, _>(format!("Asset {code}"))
            .bind::<sql_types::Uuid, _>(self.admin.id)
            .execute(&mut self.db.connect())
            .expect("insert an asset");
        id
    }

    pub fn tree(&self, prefix: &str) -> Tree {
        let site = self.asset("site", None, &format!("{prefix}-SITE"));
        let area = self.asset("area", Some(site), &format!("{prefix}-AREA"));
        let equipment = self.asset("equipment", Some(area), &format!("{prefix}-P101"));
        Tree { site, area, equipment }
    }

    /// A procedure with one published revision whose steps are `(kind, title, unit, min, max)`.
    pub fn procedure(&self, code: &str, steps: &[StepSpec<'_>]) -> Published {
        let mut conn = self.db.connect();
        let (id, revision) = (Uuid::now_v7(), Uuid::now_v7());
        sql_query("INSERT INTO procedures (id, code, created_by) VALUES ($1, $2, $3)")
            .bind::<sql_types::Uuid, _>(id)
            .bind::<sql_types::Text, _>(code)
            .bind::<sql_types::Uuid, _>(self.admin.id)
            .execute(&mut conn)
            .expect("procedure");
        sql_query(
            "INSERT INTO revisions (id, procedure_id, number, status, title, language, author_id, published_at) \
             VALUES ($1, $2, 1, 'published', $3, 'fr', $4, now())",
        )
        .bind::<sql_types::Uuid, _>(revision)
        .bind::<sql_types::Uuid, _>(id)
        .bind::<sql_types::Text, _>(format!("Entretien {code}"))
        .bind::<sql_types::Uuid, _>(self.admin.id)
        .execute(&mut conn)
        .expect("revision");
        let mut ids = Vec::new();
        for (position, (kind, title, unit, min, max)) in steps.iter().enumerate() {
            let (step, key) = (Uuid::now_v7(), Uuid::new_v4());
            sql_query(
                "INSERT INTO steps (id, revision_id, key, position, kind, title, unit, min_value, max_value) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind::<sql_types::Uuid, _>(step)
            .bind::<sql_types::Uuid, _>(revision)
            .bind::<sql_types::Uuid, _>(key)
            .bind::<sql_types::Integer, _>(position as i32)
            .bind::<sql_types::Text, _>(*kind)
            .bind::<sql_types::Text, _>(*title)
            .bind::<sql_types::Nullable<sql_types::Text>, _>(*unit)
            .bind::<sql_types::Nullable<sql_types::Double>, _>(*min)
            .bind::<sql_types::Nullable<sql_types::Double>, _>(*max)
            .execute(&mut conn)
            .expect("step");
            ids.push((step, key));
        }
        sql_query("UPDATE procedures SET published_revision_id = $1, latest_revision_id = $1 WHERE id = $2")
            .bind::<sql_types::Uuid, _>(revision)
            .bind::<sql_types::Uuid, _>(id)
            .execute(&mut conn)
            .expect("publish");
        Published { id, revision, steps: ids }
    }

    /// A run as procedures records it (completed when `results` is given), for `work_order`.
    pub fn run(&self, p: &Published, asset: Uuid, technician: &TestUser, work_order: Option<Uuid>) -> Uuid {
        let id = Uuid::now_v7();
        sql_query(
            "INSERT INTO runs (id, procedure_id, revision_id, asset_id, technician_id, status, work_order_id) \
             VALUES ($1, $2, $3, $4, $5, 'in_progress', $6)",
        )
        .bind::<sql_types::Uuid, _>(id)
        .bind::<sql_types::Uuid, _>(p.id)
        .bind::<sql_types::Uuid, _>(p.revision)
        .bind::<sql_types::Uuid, _>(asset)
        .bind::<sql_types::Uuid, _>(technician.id)
        .bind::<sql_types::Nullable<sql_types::Uuid>, _>(work_order)
        .execute(&mut self.db.connect())
        .expect("run");
        id
    }

    /// Records a step result of a run.
    pub fn result(&self, run: Uuid, step: Uuid, entry: Entry<'_>, by: &TestUser) {
        let Entry { value, passed, out_of_limit, note } = entry;
        sql_query(
            "INSERT INTO run_step_results (id, run_id, step_id, value, passed, out_of_limit, note, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind::<sql_types::Uuid, _>(Uuid::new_v4())
        .bind::<sql_types::Uuid, _>(run)
        .bind::<sql_types::Uuid, _>(step)
        .bind::<sql_types::Jsonb, _>(value)
        .bind::<sql_types::Nullable<sql_types::Bool>, _>(passed)
        .bind::<sql_types::Bool, _>(out_of_limit)
        .bind::<sql_types::Nullable<sql_types::Text>, _>(note)
        .bind::<sql_types::Uuid, _>(by.id)
        .execute(&mut self.db.connect())
        .expect("result");
    }

    pub fn complete_run(&self, run: Uuid) {
        self.execute(&format!(
            "UPDATE runs SET status = 'completed', outcome = 'passed', completed_at = now(), signoff_name = 'T', signoff_at = now() WHERE id = '{run}'"
        ));
    }

    /// Puts an event in the outbox, as its publisher would; the work service's relay sends it.
    pub fn publish(&self, event: Event) {
        outbox::enqueue(&mut self.db.connect(), &Envelope::new(event, Some("test-correlation".into())))
            .expect("enqueue");
    }

    pub fn run_started(&self, p: &Published, run: Uuid, asset: Uuid, technician: &TestUser, work_order: Option<Uuid>) {
        self.publish(Event::RunStarted {
            run_id: run,
            procedure_id: p.id,
            revision_id: p.revision,
            asset_id: Some(asset),
            technician_id: technician.id,
            work_order_id: work_order,
        });
    }

    pub fn run_completed(
        &self,
        p: &Published,
        run: Uuid,
        asset: Uuid,
        technician: &TestUser,
        work_order: Option<Uuid>,
        flagged: Vec<FlaggedStep>,
    ) {
        self.publish(Event::RunCompleted {
            run_id: run,
            procedure_id: p.id,
            revision_id: p.revision,
            asset_id: Some(asset),
            technician_id: technician.id,
            outcome: if flagged.is_empty() { "passed".into() } else { "failed".into() },
            flagged_steps: flagged,
            work_order_id: work_order,
        });
    }

    /// Waits (up to 30 s, polling) until `sql`'s count is `n`; answers the last count.
    pub async fn until_count(&self, sql: &str, n: i64) -> i64 {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.count(sql);
            if got == n || std::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Makes a team with `members`; answers its id.
    pub async fn team(&self, name: &str, members: &[&TestUser]) -> String {
        let team =
            expect(self.post("/api/work/teams", &self.admin, &json!({ "name": name })).await, StatusCode::CREATED)
                .await;
        let id = team["id"].as_str().unwrap().to_owned();
        for m in members {
            expect(
                self.put(&format!("/api/work/teams/{id}/members/{}", m.id), &self.admin, &json!({})).await,
                StatusCode::OK,
            )
            .await;
        }
        id
    }
}

pub async fn expect(res: Response, status: StatusCode) -> Value {
    let got = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

pub async fn problem(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    res.json().await.expect("problem body")
}

/// A real SMTP server (Python's aiosmtpd, `smtp_sink.py`) on a free loopback port, writing what
/// it receives to a file; stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    file: std::path::PathBuf,
    child: std::process::Child,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let file = std::env::temp_dir().join(format!("gamme-smtp-{}.jsonl", Uuid::new_v4()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(&file)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs the SMTP sink (pip install aiosmtpd; scripts/test.sh does)");
        let mut ready = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut ready).unwrap();
        assert_eq!(ready.trim(), "listening", "the SMTP sink did not start (is aiosmtpd installed?)");
        SmtpSink { port, file, child }
    }

    /// Every message received so far: `{to, from, subject, body}`.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits (bounded) until `n` messages have arrived; all of them.
    pub async fn until(&self, n: usize) -> Vec<Value> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(std::time::Instant::now() < deadline, "{} of {n} emails arrived: {got:#?}", got.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.file);
    }
}

/// A request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names in lower case.
    pub headers: std::collections::HashMap<String, String>,
    pub body: String,
    pub at: std::time::Instant,
}

/// A real HTTP server on a free loopback port that answers POSTs as scripted: the n-th request
/// gets `script[n]` (status, delay before answering), the last entry again for any after.
pub struct Receiver {
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(script: &[(u16, Duration)]) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/gamme", listener.local_addr().unwrap());
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (script, log) = (script.to_vec(), received.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                let (script, log) = (script.clone(), log.clone());
                tokio::spawn(async move {
                    let mut raw = Vec::new();
                    let mut buf = [0u8; 4096];
                    // Read the head, then as much body as content-length says.
                    let (head, body_start) = loop {
                        let Ok(n) = stream.read(&mut buf).await else { return };
                        if n == 0 {
                            return;
                        }
                        raw.extend_from_slice(&buf[..n]);
                        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                            break (String::from_utf8_lossy(&raw[..i]).into_owned(), i + 4);
                        }
                    };
                    let headers: std::collections::HashMap<String, String> = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
                        .collect();
                    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    while raw.len() < body_start + length {
                        let Ok(n) = stream.read(&mut buf).await else { return };
                        if n == 0 {
                            break;
                        }
                        raw.extend_from_slice(&buf[..n]);
                    }
                    let body = String::from_utf8_lossy(&raw[body_start..]).into_owned();
                    let n = {
                        let mut log = log.lock().unwrap();
                        log.push(Received { headers, body, at: std::time::Instant::now() });
                        log.len() - 1
                    };
                    let (status, delay) = script[n.min(script.len() - 1)];
                    tokio::time::sleep(delay).await;
                    let answer = format!("answer {n}");
                    let response = format!(
                        "HTTP/1.1 {status} Scripted\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                        answer.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Receiver { url, received, task }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (bounded) until `n` requests have arrived; all of them.
    pub async fn until(&self, n: usize) -> Vec<Received> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(std::time::Instant::now() < deadline, "{} of {n} webhook requests arrived", got.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}
