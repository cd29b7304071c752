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

pub async fn login(email: &str, password: &str) -> Session {
    let res = client()
        .post(format!("{}/api/auth/login", base_url()))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("login request");
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
    let status: Value = client()
        .get(format!("{}/api/auth/setup", base_url()))
        .send()
        .await
        .expect("setup status")
        .json()
        .await
        .expect("setup status body");
    if status["needed"] == true {
        let res = client()
            .post(format!("{}/api/auth/setup", base_url()))
            .json(&json!({ "email": email, "password": password, "display_name": "Admin" }))
            .send()
            .await
            .expect("setup");
        assert_eq!(res.status(), StatusCode::CREATED);
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
