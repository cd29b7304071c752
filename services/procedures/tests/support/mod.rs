//! Starts the real procedures service on port 0 against a fresh database and the real
//! broker, with users whose tokens a test issuer signs.

#![allow(dead_code)]

use gamme_auth_token::{
    testing::{TestIssuer, TestUser},
    Role,
};
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
    _shutdown: tokio_util::sync::CancellationToken,
}

pub async fn spawn_app() -> TestApp {
    let db = TestDb::new();
    let issuer = TestIssuer::new();
    let (address, shutdown) = start(&db, &issuer).await;
    TestApp { address, db, client: Client::new(), issuer, _shutdown: shutdown }
}

/// Another procedures process on the same database and broker, as `--scale procedures=2`.
pub struct Replica {
    pub address: String,
    _shutdown: tokio_util::sync::CancellationToken,
}

async fn start(db: &TestDb, issuer: &TestIssuer) -> (String, tokio_util::sync::CancellationToken) {
    let env = Env::from_pairs([
        // Development secrets are accepted only when asked for; production is the default.
        ("GAMME_ENV".to_owned(), "development".to_owned()),
        ("GAMME_DATABASE_URL".to_owned(), db.url_as(gamme_db::roles::ServiceRole::Procedures)),
        (
            "GAMME_AMQP_URL".to_owned(),
            std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
        ),
        ("GAMME_BUS_PREFIX".to_owned(), format!("test-{}", db.name())),
        ("GAMME_DB_POOL_SIZE".to_owned(), "4".to_owned()),
        ("GAMME_BUS_QUEUE_EXPIRY_SECS".to_owned(), "120".to_owned()),
        // Replicas share it, as they share a volume in compose.
        ("GAMME_AUDIT_CHECKPOINT".to_owned(), audit_checkpoint(db).display().to_string()),
    ]);
    let mut config = gamme_procedures::Application::config(&env).expect("config");
    config.tokens = issuer.token_config();
    let listener = gamme_service_kit::server::bind("127.0.0.1:0").expect("bind");
    let app = gamme_procedures::Application::build(config, listener).await.expect("procedures starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let shutdown = app.shutdown_token();
    tokio::spawn(app.run());
    (address, shutdown)
}

/// The audit chain's checkpoint of the service on `db`, beside the system's temporary files.
pub fn audit_checkpoint(db: &TestDb) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("gamme-audit-{}.json", db.name()))
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(audit_checkpoint(&self.db));
    }
}

impl TestApp {
    pub async fn replica(&self) -> Replica {
        let (address, shutdown) = start(&self.db, &self.issuer).await;
        Replica { address, _shutdown: shutdown }
    }

    /// `GET` on another replica.
    pub async fn get_at(&self, replica: &Replica, path: &str, user: &TestUser) -> Response {
        self.client.get(format!("{}{}", replica.address, path)).bearer_auth(&user.token).send().await.expect("request")
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

    /// `GET` that must answer 200, as JSON.
    pub async fn get_ok(&self, path: &str, user: &TestUser) -> Value {
        ok(self.get(path, user).await).await
    }

    pub async fn asset(&self, user: &TestUser, kind: &str, parent: Option<&str>, code: &str, name: &str) -> Value {
        let res = self
            .post("/api/assets", user, &json!({ "kind": kind, "parent_id": parent, "code": code, "name": name }))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create asset {code}");
        res.json().await.expect("asset")
    }

    /// A procedure with `steps` in its first draft; answers the procedure view.
    pub async fn procedure(&self, editor: &TestUser, code: &str, title: &str, steps: Value) -> Value {
        let res = self
            .post(
                "/api/procedures",
                editor,
                &json!({ "code": code, "title": title, "language": "fr",
                         "content": { "sections": [ { "title": null, "steps": steps } ] } }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create procedure {code}");
        res.json().await.expect("procedure")
    }

    /// Submits revision `n` as `author` and approves it as `reviewer`.
    pub async fn publish(&self, id: &str, n: i64, author: &TestUser, reviewer: &TestUser) -> Value {
        let res = self.post(&format!("/api/procedures/{id}/revisions/{n}/submit"), author, &json!({})).await;
        assert_eq!(res.status(), StatusCode::OK, "submit");
        ok(self.post(&format!("/api/procedures/{id}/revisions/{n}/approve"), reviewer, &json!({})).await).await
    }

    /// A file row as the files service would record an upload of `uploader`'s.
    pub fn file(&self, uploader: &TestUser) -> String {
        use diesel::RunQueryDsl;
        let id = Uuid::now_v7();
        diesel::sql_query(
            "INSERT INTO files (id, uploader_id, name, media_type, size_bytes, sha256) \
             VALUES ($1, $2, 'photo.jpg', 'image/jpeg', 1234, encode(sha256(random()::text::bytea), 'hex'))",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Uuid, _>(uploader.id)
        .execute(&mut self.db.connect())
        .expect("insert a file row");
        id.to_string()
    }

    pub fn execute(&self, sql: &str) {
        use diesel::RunQueryDsl;
        diesel::sql_query(sql).execute(&mut self.db.connect()).expect(sql);
    }

    pub fn count(&self, sql: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(&mut self.db.connect()).expect("count").n
    }
}

pub async fn ok(res: Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub async fn problem(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    res.json().await.expect("problem body")
}

pub fn step(kind: &str, title: &str) -> Value {
    json!({ "kind": kind, "title": title })
}

/// One step of each kind, as an author would write them.
pub fn every_kind() -> Value {
    json!([
        { "kind": "instruction", "title": "Consigner la pompe", "body": "Cadenas **personnel**.", "warning_level": "danger",
          "warning_text": "Tension 400 V" },
        { "kind": "checkbox", "title": "Vanne d'aspiration fermée" },
        { "kind": "pass_fail", "title": "Vérifier l'absence de fuite" },
        { "kind": "number", "title": "Pression de refoulement", "unit": "bar", "min": 2.0, "max": 3.0 },
        { "kind": "text", "title": "Numéro de lot du joint", "required": false },
        { "kind": "choice", "title": "État du filtre", "options": ["propre", "encrassé", "à remplacer"] },
        { "kind": "photo", "title": "Photo de la garniture" },
        { "kind": "signature", "title": "Visa du chef d'équipe" }
    ])
}

pub fn uuid() -> String {
    Uuid::new_v4().to_string()
}
