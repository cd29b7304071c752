//! The auth service through HTTP, against real Postgres and RabbitMQ.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use diesel::prelude::*;
use gamme_db::schema::{signing_keys, users};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};
use support::{problem, spawn_app, spawn_app_with, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn setup_is_needed_once_and_a_second_setup_answers_409() {
    let app = spawn_app().await;
    let status: Value = app.client.get(app.url("/api/auth/setup")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["needed"], true);
    let admin = app.setup_admin().await;
    assert_eq!(admin.body["user"]["role"], "admin");
    assert!(admin.body["user"]["last_login_at"].is_string(), "setting up signs the admin in");
    assert_eq!(admin.body["token_type"], "Bearer");

    let again = app
        .post_json(
            "/api/auth/setup",
            &json!({ "email": "other@usine.test", "password": "Another-pass-1", "display_name": "X" }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(problem(again).await["code"], "already_set_up");
    let status: Value = app.client.get(app.url("/api/auth/setup")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["needed"], false);
}

#[tokio::test]
async fn refresh_cookie_is_http_only_strict_and_scoped_to_auth() {
    let app = spawn_app().await;
    let res = app
        .post_json("/api/auth/setup", &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "display_name": "A" }))
        .await;
    let cookie = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/api/auth"), "{cookie}");
    let body: Value = res.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "the refresh token never reaches JavaScript");
}

