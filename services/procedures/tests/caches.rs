//! What procedures keeps in memory between requests (a user's row, a procedure as readers see
//! it) and the events that clear it, with two procedures processes on one database and broker.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::time::{Duration, Instant};

use diesel::{sql_types, Connection, RunQueryDsl};
use gamme_auth_token::{testing::TestUser, Role};
use gamme_bus::{outbox, Envelope, Event};
use reqwest::{header, StatusCode};
use serde_json::json;
use support::{ok, spawn_app, step, Replica, TestApp};

/// Events reach the other replica in milliseconds; this only bounds a failing test. It is far
/// below the caches' 30 s and 60 s lifetimes, so passing proves an event cleared them.
const HEARD_WITHIN: Duration = Duration::from_secs(5);

fn set_active(app: &TestApp, user: &TestUser, active: bool) {
    diesel::sql_query("UPDATE users SET is_active = $1 WHERE id = $2")
        .bind::<sql_types::Bool, _>(active)
        .bind::<sql_types::Uuid, _>(user.id)
        .execute(&mut app.db.connect())
        .unwrap();
}

/// Waits until `replica` answers `user` from its cache: a row changed behind its back (no
/// event) is not seen. Each replica starts keeping users once its listener hears events.
async fn until_cached(app: &TestApp, replica: &Replica, user: &TestUser) {
    let deadline = Instant::now() + HEARD_WITHIN;
    loop {
        assert_eq!(app.get_at(replica, "/api/procedures", user).await.status(), StatusCode::OK);
        set_active(app, user, false);
        let cached = app.get_at(replica, "/api/procedures", user).await.status() == StatusCode::OK;
        set_active(app, user, true);
        if cached {
            return;
        }
        assert!(Instant::now() < deadline, "the replica never kept the user");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn until_status(app: &TestApp, replica: &Replica, path: &str, user: &TestUser, want: StatusCode) -> Duration {
    let started = Instant::now();
    loop {
        if app.get_at(replica, path, user).await.status() == want {
            return started.elapsed();
        }
        assert!(started.elapsed() < HEARD_WITHIN, "{path} never answered {want}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_deactivated_user_is_refused_by_every_replica_once_auth_says_so() {
    let app = spawn_app().await;
    let (one, two) = (app.replica().await, app.replica().await);
    let tech = app.user("Théo", Role::Technician);
    until_cached(&app, &one, &tech).await;
    until_cached(&app, &two, &tech).await;
    // Both replicas now answer this user from memory; both must stop when auth deactivates it:
    // the row and its `user.updated` event in one transaction, as auth's `administer` does.
    app.db
        .connect()
        .transaction::<_, diesel::result::Error, _>(|c| {
            diesel::sql_query("UPDATE users SET is_active = false, tokens_valid_after = now() WHERE id = $1")
                .bind::<sql_types::Uuid, _>(tech.id)
                .execute(c)?;
            let event = Event::UserUpdated { user_id: tech.id, role: "technician".into(), is_active: false };
            outbox::enqueue(c, &Envelope::new(event, None))
        })
        .unwrap();
    let first = until_status(&app, &one, "/api/procedures", &tech, StatusCode::UNAUTHORIZED).await;
    let second = until_status(&app, &two, "/api/procedures", &tech, StatusCode::UNAUTHORIZED).await;
    println!("refused after {first:?} and {second:?} (the outbox relay polls every 500 ms when idle)");
    let res = app.get_at(&two, "/api/procedures", &tech).await;
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "account_deactivated");
}

#[tokio::test]
async fn a_published_procedure_answers_304_for_its_etag_and_a_superseded_revision_is_never_served() {
    let app = spawn_app().await;
    let other = app.replica().await;
    let (author, reviewer) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let tech = app.user("Théo", Role::Technician);
    let p = app.procedure(&author, "pm-cache-001", "Graissage", json!([step("instruction", "Graisser")])).await;
    let id = p["id"].as_str().unwrap().to_owned();
    app.publish(&id, 1, &author, &reviewer).await;
    let path = format!("/api/procedures/{id}");

    let res = app.get(&path, &tech).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "a strong validator: {etag}");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "private, no-cache");
    let first = res.bytes().await.unwrap();
    // The same bytes again, then nothing but 304 for the validator.
    let again = app.get(&path, &tech).await;
    assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(again.bytes().await.unwrap(), first);
    let conditional = |etag: String| {
        let (client, url, token) = (app.client.clone(), format!("{}{path}", app.address), tech.token.clone());
        async move { client.get(url).bearer_auth(token).header(header::IF_NONE_MATCH, etag).send().await.unwrap() }
    };
    let res = conditional(etag.clone()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(res.headers()[header::ETAG].to_str().unwrap(), etag);
    assert!(res.bytes().await.unwrap().is_empty());
    assert_eq!(conditional("\"something-else\"".into()).await.status(), StatusCode::OK);
    // The other replica keeps revision 1 too.
    assert_eq!(ok(app.get_at(&other, &path, &tech).await).await["revision"]["number"], 1);

    // Revision 2 supersedes it: this replica never serves revision 1 again, the other soon.
    let res = app.post(&format!("/api/procedures/{id}/revisions"), &author, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    ok(app.patch(&format!("/api/procedures/{id}/revisions/2"), &author, &json!({ "title": "Graissage v2" })).await)
        .await;
    app.publish(&id, 2, &author, &reviewer).await;
    let now = ok(app.get(&path, &tech).await).await;
    assert_eq!(now["revision"]["number"], 2);
    assert_eq!(now["revision"]["title"], "Graissage v2");
    let res = conditional(etag.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "the old validator no longer matches");
    let deadline = Instant::now() + HEARD_WITHIN;
    loop {
        let seen = ok(app.get_at(&other, &path, &tech).await).await;
        if seen["revision"]["number"] == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the other replica kept serving revision 1");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Archived: gone for readers at once here, and on the other replica once it hears.
    ok(app.post(&format!("{path}/archive"), &author, &json!({})).await).await;
    assert_eq!(app.get(&path, &tech).await.status(), StatusCode::NOT_FOUND);
    until_status(&app, &other, &path, &tech, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn editors_get_validators_too_and_see_their_drafts_at_once() {
    let app = spawn_app().await;
    let (author, reviewer) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let viewer = app.user("Vera", Role::Viewer);
    let p = app.procedure(&author, "pm-cache-002", "Contrôle", json!([step("instruction", "Niveau d'huile")])).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let path = format!("/api/procedures/{id}");
    assert_eq!(app.get(&path, &viewer).await.status(), StatusCode::NOT_FOUND, "a draft is no reader's");
    app.publish(&id, 1, &author, &reviewer).await;
    let seen = ok(app.get(&path, &viewer).await).await;
    assert_eq!(seen["revision"]["number"], 1);
    assert!(seen["latest_revision"].is_null(), "readers are not shown drafts");

    let res = app.post(&format!("{path}/revisions"), &author, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.get(&path, &author).await;
    assert!(res.headers().contains_key(header::ETAG));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["latest_revision"]["number"], 2, "editors see the new draft at once");
    // The reader still sees revision 1, and never the draft.
    let seen = ok(app.get(&path, &viewer).await).await;
    assert_eq!(seen["revision"]["number"], 1);
    assert!(seen["latest_revision"].is_null());
}
