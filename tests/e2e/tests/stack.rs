//! The whole stack through nginx, as a browser or a script reaches it.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use gamme_e2e::{admin, base_url, client, send_patiently, user_with_role};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn sign_in_through_nginx_and_every_service_checks_the_token() {
    let admin = admin().await;
    let me = client().get(format!("{}/api/auth/me", base_url())).bearer_auth(&admin.access_token).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["role"], "admin");

    for path in ["/api/procedures", "/api/assets", "/api/runs", "/api/files", "/api/ai/jobs", "/api/work/orders"] {
        let anonymous = client().get(format!("{}{path}", base_url())).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path} without a token");
        let problem: Value = anonymous.json().await.unwrap();
        assert_eq!(problem["code"], "missing_token", "{path}");
        let signed_in =
            client().get(format!("{}{path}", base_url())).bearer_auth(&admin.access_token).send().await.unwrap();
        assert_eq!(signed_in.status(), StatusCode::OK, "{path} with a token");
    }
}

#[tokio::test]
async fn a_deactivated_technician_is_refused_by_the_procedures_service() {
    let admin = admin().await;
    let tech = user_with_role(&admin, "technician").await;
    let users =
        client().get(format!("{}/api/auth/users", base_url())).bearer_auth(&tech.access_token).send().await.unwrap();
    assert_eq!(users.status(), StatusCode::FORBIDDEN);

    let id = tech.user["id"].as_str().unwrap();
    let res = client()
        .patch(format!("{}/api/auth/users/{id}", base_url()))
        .bearer_auth(&admin.access_token)
        .json(&serde_json::json!({ "is_active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res =
        client().get(format!("{}/api/procedures", base_url())).bearer_auth(&tech.access_token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn nginx_gives_request_ids_and_security_headers_and_hides_internals() {
    let res = send_patiently(|| client().get(format!("{}/api/auth/setup", base_url()))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let id = res.headers().get("x-request-id").expect("a request id").to_str().unwrap().to_owned();
    assert!(id.len() >= 16, "{id}");
    assert_eq!(res.headers().get("x-content-type-options").unwrap(), "nosniff");
    assert!(res.headers().get("server").is_none_or(|s| !s.to_str().unwrap_or("").contains('/')), "no version");

    let res = send_patiently(|| {
        client().get(format!("{}/api/auth/setup", base_url())).header("x-request-id", "e2e-fixed-request-id-123")
    })
    .await;
    assert_eq!(res.headers().get("x-request-id").unwrap(), "e2e-fixed-request-id-123");

    for internal in ["/metrics", "/readyz", "/healthz"] {
        let res = client().get(format!("{}{internal}", base_url())).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{internal} is not routed through nginx");
    }

    let page = client().get(format!("{}/admin/users", base_url())).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "deep links fall back to the web UI");
    assert!(page.headers().get("content-security-policy").is_some());
    assert!(page.text().await.unwrap().contains("<div id=\"root\""));
}

#[tokio::test]
async fn the_web_ui_is_revalidated_its_hashed_files_cached_for_good_and_every_page_deep_links() {
    let index = client().get(format!("{}/", base_url())).send().await.unwrap();
    assert_eq!(index.headers().get("cache-control").unwrap(), "no-cache");
    let html = index.text().await.unwrap();
    let script = html
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|s| s.starts_with("/static/") && s.ends_with(".js"))
        .expect("index.html loads a hashed script from /static/")
        .to_owned();
    let res = client().get(format!("{}{script}", base_url())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("cache-control").unwrap(), "public, max-age=31536000, immutable");
    assert!(res.headers().get("content-type").unwrap().to_str().unwrap().contains("javascript"));

    let missing = client().get(format!("{}/static/gone-0000.js", base_url())).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND, "a missing hashed file is not index.html");

    // The app's own pages, /assets/… (equipment) included, all load the app.
    for page in ["/assets/0190b1e2-0000-7000-8000-000000000000", "/procedures/new", "/runs/x", "/assistant"] {
        let res = client().get(format!("{}{page}", base_url())).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        assert!(res.text().await.unwrap().contains("<div id=\"root\""), "{page}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_by_nginx_with_a_problem() {
    let big = "x".repeat(2 * 1024 * 1024);
    let res = client()
        .post(format!("{}/api/auth/login", base_url()))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