#[tokio::test]
async fn sign_in_ignores_email_case_and_me_answers_who_i_am() {
    let app = spawn_app().await;
    app.setup_admin().await;
    let res = app.login("ADMIN@Usine.Test", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let session = support::TestApp::session(res).await;
    let me: Value = app
        .client
        .get(app.url("/api/auth/me"))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert!(me["last_login_at"].is_string());
}

#[tokio::test]
async fn a_replayed_refresh_token_revokes_its_whole_family() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let first = app.refresh(&admin.cookie).await;
    assert_eq!(first.status(), StatusCode::OK);
    let rotated = support::refresh_cookie(&first).unwrap();
    assert_ne!(rotated, admin.cookie);

    // The old token again: stolen or replayed. Refused, and the family dies with it.
    let replay = app.refresh(&admin.cookie).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(replay).await["code"], "invalid_refresh_token");
    let legit = app.refresh(&rotated).await;
    assert_eq!(legit.status(), StatusCode::UNAUTHORIZED, "the newest token of the family is revoked too");

    // Another sign-in is a separate family and still works.
    let other = support::TestApp::session(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    assert_eq!(app.refresh(&other.cookie).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_revokes_the_refresh_token_and_clears_the_cookie() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let res = app.client.post(app.url("/api/auth/logout")).header(header::COOKIE, &admin.cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // What the browser cached (procedures kept for revalidation) goes with the session.
    assert_eq!(res.headers().get("clear-site-data").unwrap(), "\"cache\"");
    let cleared = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.starts_with("gamme_refresh=;"), "{cleared}");
    assert_eq!(app.refresh(&admin.cookie).await.status(), StatusCode::UNAUTHORIZED);
    // Without a cookie it is still 204: signing out twice is not an error.
    let again = app.client.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_technician_cannot_list_or_create_users() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let tech = app.user(&admin, "tech@usine.test", "technician").await;
    let res = app.client.get(app.url("/api/auth/users")).bearer_auth(&tech.access_token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(res).await["code"], "forbidden");
    let res = app
        .client
        .post(app.url("/api/auth/users"))
        .bearer_auth(&tech.access_token)
        .json(&json!({ "email": "x@usine.test", "display_name": "X", "role": "admin" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let list: Value = app
        .client
        .get(app.url("/api/auth/users"))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "the technician's attempt created nobody");
}

#[tokio::test]
async fn no_token_answers_401_problem() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/auth/users")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(header::WWW_AUTHENTICATE).is_some());
    assert_eq!(problem(res).await["code"], "missing_token");
}

#[tokio::test]
async fn the_sixth_failed_login_in_a_row_answers_429_with_retry_after() {
    let app = spawn_app().await;
    app.setup_admin().await;
    for attempt in 1..=5 {
        let res = app.login(ADMIN_EMAIL, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(problem(res).await["code"], "invalid_credentials");
    }
    // Even the right password is refused while the account is locked.
    let res = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers().get(header::RETRY_AFTER).unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(problem(res).await["code"], "too_many_attempts");
}

#[tokio::test]
async fn failed_logins_from_one_address_are_limited_across_accounts() {
    let app = spawn_app_with(|env| {
        env.set("GAMME_LOGIN_MAX_FAILURES_PER_ADDRESS", "3");
    })
    .await;
    app.setup_admin().await;
    for i in 0..3 {
        let res = app.login(&format!("nobody{i}@usine.test"), "whatever-123").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn malformed_json_and_unknown_fields_answer_400_problem_and_change_nothing() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/auth/setup"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"email\": \"a@b.fr\", ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(res).await["code"], "invalid_json");

    let res = app
        .post_json(
            "/api/auth/setup",
            &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "display_name": "A", "role": "viewer" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = problem(res).await;
    assert_eq!(body["code"], "invalid_body");
    assert!(body["detail"].as_str().unwrap().contains("unknown field `role`"), "{body}");

    let res = app
        .post_json("/api/auth/setup", &json!({ "email": ADMIN_EMAIL, "password": "short", "display_name": "A" }))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(res).await["code"], "validation_failed");

    let mut conn = app.db.connect();
    let count: i64 = users::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_stored_hash_is_argon2id_with_at_least_owasp_parameters() {
    let app = spawn_app().await;
    app.setup_admin().await;
    let mut conn = app.db.connect();
    let hash: String = users::table.select(users::password_hash).first(&mut conn).unwrap();
    let parts: Vec<&str> = hash.split('$').collect();
    assert_eq!(parts[1], "argon2id");
    let params: std::collections::HashMap<&str, u32> =
        parts[3].split(',').map(|kv| kv.split_once('=').unwrap()).map(|(k, v)| (k, v.parse().unwrap())).collect();
    assert!(params["m"] >= 19456, "{hash}");
    assert!(params["t"] >= 2, "{hash}");
    assert!(!hash.contains(ADMIN_PASSWORD));
}

/// Signs `claims` with the service's real private key, read from the database.
fn sign_with_real_key(app: &support::TestApp, claims: &Value) -> String {
    let mut conn = app.db.connect();
    let (kid, der): (String, Vec<u8>) =
        signing_keys::table.select((signing_keys::kid, signing_keys::private_key)).first(&mut conn).unwrap();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&der)).unwrap()
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn another_service_accepts_a_real_token_and_refuses_forged_ones() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    // A valid token passes authentication: the procedures service lists its procedures.
    assert_eq!(app.other_service_status(&admin.access_token).await, StatusCode::OK);

    let claims = claims_of(&admin.access_token);
    let kid = jsonwebtoken::decode_header(&admin.access_token).unwrap().kid.unwrap();

    // alg: none
    let none_header = URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": kid }).to_string());
    let none_token = format!("{none_header}.{}.", URL_SAFE_NO_PAD.encode(claims.to_string()));
    assert_eq!(app.other_service_status(&none_token).await, StatusCode::UNAUTHORIZED, "alg none");

    // HS256 with the public key as the HMAC secret (the classic key-confusion attack).
    let jwks: Value = app.client.get(app.url("/api/auth/jwks.json")).send().await.unwrap().json().await.unwrap();
    let public_x = jwks["keys"][0]["x"].as_str().unwrap().to_owned();
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    for secret in [public_x.as_bytes().to_vec(), URL_SAFE_NO_PAD.decode(&public_x).unwrap()] {
        let hs = jsonwebtoken::encode(&hs_header, &claims, &EncodingKey::from_secret(&secret)).unwrap();
        assert_eq!(app.other_service_status(&hs).await, StatusCode::UNAUTHORIZED, "HS256 with the public key");
    }

    let now = chrono::Utc::now().timestamp();
    for (what, field, value) in [
        ("another audience", "aud", json!("someone-else")),
        ("another issuer", "iss", json!("https://evil.example")),
        ("expired", "exp", json!(now - 3600)),
    ] {
        let mut forged = claims.clone();
        forged[field] = value;
        if field == "exp" {
            forged["iat"] = json!(now - 7200);
            forged["nbf"] = json!(now - 7200);
        }
        let token = sign_with_real_key(&app, &forged);
        assert_eq!(app.other_service_status(&token).await, StatusCode::UNAUTHORIZED, "{what}");
    }

    // A tampered payload with the original signature.
    let parts: Vec<&str> = admin.access_token.split('.').collect();
    let mut elevated = claims.clone();
    elevated["sub"] = json!(uuid::Uuid::nil());
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(elevated.to_string()), parts[2]);
    assert_eq!(app.other_service_status(&tampered).await, StatusCode::UNAUTHORIZED, "tampered");

    // No token at all.
    let url = format!("{}/api/procedures", app.other_service.as_deref().unwrap());
    assert_eq!(app.client.get(url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_deactivated_users_token_is_refused_by_another_service_at_once() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let editor = app.user(&admin, "editor@usine.test", "editor").await;
    assert_eq!(app.other_service_status(&editor.access_token).await, StatusCode::OK);

    let id = editor.body["user"]["id"].as_str().unwrap();
    let res = app
        .client
        .patch(app.url(&format!("/api/auth/users/{id}")))
        .bearer_auth(&admin.access_token)
        .json(&json!({ "is_active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // The access token has not expired, yet it is refused everywhere, and the session is gone.
    // The other service keeps users in memory: it refuses once it hears `user.updated`
    // (milliseconds; its cache would keep the user 30 s without the event).
    let started = std::time::Instant::now();
    while app.other_service_status(&editor.access_token).await != StatusCode::UNAUTHORIZED {
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "the other service never heard");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    println!("refused by the other service after {:?}", started.elapsed());
    assert_eq!(app.refresh(&editor.cookie).await.status(), StatusCode::UNAUTHORIZED);
    let res = app.login("editor@usine.test", "Own-password-42").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(res).await["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let id = admin.body["user"]["id"].as_str().unwrap().to_owned();
    for change in [json!({ "is_active": false }), json!({ "role": "editor" })] {
        let res = app
            .client
            .patch(app.url(&format!("/api/auth/users/{id}")))
            .bearer_auth(&admin.access_token)
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(problem(res).await["code"], "last_admin");
    }
}

#[tokio::test]
async fn a_duplicate_email_in_another_case_answers_409() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let res = app
        .client
        .post(app.url("/api/auth/users"))
        .bearer_auth(&admin.access_token)
        .json(&json!({ "email": "Admin@USINE.test", "display_name": "Twin", "role": "viewer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(problem(res).await["code"], "email_taken");
}

#[tokio::test]
async fn changing_my_password_ends_my_other_sessions() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let tablet = support::TestApp::session(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    let wrong = app
        .client
        .post(app.url("/api/auth/me/password"))
        .bearer_auth(&admin.access_token)
        .json(&json!({ "current_password": "not-it-at-all", "new_password": "Brand-new-pass-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(wrong).await["code"], "invalid_credentials");
    let res = app
        .client
        .post(app.url("/api/auth/me/password"))
        .bearer_auth(&admin.access_token)
        .json(&json!({ "current_password": ADMIN_PASSWORD, "new_password": "Brand-new-pass-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.refresh(&tablet.cookie).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login(ADMIN_EMAIL, "Brand-new-pass-1").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn admin_from_environment_is_created_at_start() {
    let app = spawn_app_with(|env| {
        env.set("GAMME_ADMIN_EMAIL", "Boss@Usine.test").set("GAMME_ADMIN_PASSWORD", "Boss-password-1");
    })
    .await;
    let status: Value = app.client.get(app.url("/api/auth/setup")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["needed"], false);
    assert_eq!(app.login("boss@usine.test", "Boss-password-1").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi_answer() {
    let app = spawn_app().await;
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["checks"]["database"], "ok");
    assert_eq!(ready["checks"]["broker"], "ok");
    let _ = app.client.get(app.url("/api/auth/setup")).send().await.unwrap();
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("gamme_http_requests_total"), "{metrics}");
    let doc: Value = app.client.get(app.url("/api/auth/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/auth/login"]["post"].is_object());
    let res = app.client.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(res).await["code"], "not_found");
}

#[tokio::test]
async fn creating_a_user_publishes_an_event_through_the_outbox() {
    use gamme_db::schema::outbox;
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    app.user(&admin, "viewer@usine.test", "viewer").await;
    let mut conn = app.db.connect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let rows: Vec<(String, Option<chrono::DateTime<chrono::Utc>>)> =
            outbox::table.select((outbox::message_type, outbox::published_at)).load(&mut conn).unwrap();
        let created = rows.iter().filter(|(t, _)| t == "user.created").count();
        if created == 2 && rows.iter().all(|(_, p)| p.is_some()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "outbox not relayed: {rows:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[test]
fn the_committed_openapi_document_is_current() {
    gamme_service_kit::openapi::assert_committed("auth", &gamme_auth::openapi::document());
}

/// An account `admin` creates, and its temporary password.
async fn created_with_temporary_password(app: &support::TestApp, admin: &support::Session, email: &str) -> String {
    let res = app
        .client
        .post(app.url("/api/auth/users"))
        .bearer_auth(&admin.access_token)
        .json(&json!({ "email": email, "display_name": email, "role": "technician" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    created["temporary_password"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_pending_password_change_answers_403_everywhere_but_me_and_the_change() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let temporary = created_with_temporary_password(&app, &admin, "new@usine.test").await;
    let first = support::TestApp::session(app.login("new@usine.test", &temporary).await).await;
    // Another service refuses the token while the change is pending…
    let url = format!("{}/api/procedures", app.other_service.as_deref().unwrap());
    let res = app.client.get(&url).bearer_auth(&first.access_token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(res).await["code"], "password_change_required");
    let res = app.client.get(app.url("/api/auth/users")).bearer_auth(&first.access_token).send().await.unwrap();
    assert_eq!(problem(res).await["code"], "password_change_required");
    // …but `me` answers, and refresh works (the UI renews its token while the person types).
    let me = app.client.get(app.url("/api/auth/me")).bearer_auth(&first.access_token).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.json::<Value>().await.unwrap()["must_change_password"], true);
    let renewed = support::TestApp::session(app.refresh(&first.cookie).await).await;
    // A wrong current password is refused before the new one is judged: its rules stay unsaid.
    let res = app
        .client
        .post(app.url("/api/auth/me/password"))
        .bearer_auth(&renewed.access_token)
        .json(&json!({ "current_password": "not-the-temporary-one", "new_password": "Password123" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(res).await["code"], "invalid_credentials");
    // A common password is refused as the new one.
    let res = app
        .client
        .post(app.url("/api/auth/me/password"))
        .bearer_auth(&renewed.access_token)
        .json(&json!({ "current_password": temporary, "new_password": "Password123" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(problem(res).await["detail"].as_str().unwrap().contains("common"));
    let res = app
        .client
        .post(app.url("/api/auth/me/password"))
        .bearer_auth(&renewed.access_token)
        .json(&json!({ "current_password": temporary, "new_password": "Own-password-42" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let changed = support::TestApp::session(res).await;
    // The change applies at once.
    assert_eq!(app.other_service_status(&changed.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn an_expired_temporary_password_no_longer_signs_in() {
    // A setting of 0 hours: every temporary password is expired as soon as it is made.
    let app = spawn_app_with(|env| {
        env.set("GAMME_TEMPORARY_PASSWORD_TTL_HOURS", "0");
    })
    .await;
    let admin = app.setup_admin().await;
    let temporary = created_with_temporary_password(&app, &admin, "late@usine.test").await;
    let res = app.login("late@usine.test", &temporary).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(res).await["code"], "temporary_password_expired");
    // A wrong password still says only `invalid_credentials`.
    let res = app.login("late@usine.test", "Not-the-temporary-1").await;
    assert_eq!(problem(res).await["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_default_temporary_password_lasts_72_hours() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    created_with_temporary_password(&app, &admin, "ttl@usine.test").await;
    let hours: f64 = diesel::sql_query(
        "SELECT EXTRACT(EPOCH FROM temporary_password_expires_at - created_at)::float8 / 3600 AS h \
         FROM users WHERE email = 'ttl@usine.test'",
    )
    .get_result::<Hours>(&mut app.db.connect())
    .unwrap()
    .h;
    assert!((71.9..=72.1).contains(&hours), "{hours}");
}

#[derive(QueryableByName)]
struct Hours {
    #[diesel(sql_type = diesel::sql_types::Double)]
    h: f64,
}

#[tokio::test]
async fn twenty_parallel_wrong_passwords_check_at_most_the_limit() {
    let app = spawn_app().await;
    app.setup_admin().await;
    let before = gamme_auth::passwords::checks_made();
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (client, url) = (app.client.clone(), app.url("/api/auth/login"));
        guesses.spawn(async move {
            let body = json!({ "email": ADMIN_EMAIL, "password": format!("wrong-guess-{i}") });
            client.post(url).json(&body).send().await.unwrap().status()
        });
    }
    let statuses = guesses.join_all().await;
    let checked = gamme_auth::passwords::checks_made() - before;
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert!(checked <= 5, "{checked} passwords were checked for a limit of 5: {statuses:?}");
    assert_eq!(u64::try_from(wrong).unwrap(), checked, "{statuses:?}");
    assert_eq!(wrong + refused, 20, "{statuses:?}");
    let recorded: i64 = diesel::sql_query(
        "SELECT failures::bigint AS n FROM login_throttle WHERE scope_key LIKE 'account:admin@usine.test|%'",
    )
    .get_result::<N>(&mut app.db.connect())
    .unwrap()
    .n;
    assert_eq!(recorded, 5, "attempts past the limit are refused uncounted");
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test]
async fn guessing_from_one_address_does_not_lock_the_account_out_elsewhere() {
    let app = spawn_app_with(|env| {
        env.set("GAMME_TRUSTED_PROXIES", "127.0.0.1/32");
    })
    .await;
    app.setup_admin().await;
    let login_from = |address: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/auth/login"))
                .header("X-Forwarded-For", address)
                .json(&json!({ "email": ADMIN_EMAIL, "password": password }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(login_from("203.0.113.9", "wrong-password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_from("203.0.113.9", ADMIN_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login_from("198.51.100.7", ADMIN_PASSWORD).await, StatusCode::OK, "the admin at their own desk");
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = spawn_app().await;
    app.setup_admin().await;
    // A new X-Forwarded-For each time: without trusted proxies it is not believed.
    for i in 0..5 {
        let res = app
            .client
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", format!("203.0.113.{i}"))
            .json(&json!({ "email": ADMIN_EMAIL, "password": "wrong-password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", "203.0.113.99")
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn password_changes_are_throttled_per_account() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let change = |current: &'static str| {
        let (app, token) = (&app, admin.access_token.clone());
        async move {
            app.client
                .post(app.url("/api/auth/me/password"))
                .bearer_auth(token)
                .json(&json!({ "current_password": current, "new_password": "Brand-new-pass-1" }))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        assert_eq!(change("not-it-at-all").await.status(), StatusCode::UNAUTHORIZED);
    }
    let res = change(ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get(header::RETRY_AFTER).is_some());
}

#[tokio::test]
async fn a_refresh_keeps_the_sign_in_time_and_reauthenticating_renews_it() {
    let app = spawn_app().await;
    let admin = app.setup_admin().await;
    let signed_in_at = claims_of(&admin.access_token)["auth_time"].as_i64().unwrap();
    assert!((chrono::Utc::now().timestamp() - signed_in_at).abs() < 60, "auth_time is the sign-in");
    // Make the sign-in an hour old: a refresh continues it, it does not prove the password again.
    diesel::sql_query("UPDATE refresh_tokens SET authenticated_at = now() - interval '1 hour'")
        .execute(&mut app.db.connect())
        .unwrap();
    let renewed = support::TestApp::session(app.refresh(&admin.cookie).await).await;
    let renewed_at = claims_of(&renewed.access_token)["auth_time"].as_i64().unwrap();
    assert!(chrono::Utc::now().timestamp() - renewed_at >= 3600 - 5, "the refresh kept the sign-in's time");

    let reauthenticate = |password: &'static str| {
        let (app, token) = (&app, renewed.access_token.clone());
        async move {
            app.client
                .post(app.url("/api/auth/reauthenticate"))
                .bearer_auth(token)
                .json(&json!({ "password": password }))
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = reauthenticate("not-my-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(wrong).await["code"], "invalid_credentials");
    let res = reauthenticate(ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(support::refresh_cookie(&res).is_none(), "the refresh cookie stays as it is");
    let body: Value = res.json().await.unwrap();
    let confirmed = claims_of(body["access_token"].as_str().unwrap());
    assert!((chrono::Utc::now().timestamp() - confirmed["auth_time"].as_i64().unwrap()).abs() < 60);
    assert_eq!(confirmed["sub"], admin.body["user"]["id"]);
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);

    // Without a token there is nothing to confirm; wrong guesses count with password changes.
    let anonymous = app.post_json("/api/auth/reauthenticate", &json!({ "password": ADMIN_PASSWORD })).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for _ in 0..5 {
        assert_eq!(reauthenticate("still-not-it").await.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = reauthenticate(ADMIN_PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}
