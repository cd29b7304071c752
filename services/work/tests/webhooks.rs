//! Webhooks through HTTP, against real Postgres and RabbitMQ and real HTTP receivers on loopback.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::time::{Duration, Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use gamme_auth_token::Role;
use gamme_bus::Event;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{expect, problem, spawn_app_with, Received, Receiver, TestApp};
use uuid::Uuid;

const FAST_RETRIES: &[(&str, &str)] = &[("GAMME_WEBHOOK_RETRY_BASE_MS", "300")];

async fn register(app: &TestApp, url: &str, events: &[&str]) -> Value {
    let body = json!({ "url": url, "description": "ERP de l'usine", "event_types": events });
    expect(app.post("/api/work/webhooks", &app.admin, &body).await, StatusCode::CREATED).await
}

/// Checks a request as a receiver following the Standard Webhooks spec would, with its own
/// HMAC: the signature over `{id}.{timestamp}.{body}`, a fresh timestamp, the id in the body.
fn verify(secret: &str, got: &Received) -> Value {
    let id = &got.headers["webhook-id"];
    let timestamp: i64 = got.headers["webhook-timestamp"].parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60, "the timestamp is the try's");
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let sent = got.headers["webhook-signature"].strip_prefix("v1,").expect("a v1 signature");
    ring::hmac::verify(&key, format!("{id}.{timestamp}.{}", got.body).as_bytes(), &STANDARD.decode(sent).unwrap())
        .expect("the signature is valid");
    let body: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(body["id"].as_str(), Some(id.as_str()));
    body
}

#[tokio::test]
async fn deliveries_are_signed_retried_after_failures_and_a_slow_receiver_delays_nothing_else() {
    let app = spawn_app_with(FAST_RETRIES).await;
    let tree = app.tree("W");
    let editor = app.user("Emilie", Role::Editor);
    // `failing` (cancellations only) answers 500 twice, then 200; `slow` takes 6 s per answer; `quick` answers at once.
    let failing = Receiver::start(&[(500, Duration::ZERO), (500, Duration::ZERO), (200, Duration::ZERO)]).await;
    let slow = Receiver::start(&[(200, Duration::from_secs(6))]).await;
    let quick = Receiver::start(&[(204, Duration::ZERO)]).await;
    let failing_hook = register(&app, &failing.url, &["work_order.cancelled"]).await;
    let slow_hook = register(&app, &slow.url, &["work_order.*"]).await;
    let quick_hook = register(&app, &quick.url, &["work_order.created", "work_order.cancelled"]).await;
    let secret = quick_hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && STANDARD.decode(&secret[6..]).unwrap().len() == 24);

    let order = json!({ "title": "Contrôler l'accouplement", "asset_id": tree.equipment });
    let first = expect(app.post("/api/work/orders", &editor, &order).await, StatusCode::CREATED).await;
    let got = quick.until(1).await;
    let body = verify(secret, &got[0]);
    assert_eq!(body["type"], "work_order.created");
    assert_eq!(body["data"]["order"]["id"], first["id"]);
    assert_eq!(body["data"]["order"]["title"], "Contrôler l'accouplement");

    // While the slow receiver holds its first request, a second order reaches the quick one.
    let slow_first = slow.until(1).await[0].at;
    let second = expect(app.post("/api/work/orders", &editor, &order).await, StatusCode::CREATED).await;
    let cancel = json!({ "reason": "doublon" });
    let path = format!("/api/work/orders/{}/cancel", second["id"].as_str().unwrap());
    expect(app.post(&path, &editor, &cancel).await, StatusCode::OK).await;
    let got = quick.until(3).await;
    assert!(got[2].at < slow_first + Duration::from_secs(6), "the quick receiver waited for the slow one");
    let mut kinds: Vec<String> = got.iter().map(|r| verify(secret, r)["type"].as_str().unwrap().to_owned()).collect();
    kinds.sort();
    assert_eq!(kinds, ["work_order.cancelled", "work_order.created", "work_order.created"]);
    // The slow endpoint gets one request at a time, and all of its events in the end.
    assert_eq!(slow.received().len(), 1, "a second request to the slow receiver while the first is unanswered");
    let slow_got = slow.until(3).await;
    assert!(slow_got[1].at >= slow_first + Duration::from_secs(6));

    // The failing receiver: two 500s, then the third try delivers, with the same id and body.
    let tries = failing.until(3).await;
    let failing_secret = failing_hook["secret"].as_str().unwrap();
    for t in &tries {
        verify(failing_secret, t);
    }
    assert_eq!(tries[0].headers["webhook-id"], tries[2].headers["webhook-id"]);
    assert_eq!(tries[0].body, tries[2].body);
    assert!(tries[1].at - tries[0].at >= Duration::from_millis(250), "the retry waited its backoff");
    let deliveries = format!("/api/work/webhooks/{}/deliveries", failing_hook["id"].as_str().unwrap());
    let delivered = until_settled(&app, &deliveries, 1).await;
    let of_first = delivered.iter().find(|d| d["message_id"] == tries[0].headers["webhook-id"].as_str()).unwrap();
    assert_eq!(of_first["state"], "delivered");
    assert_eq!(of_first["attempts"], 3);
    assert_eq!(of_first["last_status"], 200);
    assert_eq!(of_first["last_response"], "answer 2");
    // Lists never show a secret.
    let list = app.get_ok("/api/work/webhooks", &app.admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert!(!list.to_string().contains("whsec_"), "a secret in the list: {list}");
    let slow_view = app.get_ok(&format!("/api/work/webhooks/{}", slow_hook["id"].as_str().unwrap()), &app.admin).await;
    assert!(slow_view.get("secret").is_none());
}

