//! Starts the real auth service (and, where a test needs "another service", the procedures
//! service) on port 0 against a fresh database and the real broker.

#![allow(dead_code)]

use gamme_db::testing::TestDb;
use gamme_service_kit::Env;
use reqwest::{header, Client, Response, StatusCode};
use serde_json::{json, Value};

pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: Client,
    pub other_service: Option<String>,
    _shutdown: Vec<tokio_util::sync::CancellationToken>,
}

pub const ADMIN_EMAIL: &str = "admin@usine.test";
pub const ADMIN_PASSWORD: &str = "Admin-password-1";

pub fn test_env(db: &TestDb) -> Env {
    Env::from_pairs([
        // Development secrets are accepted only when asked for; production is the default.
        ("GAMME_ENV".to_owned(), "development".to_owned()),
        ("GAMME_DATABASE_URL".to_owned(), db.url_as(gamme_db::roles::ServiceRole::Auth)),
        (
            "GAMME_AMQP_URL".to_owned(),
            std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
        ),
        ("GAMME_BUS_PREFIX".to_owned(), format!("test-{}", db.name())),
        ("GAMME_DB_POOL_SIZE".to_owned(), "4".to_owned()),
        ("GAMME_BUS_QUEUE_EXPIRY_SECS".to_owned(), "120".to_owned()),
    ])
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Env)) -> TestApp {
    let db = TestDb::new();
    let mut env = test_env(&db);
    adjust(&mut env);
    let config = gamme_auth::Application::config(&env).expect("config");
    let listener = gamme_service_kit::server::bind("127.0.0.1:0").expect("bind");
    let app = gamme_auth::Application::build(config, listener).await.expect("auth starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let mut shutdown = vec![app.shutdown_token()];
    tokio::spawn(app.run());
    // "Another service": procedures, verifying tokens with this auth's JWKS.
    let mut other_env = env.clone();
    other_env.set("GAMME_AUTH_JWKS_URL", format!("{address}/api/auth/jwks.json"));
    other_env.set("GAMME_DATABASE_URL", db.url_as(gamme_db::roles::ServiceRole::Procedures));
    let config = gamme_procedures::Application::config(&other_env).expect("config");
    let listener = gamme_service_kit::server::bind("127.0.0.1:0").expect("bind");
    let other = gamme_procedures::Application::build(config, listener).await.expect("procedures starts");
    let other_address = format!("http://127.0.0.1:{}", other.port());
    shutdown.push(other.shutdown_token());
    tokio::spawn(other.run());
    TestApp { address, db, client: Client::new(), other_service: Some(other_address), _shutdown: shutdown }
}

pub struct Session {
    pub access_token: String,
    pub cookie: String,
    pub body: Value,
}

pub fn refresh_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gamme_refresh="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().await.expect("request")
    }

    pub async fn setup_admin(&self) -> Session {
        let res = self
            .post_json(
                "/api/auth/setup",
                &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "display_name": "Admin" }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        Self::session(res).await
    }

    pub async fn session(res: Response) -> Session {
        let cookie = refresh_cookie(&res).expect("a refresh cookie");
        let body: Value = res.json().await.expect("json body");
        Session { access_token: body["access_token"].as_str().expect("access_token").to_owned(), cookie, body }
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json("/api/auth/login", &json!({ "email": email, "password": password })).await
    }

    pub async fn refresh(&self, cookie: &str) -> Response {
        self.client.post(self.url("/api/auth/refresh")).header(header::COOKIE, cookie).send().await.expect("refresh")
    }

    /// A user of `role` created by `admin`, signed in with their own password.
    pub async fn user(&self, admin: &Session, email: &str, role: &str) -> Session {
        let res = self
            .client
            .post(self.url("/api/auth/users"))
            .bearer_auth(&admin.access_token)
            .json(&json!({ "email": email, "display_name": email, "role": role }))
            .send()
            .await
            .expect("create user");
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: Value = res.json().await.expect("created");
        let temporary = created["temporary_password"].as_str().expect("temporary password").to_owned();
        let first = Self::session(self.login(email, &temporary).await).await;
        assert_eq!(first.body["user"]["must_change_password"], true);
        let res = self
            .client
            .post(self.url("/api/auth/me/password"))
            .bearer_auth(&first.access_token)
            .json(&json!({ "current_password": temporary, "new_password": "Own-password-42" }))
            .send()
            .await
            .expect("change password");
        assert_eq!(res.status(), StatusCode::OK);
        Self::session(res).await
    }

    pub async fn other_service_status(&self, token: &str) -> StatusCode {
        let url = format!("{}/api/procedures", self.other_service.as_deref().expect("other service"));
        self.client.get(url).bearer_auth(token).send().await.expect("request").status()
    }
}

pub async fn problem(res: Response) -> Value {
    assert_eq!(res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    res.json().await.expect("problem body")
}
