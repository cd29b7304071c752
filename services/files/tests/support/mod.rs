//! Starts the real files service on port 0 against a fresh database, the real broker and a
//! storage directory of its own; tokens come from a test issuer the service trusts.

#![allow(dead_code)]

pub mod samples;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use diesel::prelude::*;
use gamme_auth_token::{
    testing::{TestIssuer, TestUser},
    Role,
};
use gamme_db::testing::TestDb;
use gamme_service_kit::Env;
use reqwest::{header, Client, Response};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub const URL_SECRET: &str = "files-test-url-secret";
pub const MAX_UPLOAD: u64 = 8 * 1024 * 1024;

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: TestDb,
    pub issuer: TestIssuer,
    pub client: Client,
    pub files_dir: PathBuf,
    shutdown: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
        let _ = std::fs::remove_dir_all(&self.files_dir);
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The service with its settings changed by `adjust` (e.g. to run the real worker child).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut gamme_files::config::FilesConfig)) -> TestApp {
    let db = TestDb::new();
    let files_dir = std::env::temp_dir().join(format!("gamme-files-test-{}", uuid::Uuid::new_v4().simple()));
    let env = Env::from_pairs([
        // Development secrets are accepted only when asked for; production is the default.
        ("GAMME_ENV".to_owned(), "development".to_owned()),
        ("GAMME_DATABASE_URL".to_owned(), db.url_as(gamme_db::roles::ServiceRole::Files)),
        (
            "GAMME_AMQP_URL".to_owned(),
            std::env::var("GAMME_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
        ),
        ("GAMME_BUS_PREFIX".to_owned(), format!("test-{}", db.name())),
        ("GAMME_DB_POOL_SIZE".to_owned(), "6".to_owned()),
        ("GAMME_BUS_QUEUE_EXPIRY_SECS".to_owned(), "120".to_owned()),
        ("GAMME_FILES_DIR".to_owned(), files_dir.display().to_string()),
        ("GAMME_MAX_UPLOAD_BYTES".to_owned(), MAX_UPLOAD.to_string()),
        ("GAMME_FILES_URL_SECRET".to_owned(), URL_SECRET.to_owned()),
    ]);
    let issuer = TestIssuer::new();
    let mut config = gamme_files::Application::config(&env).expect("files config");
    config.tokens = issuer.token_config();
    adjust(&mut config);
    let listener = gamme_service_kit::server::bind("127.0.0.1:0").expect("bind");
    let app = gamme_files::Application::build(config, listener).await.expect("files starts");
    let port = app.port();
    let shutdown = app.shutdown_token();
    tokio::spawn(app.run());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        issuer,
        client: Client::new(),
        files_dir,
        shutdown,
    }
}

/// A multipart/form-data body with one part per `(file name, bytes)`.
pub fn multipart(parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("gamme-test-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn user(&self, name: &str, role: Role) -> TestUser {
        self.issuer.user(&mut self.db.connect(), name, role)
    }

    pub async fn upload_many(&self, token: &str, parts: &[(&str, &[u8])]) -> Response {
        let (content_type, body) = multipart(parts);
        self.client
            .post(self.url("/api/files"))
            .bearer_auth(token)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("upload request")
    }

    pub async fn upload(&self, token: &str, name: &str, bytes: &[u8]) -> Response {
        self.upload_many(token, &[(name, bytes)]).await
    }

    /// Uploads one file that must be accepted; returns its metadata.
    pub async fn uploaded(&self, token: &str, name: &str, bytes: &[u8]) -> Value {
        let res = self.upload(token, name, bytes).await;
        assert_eq!(res.status(), 201, "upload of {name}");
        let body: Value = res.json().await.expect("upload body");
        body["files"][0].clone()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request")
    }

    pub async fn metadata(&self, id: &str, token: &str) -> Value {
        let res = self.get(&format!("/api/files/{id}"), token).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("metadata")
    }

    /// Waits until `done` holds for the file's metadata (processing runs after the upload).
    pub async fn wait_for(&self, id: &str, token: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let meta = self.metadata(id, token).await;
            if done(&meta) {
                return meta;
            }
            assert!(Instant::now() < deadline, "processing did not finish: {meta}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn files_under(&self, sub: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        collect(&self.files_dir.join(sub), &mut out);
        out
    }

    pub fn file_rows(&self) -> i64 {
        use gamme_db::schema::files;
        files::table.count().get_result(&mut self.db.connect()).expect("count files")
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

pub async fn problem(res: Response) -> Value {
    assert_eq!(res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    res.json().await.expect("problem body")
}

/// This process's peak resident memory, in bytes (nextest runs each test in its own process).
pub fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kib * 1024
}
