//! Webhooks across the stack, through nginx: an admin registers a receiver (a real HTTP server of
//! this test, on loopback) for `procedure.published` and `work_order.created`; publishing a
//! procedure (the procedures service) and making an order (work) each reach it once, signed with
//! the secret the admin was shown, and the deliveries list the receiver's answer.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::{collections::HashMap, time::Duration};

use base64::{engine::general_purpose::STANDARD, Engine};
use gamme_e2e::{admin, base_url, client, user_with_role, Session};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    sync::mpsc,
};

async fn ok(s: &Session, method: Method, path: &str, body: Option<&Value>, expected: StatusCode) -> Value {
    let mut req = client().request(method.clone(), format!("{}{path}", base_url())).bearer_auth(&s.access_token);
    if let Some(body) = body {
        req = req.json(body);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    assert_eq!(status, expected, "{method} {path}: {value}");
    value
}

/// One POST as the receiver got it: headers (lower case) and body.
type Request = (HashMap<String, String>, String);

/// An HTTP server on a free loopback port answering 200 to each request, handing each to `tx`.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Request>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/erp/gamme", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (mut raw, mut buf) = (Vec::new(), [0u8; 4096]);
                let split = loop {
                    let n = stream.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    raw.extend_from_slice(&buf[..n]);
                    if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i;
                    }
                };
                let headers: HashMap<String, String> = String::from_utf8_lossy(&raw[..split])
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned())))
                    .collect();
                let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                while raw.len() < split + 4 + length {
                    let n = stream.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    raw.extend_from_slice(&buf[..n]);
                }
                let body = String::from_utf8_lossy(&raw[split + 4..]).into_owned();
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
                let _ = tx.send((headers, body));
            });
        }
    });
    (url, rx)
}

/// The body of `request`, once its Standard Webhooks signature checks out with `secret`.
fn verified(secret: &str, (headers, body): &Request) -> Value {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let signed = format!("{}.{}.{body}", headers["webhook-id"], headers["webhook-timestamp"]);
    let signature = STANDARD.decode(headers["webhook-signature"].strip_prefix("v1,").unwrap()).unwrap();
    ring::hmac::verify(&key, signed.as_bytes(), &signature).expect("a valid signature");
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn a_published_procedure_and_a_new_order_reach_a_webhook_signed() {
    let admin = admin().await;
    let editor = user_with_role(&admin, "editor").await;
    let (url, mut got) = receiver().await;
    let events = json!({ "url": url, "event_types": ["procedure.published", "work_order.created"] });
    let hook = ok(&admin, Method::POST, "/api/work/webhooks", Some(&events), StatusCode::CREATED).await;
    let secret = hook["secret"].as_str().unwrap();

    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let code = format!("WH-{}", nanos % 1_000_000_000_000);
    let content = json!({ "sections": [ { "title": null, "steps": [ { "kind": "checkbox", "title": "Belt tension checked" } ] } ] });
    let p = ok(
        &admin,
        Method::POST,
        "/api/procedures",
        Some(&json!({ "code": code, "title": "Conveyor check", "language": "en", "content": content })),
        StatusCode::CREATED,
    )
    .await;
    let id = p["id"].as_str().unwrap();
    ok(&admin, Method::POST, &format!("/api/procedures/{id}/revisions/1/submit"), Some(&json!({})), StatusCode::OK)
        .await;
    ok(&editor, Method::POST, &format!("/api/procedures/{id}/revisions/1/approve"), Some(&json!({})), StatusCode::OK)
        .await;
    let first = tokio::time::timeout(Duration::from_secs(60), got.recv()).await.expect("a webhook within a minute");
    let body = verified(secret, first.as_ref().unwrap());
    assert_eq!(body["type"], "procedure.published");
    assert_eq!(body["data"]["procedure_id"], id);
    assert_eq!(body["data"]["code"], code.as_str());

    let site = ok(
        &admin,
        Method::POST,
        "/api/assets",
        Some(&json!({ "kind": "site", "code": format!("S-{code}"), "name": "Webhook site" })),
        StatusCode::CREATED,
    )
    .await;
    let order = json!({ "title": "Tension the belt", "asset_id": site["id"] });
    let order = ok(&editor, Method::POST, "/api/work/orders", Some(&order), StatusCode::CREATED).await;
    let second = tokio::time::timeout(Duration::from_secs(60), got.recv()).await.expect("a webhook within a minute");
    let body = verified(secret, second.as_ref().unwrap());
    assert_eq!(body["type"], "work_order.created");
    assert_eq!(body["data"]["order"]["id"], order["id"]);

    // Each event once, and the deliveries say the receiver answered 200.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(got.try_recv().is_err(), "an event was posted twice");
    let deliveries = format!("/api/work/webhooks/{}/deliveries", hook["id"].as_str().unwrap());
    let page = ok(&admin, Method::GET, &deliveries, None, StatusCode::OK).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert!(items.iter().all(|d| d["state"] == "delivered" && d["last_status"] == 200 && d["attempts"] == 1), "{page}");
    ok(
        &admin,
        Method::DELETE,
        &format!("/api/work/webhooks/{}", hook["id"].as_str().unwrap()),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
}
