//! A fake language model that speaks the OpenAI chat-completions API (scripted answers,
//! failures included), and the real AI worker started on port 0 against a fresh database and
//! the real broker.

#![allow(dead_code)]

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::{web, App, HttpResponse, HttpServer};
use gamme_auth_token::{
    testing::{TestIssuer, TestUser},
    Role,
};
use gamme_db::testing::TestDb;
use gamme_service_kit::Env;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// One scripted reply of the fake model.
#[derive(Clone)]
pub enum Reply {
    /// A completion whose message content is this text.
    Content(String),
    Status {
        status: u16,
        retry_after: Option<u64>,
        body: String,
    },
    /// Waits this long, then answers with the content.
    Slow(Duration, String),
}

pub fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{ "index": 0, "finish_reason": "stop", "message": { "role": "assistant", "content": content } }],
        "usage": { "prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120 }
    })
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    fallback: Option<Reply>,
    requests: Vec<(Instant, Value)>,
    refuse_json_schema: bool,
}

#[derive(Clone)]
pub struct FakeLlm {
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

async fn chat(script: web::Data<Arc<Mutex<Script>>>, body: web::Json<Value>) -> HttpResponse {
    let body = body.into_inner();
    let reply = {
        let mut s = script.lock().unwrap();
        s.requests.push((Instant::now(), body.clone()));
        if s.refuse_json_schema && body["response_format"]["type"] == "json_schema" {
            Some(Reply::Status {
                status: 400,
                retry_after: None,
                body: r#"{"error":{"message":"response_format json_schema is not supported by this server"}}"#.into(),
            })
        } else {
            s.replies.pop_front().or_else(|| s.fallback.clone())
        }
    };
    match reply {
        Some(Reply::Content(c)) => HttpResponse::Ok().json(completion(&c)),
        Some(Reply::Slow(delay, c)) => {
            tokio::time::sleep(delay).await;
            HttpResponse::Ok().json(completion(&c))
        }
        Some(Reply::Status { status, retry_after, body }) => {
            let mut res = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
            if let Some(s) = retry_after {
                res.insert_header(("Retry-After", s.to_string()));
            }
            res.content_type("application/json").body(body)
        }
        None => HttpResponse::InternalServerError().body("no scripted reply"),
    }
}

impl FakeLlm {
    pub async fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let data = web::Data::new(script.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new().app_data(data.clone()).route("/v1/chat/completions", web::post().to(chat))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self { base_url: format!("http://127.0.0.1:{port}/v1"), script }
    }

    pub fn push(&self, reply: Reply) {
        self.script.lock().unwrap().replies.push_back(reply);
    }

    pub fn always(&self, reply: Reply) {
        self.script.lock().unwrap().fallback = Some(reply);
    }

    pub fn refuse_json_schema(&self) {
        self.script.lock().unwrap().refuse_json_schema = true;
    }

    pub fn requests(&self) -> Vec<(Instant, Value)> {
        self.script.lock().unwrap().requests.clone()
    }
}

pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: Client,
    pub issuer: TestIssuer,
    pub prefix: String,
    shutdown: Vec<tokio_util::sync::CancellationToken>,
}

pub fn env_for(db: &TestDb, prefix: &str) -> Env {
    Env::from_pairs([
        // Development secrets are accepted only when asked for; production is the default.
        ("GAMME_ENV".to_owned(), "development".to_owned()),
        ("GAMME_DATABASE_URL".to_owned(), db.url_as(gamme_db::roles::ServiceRole::Ai)),
        ("GAMME_AMQP_URL".to_owned(), amqp_url()),
        ("GAMME_BUS_PREFIX".to_owned(), prefix.to_owned()),
        ("GAMME_DB_POOL_SIZE".to_owned(), "6".to_owned()),
        ("GAMME_BUS_QUEUE_EXPIRY_SECS".to_owned(), "300".to_owned()),
        ("GAMME_AI_REQUEUE_PAUSE_MS".to_owned(), "20".to_owned()),
        ("GAMME_LLM_BACKOFF_MS".to_owned(), "50".to_owned()),
    ])
}

pub fn amqp_url() -> String {
    std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

impl TestApp {
    /// `workers` replicas sharing one database and one queue; `adjust` changes their settings.
    pub async fn spawn(workers: usize, adjust: impl Fn(&mut Env)) -> Self {
        if let Ok(filter) = std::env::var("GAMME_TEST_LOG") {
            gamme_service_kit::telemetry::init(&Env::from_pairs([("GAMME_LOG".to_owned(), filter)]));
        }
        let db = TestDb::new();
        let prefix = format!("test-{}", db.name());
        let issuer = TestIssuer::new();
        let mut address = String::new();
        let mut shutdown = Vec::new();
        for _ in 0..workers {
            let mut env = env_for(&db, &prefix);
            adjust(&mut env);
            let mut config = gamme_ai_worker::Application::config(&env).unwrap();
            config.common.http_addr = "127.0.0.1:0".into();
            config.tokens = issuer.token_config();
            let listener = gamme_service_kit::server::bind("127.0.0.1:0").unwrap();
            let app = gamme_ai_worker::Application::build(config, listener).await.unwrap();
            if address.is_empty() {
                address = format!("http://127.0.0.1:{}", app.port());
            }
            shutdown.push(app.shutdown_token());
            tokio::spawn(app.run());
        }
        Self { address, db, client: Client::new(), issuer, prefix, shutdown }
    }

    pub fn user(&self, name: &str, role: Role) -> TestUser {
        self.issuer.user(&mut self.db.connect(), name, role)
    }

    pub async fn post_job(&self, user: &TestUser, input: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/ai/jobs", self.address))
            .bearer_auth(&user.token)
            .json(input)
            .send()
            .await
            .unwrap()
    }

    pub async fn job(&self, user: &TestUser, id: &str) -> Value {
        let res = self
            .client
            .get(format!("{}/api/ai/jobs/{id}", self.address))
            .bearer_auth(&user.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// Polls until the job is settled (bounded).
    pub async fn settled(&self, user: &TestUser, id: &str, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let job = self.job(user, id).await;
            if ["succeeded", "failed", "cancelled"].contains(&job["status"].as_str().unwrap()) {
                return job;
            }
            assert!(Instant::now() < deadline, "job not settled in time: {job}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn count(&self, sql: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(&mut self.db.connect()).unwrap().n
    }

    pub fn stop(&self) {
        for s in &self.shutdown {
            s.cancel();
        }
    }
}

/// A sample manual as a maintenance team would upload it, in French.
pub const MANUEL_FR: &str = "\
# Consignation
DANGER : tension 400 V dans l'armoire.
1. Consigner l'alimentation électrique de la pompe P-101.
2. Vérifier l'absence de tension au VAT.
Porter des gants isolants et des lunettes.
# Remontage
AVERTISSEMENT : pièces lourdes.
3. Remonter le corps de pompe.
4. Serrer les vis du carter à 45–55 N·m avec la clé dynamométrique.
ATTENTION : ne pas dépasser la pression de service.
5. Contrôler la pression de refoulement : 2 à 3 bar.
6. Relever la température du palier, max 80 °C.
";

/// The same kind of manual, in English.
pub const MANUAL_EN: &str = "\
# Lock-out
WARNING: hot surfaces.
- Lock out the pump motor and tag the breaker.
- Verify zero energy at the terminal box.
CAUTION: the impeller is sharp.
- Tighten the coupling bolts to 40 to 50 Nm.
Check the seal for leaks.
- Measure the shaft clearance: 0.5 ± 0.1 mm.
NOTE: record the hour meter.
";
