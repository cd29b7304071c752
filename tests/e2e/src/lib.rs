//! A client for the running stack, as a browser or a script would reach it: through nginx.

use std::time::Duration;

use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};

pub fn base_url() -> String {
    std::env::var("GAMME_E2E_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into())
}

pub fn admin_credentials() -> (String, String) {
    (
        std::env::var("GAMME_E2E_ADMIN_EMAIL").unwrap_or_else(|_| "admin@gamme.test".into()),
        std::env::var("GAMME_E2E_ADMIN_PASSWORD").unwrap_or_else(|_| "Admin-password-1".into()),
    )
}

pub fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(30)).build().expect("http client")
}

pub struct Session {
    pub access_token: String,
    pub refresh_cookie: String,
    pub user: Value,
}

fn refresh_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gamme_refresh="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned()
}

/// Sends a request to a rate-limited sign-in route, waiting as `Retry-After` says while nginx
/// answers 429: the suite's tests sign in in parallel, faster than a person would.
pub async fn send_patiently(request: impl Fn() -> reqwest::RequestBuilder) -> reqwest::Response {
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let res = request().send().await.expect("request to a sign-in route");
        if res.status() != StatusCode::TOO_MANY_REQUESTS || std::time::Instant::now() > deadline {
            return res;
        }
        let wait = res
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(2);
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
}

pub async fn login(email: &str, password: &str) -> Session {
    let res = send_patiently(|| {
        client().post(format!("{}/api/auth/login", base_url())).json(&json!({ "email": email, "password": password }))
    })
    .await;
    assert_eq!(res.status(), StatusCode::OK, "login as {email}");
    let cookie = refresh_cookie(&res);
    let body: Value = res.json().await.expect("login body");
    Session {
        access_token: body["access_token"].as_str().unwrap_or_default().to_owned(),
        refresh_cookie: cookie,
        user: body["user"].clone(),
    }
}

/// Signs in as the admin, doing first-run setup if the stack is new.
pub async fn admin() -> Session {
    let (email, password) = admin_credentials();
    let status: Value = send_patiently(|| client().get(format!("{}/api/auth/setup", base_url())))
        .await
        .json()
        .await
        .expect("setup status body");
    if status["needed"] == true {
        let res = send_patiently(|| {
            client()
                .post(format!("{}/api/auth/setup", base_url()))
                .json(&json!({ "email": email, "password": password, "display_name": "Admin" }))
        })
        .await;
        // Tests run in parallel: another one may have set the stack up meanwhile.
        assert!(matches!(res.status(), StatusCode::CREATED | StatusCode::CONFLICT), "setup: {}", res.status());
    }
    login(&email, &password).await
}

/// A new user of `role`, signed in with a password of their own.
pub async fn user_with_role(admin: &Session, role: &str) -> Session {
    let email = format!("{role}.{}@gamme.test", std::process::id() as u64 * 1000 + u64::from(rand_suffix()));
    let res = client()
        .post(format!("{}/api/auth/users", base_url()))
        .bearer_auth(&admin.access_token)
        .json(&json!({ "email": email, "display_name": format!("Test {role}"), "role": role }))
        .send()
        .await
        .expect("create user");
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("created user");
    let temporary = created["temporary_password"].as_str().unwrap_or_default().to_owned();
    let first = login(&email, &temporary).await;
    let res = client()
        .post(format!("{}/api/auth/me/password", base_url()))
        .bearer_auth(&first.access_token)
        .json(&json!({ "current_password": temporary, "new_password": "Own-password-42" }))
        .send()
        .await
        .expect("change password");
    assert_eq!(res.status(), StatusCode::OK);
    login(&email, "Own-password-42").await
}

fn rand_suffix() -> u16 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    (nanos % 1000) as u16
}

/// Uploads may be large: a longer time limit than `client()`'s.
fn upload_client() -> Client {
    Client::builder().timeout(Duration::from_secs(600)).build().expect("http client")
}

/// The head of a one-file multipart body (field `files`), for streamed uploads.
pub fn multipart_head(boundary: &str, name: &str) -> Vec<u8> {
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes()
}

/// The end of that body.
pub fn multipart_tail(boundary: &str) -> Vec<u8> {
    format!("\r\n--{boundary}--\r\n").into_bytes()
}

/// Uploads `bytes` as a file named `name`.
pub async fn upload(session: &Session, name: &str, bytes: &[u8]) -> reqwest::Response {
    let boundary = "gamme-e2e-boundary";
    let mut body = multipart_head(boundary, name);
    body.extend_from_slice(bytes);
    body.extend_from_slice(&multipart_tail(boundary));
    upload_client()
        .post(format!("{}/api/files", base_url()))
        .bearer_auth(&session.access_token)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("upload request")
}

/// Uploads and answers the stored file's metadata (the upload must succeed).
pub async fn uploaded(session: &Session, name: &str, bytes: &[u8]) -> Value {
    let res = upload(session, name, bytes).await;
    assert_eq!(res.status(), StatusCode::CREATED, "upload of {name}");
    let body: Value = res.json().await.expect("upload answer");
    body["files"][0].clone()
}