/// The deliveries of a webhook once `n` of them are settled (delivered or failed).
async fn until_settled(app: &TestApp, path: &str, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page = app.get_ok(path, &app.admin).await;
        let items = page["items"].as_array().unwrap().clone();
        if items.iter().filter(|d| d["state"] != "pending").count() >= n {
            return items;
        }
        assert!(Instant::now() < deadline, "deliveries not settled: {page:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn events_of_other_services_reach_webhooks_once_and_a_dead_receiver_is_given_up_after_a_day() {
    let app = spawn_app_with(FAST_RETRIES).await;
    let receiver = Receiver::start(&[(200, Duration::ZERO)]).await;
    let hook = register(&app, &receiver.url, &["procedure.published", "run.completed"]).await;
    let published = Event::ProcedurePublished {
        procedure_id: Uuid::now_v7(),
        revision_id: Uuid::now_v7(),
        number: 2,
        code: "MAINT-001".into(),
        title: "Vidange du compresseur".into(),
        superseded_revision_id: None,
    };
    app.publish(published.clone());
    let got = receiver.until(1).await;
    let body = verify(hook["secret"].as_str().unwrap(), &got[0]);
    assert_eq!(body["type"], "procedure.published");
    assert_eq!(body["data"]["code"], "MAINT-001");
    // Events it did not ask for are not sent.
    app.publish(Event::ProcedureChanged { procedure_id: Uuid::now_v7() });

    // An endpoint nobody answers at: its deliveries are given up once a day has passed since the
    // event (here the event is made a day old), with the reason kept.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = register(&app, &format!("http://127.0.0.1:{port}/hook"), &["procedure.published"]).await;
    app.publish(published);
    let dead_id = dead["id"].as_str().unwrap();
    let tried =
        format!("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = '{dead_id}' AND attempts >= 1");
    app.until_count(&tried, 1).await;
    app.execute(&format!(
        "UPDATE webhook_deliveries SET created_at = now() - interval '1 day' WHERE endpoint_id = '{dead_id}'"
    ));
    let failed =
        format!("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = '{dead_id}' AND state = 'failed'");
    assert_eq!(app.until_count(&failed, 1).await, 1);
    let page = app.get_ok(&format!("/api/work/webhooks/{dead_id}/deliveries?state=failed"), &app.admin).await;
    assert_eq!(page["items"][0]["last_error"], "could not connect to the receiver");
    assert!(page["items"][0]["last_status"].is_null());
    assert_eq!(app.get_ok(&format!("/api/work/webhooks/{dead_id}"), &app.admin).await["failed"], 1);
    // The first receiver got the second event too, and nothing else: one request per event.
    receiver.until(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2);
    // An admin sends the given-up delivery again: it is pending with a new day of retries.
    let delivery = page["items"][0]["id"].as_str().unwrap();
    let path = format!("/api/work/webhooks/{dead_id}/deliveries/{delivery}/retry");
    let again = expect(app.post(&path, &app.admin, &json!({})).await, StatusCode::OK).await;
    assert_eq!(again["state"], "pending");
    assert_eq!(again["attempts"], 0);
}

#[tokio::test]
async fn only_admins_manage_webhooks_and_bad_input_changes_nothing() {
    let app = spawn_app_with(&[]).await;
    let receiver = Receiver::start(&[(200, Duration::ZERO)]).await;
    let good = json!({ "url": receiver.url, "event_types": ["run.completed"] });
    for role in [Role::Editor, Role::Technician, Role::Viewer] {
        let user = app.user(&format!("{role:?}"), role);
        problem(app.post("/api/work/webhooks", &user, &good).await, StatusCode::FORBIDDEN).await;
        problem(app.get("/api/work/webhooks", &user).await, StatusCode::FORBIDDEN).await;
    }
    for (body, field) in [
        (json!({ "url": "ftp://erp.usine.test/hook", "event_types": ["run.completed"] }), "url"),
        (json!({ "url": "https://jean:secret@erp.usine.test/hook", "event_types": ["run.completed"] }), "url"),
        (json!({ "url": "pas une adresse", "event_types": ["run.completed"] }), "url"),
        (json!({ "url": receiver.url, "event_types": [] }), "event_types"),
        (json!({ "url": receiver.url, "event_types": ["user.created"] }), "event_types"),
    ] {
        let p = problem(app.post("/api/work/webhooks", &app.admin, &body).await, StatusCode::BAD_REQUEST).await;
        assert!(p["errors"][field].is_array(), "{field} named in {p}");
    }
    let unknown = json!({ "url": receiver.url, "event_types": ["run.completed"], "secret": "mine" });
    problem(app.post("/api/work/webhooks", &app.admin, &unknown).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(app.count("SELECT count(*) AS n FROM webhook_endpoints"), 0);

    let hook = expect(app.post("/api/work/webhooks", &app.admin, &good).await, StatusCode::CREATED).await;
    let path = format!("/api/work/webhooks/{}", hook["id"].as_str().unwrap());
    let paused = expect(app.patch(&path, &app.admin, &json!({ "active": false })).await, StatusCode::OK).await;
    assert_eq!(paused["active"], false);
    problem(app.patch(&path, &app.admin, &json!({ "url": "mailto:x@y.z" })).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(app.get_ok(&path, &app.admin).await["url"], receiver.url);
    let res = app.call(reqwest::Method::DELETE, &path, &app.admin, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    problem(app.get(&path, &app.admin).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_webhook_to_this_machine_is_refused_by_address_and_by_name_and_the_receiver_gets_nothing() {
    // As in production: loopback is refused (development turns it on for receivers beside the stack).
    let app =
        spawn_app_with(&[("GAMME_WEBHOOK_RETRY_BASE_MS", "300"), ("GAMME_WEBHOOK_ALLOW_LOOPBACK", "false")]).await;
    let tree = app.tree("L");
    let editor = app.user("Emilie", Role::Editor);
    let receiver = Receiver::start(&[(200, Duration::ZERO)]).await;
    let by_address = register(&app, &receiver.url, &["work_order.created"]).await;
    let by_name = register(&app, &receiver.url.replace("127.0.0.1", "localhost"), &["work_order.created"]).await;
    let order = json!({ "title": "Contrôler l'accouplement", "asset_id": tree.equipment });
    expect(app.post("/api/work/orders", &editor, &order).await, StatusCode::CREATED).await;

    for (hook, named) in [(&by_address, "127.0.0.1"), (&by_name, "localhost")] {
        let path = format!("/api/work/webhooks/{}/deliveries", hook["id"].as_str().unwrap());
        let deadline = Instant::now() + Duration::from_secs(30);
        let tried = loop {
            let page = app.get_ok(&path, &app.admin).await;
            let items = page["items"].as_array().unwrap().clone();
            if items.iter().any(|d| d["attempts"].as_i64() >= Some(2)) {
                break items;
            }
            assert!(Instant::now() < deadline, "no attempt recorded: {page:#}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let error = tried[0]["last_error"].as_str().unwrap_or_default();
        assert!(error.contains(named) && error.contains("loopback"), "the error names the refusal: {error}");
        assert_ne!(tried[0]["state"], "delivered");
    }
    assert!(receiver.received().is_empty(), "a refused webhook reached the receiver");
}
