//! The work service through nginx with the other services: a floating 30-day plan makes one
//! order even with two `gamme-work` processes running (scripts/test.sh starts two), the
//! technician starts it with a run, the run completes it, the plan's next date is 30 days after
//! the completion, and the run's out-of-limit reading gives a follow-up linked to its run and
//! step; a fixed monthly plan in Europe/Paris keeps its local time across the October change; a
//! meter plan every 500 h makes one order for readings of 480 then 1,510 h.
//!
//! Every test makes its own users, codes and assets, so reruns on the same stack pass.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use chrono::{Days, NaiveDate, Utc};
use gamme_e2e::{admin, base_url, client, user_with_role, Session};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{}-{}", nanos % 1_000_000_000_000, std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn paris_today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

async fn call(s: &Session, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let mut req = client().request(method.clone(), format!("{}{path}", base_url())).bearer_auth(&s.access_token);
    if let Some(body) = body {
        req = req.json(body);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) })
}

async fn ok(s: &Session, method: Method, path: &str, body: Option<&Value>, expected: StatusCode) -> Value {
    let (status, value) = call(s, method.clone(), path, body).await;
    assert_eq!(status, expected, "{method} {path}: {value}");
    value
}

/// Polls `path` (up to 60 s) until `done` holds for its answer; answers it.
async fn until(s: &Session, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let value = ok(s, Method::GET, path, None, StatusCode::OK).await;
        if done(&value) || std::time::Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// site → area → equipment, the site in Europe/Paris; answers (site, equipment).
async fn tree(admin: &Session) -> (String, String) {
    let mut parent = Value::Null;
    let mut ids = Vec::new();
    for kind in ["site", "area", "equipment"] {
        let asset = ok(
            admin,
            Method::POST,
            "/api/assets",
            Some(&json!({ "kind": kind, "parent_id": parent, "code": unique(kind), "name": kind })),
            StatusCode::CREATED,
        )
        .await;
        parent = asset["id"].clone();
        ids.push(parent.as_str().unwrap().to_owned());
    }
    let site = ids[0].clone();
    let zone = json!({ "time_zone": "Europe/Paris" });
    ok(admin, Method::PUT, &format!("/api/work/sites/{site}/settings"), Some(&zone), StatusCode::OK).await;
    (site, ids[2].clone())
}

/// A plan of `procedure` on `equipment`, with the rest of its fields in `schedule`.
async fn new_plan(admin: &Session, equipment: &str, procedure: &str, schedule: Value) -> Value {
    let mut body = json!({ "asset_id": equipment, "procedure_id": procedure });
    body.as_object_mut().unwrap().extend(schedule.as_object().unwrap().clone());
    ok(admin, Method::POST, "/api/work/plans", Some(&body), StatusCode::CREATED).await
}

/// A published procedure with one reading (2–3 bar), written by the admin and approved by an
/// editor; answers (procedure id, step id, step key).
async fn procedure(admin: &Session) -> (String, String, String) {
    let editor = user_with_role(admin, "editor").await;
    let content = json!({ "sections": [ { "title": null, "steps": [
        { "kind": "number", "title": "Discharge pressure", "unit": "bar", "min": 2.0, "max": 3.0 } ] } ] });
    let p = ok(
        admin,
        Method::POST,
        "/api/procedures",
        Some(&json!({ "code": unique("PM-WORK"), "title": "Pump check", "language": "en", "content": content })),
        StatusCode::CREATED,
    )
    .await;
    let id = p["id"].as_str().unwrap().to_owned();
    ok(admin, Method::POST, &format!("/api/procedures/{id}/revisions/1/submit"), Some(&json!({})), StatusCode::OK)
        .await;
    let published = ok(
        &editor,
        Method::POST,
        &format!("/api/procedures/{id}/revisions/1/approve"),
        Some(&json!({})),
        StatusCode::OK,
    )
    .await;
    let step = &published["content"]["sections"][0]["steps"][0];
    (id, step["id"].as_str().unwrap().to_owned(), step["key"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_floating_plan_makes_one_order_the_technician_runs_it_and_the_next_is_30_days_after() {
    let admin = admin().await;
    let tech = user_with_role(&admin, "technician").await;
    let (site, equipment) = tree(&admin).await;
    let (procedure, step, _) = procedure(&admin).await;
    let team =
        ok(&admin, Method::POST, "/api/work/teams", Some(&json!({ "name": unique("Team") })), StatusCode::CREATED)
            .await;
    let team = team["id"].as_str().unwrap().to_owned();
    let tech_id = tech.user["id"].as_str().unwrap();
    ok(&admin, Method::PUT, &format!("/api/work/teams/{team}/members/{tech_id}"), Some(&json!({})), StatusCode::OK)
        .await;
    ok(
        &admin,
        Method::PUT,
        &format!("/api/work/assets/{site}/team"),
        Some(&json!({ "team_id": team })),
        StatusCode::OK,
    )
    .await;

    // Due today at 00:00: its order appears at once.
    let plan = new_plan(
        &admin,
        &equipment,
        &procedure,
        json!({ "trigger": "time", "interval_count": 30, "interval_unit": "day",
                      "schedule": "floating", "anchor_date": paris_today(), "due_time": "00:00" }),
    )
    .await;
    let plan = plan["id"].as_str().unwrap().to_owned();
    let orders_of_plan = format!("/api/work/orders?plan={plan}");
    let orders = until(&tech, &orders_of_plan, |v| !v["items"].as_array().unwrap().is_empty()).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1, "{orders}");
    // Both replicas tick every few seconds (GAMME_WORK_SCHEDULER_INTERVAL_SECS); still one order.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let orders = ok(&tech, Method::GET, &orders_of_plan, None, StatusCode::OK).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1, "{orders}");
    let order = orders["items"][0]["id"].as_str().unwrap().to_owned();
    let mine = ok(&tech, Method::GET, "/api/work/me", None, StatusCode::OK).await;
    assert!(
        mine["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .chain(mine["today"].as_array().unwrap())
            .any(|o| o["id"] == order.as_str()),
        "{mine}"
    );

    // The technician starts it: a run of the procedure for the order.
    let run = ok(
        &tech,
        Method::POST,
        "/api/runs",
        Some(&json!({ "procedure_id": procedure, "work_order_id": order })),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(run["asset_id"], equipment.as_str(), "the run is on the order's asset");
    assert_eq!(run["work_order_id"], order.as_str());
    let run = run["id"].as_str().unwrap().to_owned();
    let path = format!("/api/work/orders/{order}");
    let started = until(&tech, &path, |v| v["status"] == "in_progress").await;
    assert_eq!(started["run_id"], run.as_str());

    let result = json!({ "result_id": uuid::Uuid::new_v4(), "value": 4.2, "note": "Gauge in the red" });
    ok(&tech, Method::PUT, &format!("/api/runs/{run}/steps/{step}"), Some(&result), StatusCode::OK).await;
    ok(
        &tech,
        Method::POST,
        &format!("/api/runs/{run}/complete"),
        Some(&json!({ "signoff_name": "Test technician" })),
        StatusCode::OK,
    )
    .await;
    let done = until(&tech, &path, |v| v["status"] == "done").await;
    assert_eq!(done["status"], "done", "{done}");
    let completed_on = done["completed_at"]
        .as_str()
        .unwrap()
        .parse::<chrono::DateTime<Utc>>()
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let plan = ok(&admin, Method::GET, &format!("/api/work/plans/{plan}"), None, StatusCode::OK).await;
    assert_eq!(plan["next_due_date"], json!(completed_on + Days::new(30)), "{plan}");

    // The out-of-limit reading gave one follow-up, linked to the run and the step.
    let follow_ups = until(&admin, &format!("/api/work/orders?source=follow_up&asset={equipment}"), |v| {
        !v["items"].as_array().unwrap().is_empty()
    })
    .await;
    let items = follow_ups["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{follow_ups}");
    assert_eq!(items[0]["source_run_id"], run.as_str());
    assert_eq!(items[0]["source_step_id"], step.as_str());
    assert_eq!(items[0]["source_note"], "Gauge in the red");
    assert_eq!(items[0]["status"], "proposed");
}

#[tokio::test]
async fn a_fixed_monthly_plan_in_paris_keeps_8_local_across_the_october_change() {
    let admin = admin().await;
    let (_, equipment) = tree(&admin).await;
    let (procedure, _, _) = procedure(&admin).await;
    let plan = new_plan(
        &admin,
        &equipment,
        &procedure,
        json!({ "trigger": "time", "interval_count": 1, "interval_unit": "month",
                      "schedule": "fixed", "anchor_date": "2031-08-30", "due_time": "08:00" }),
    )
    .await;
    let due: Vec<&str> = plan["upcoming"].as_array().unwrap().iter().map(|o| o["due_at"].as_str().unwrap()).collect();
    // Summer time (UTC+2) until 26 October 2031, winter time (UTC+1) after.
    assert_eq!(
        due,
        [
            "2031-08-30T06:00:00Z",
            "2031-09-30T06:00:00Z",
            "2031-10-30T07:00:00Z",
            "2031-11-30T07:00:00Z",
            "2031-12-30T07:00:00Z"
        ]
    );
}

#[tokio::test]
async fn a_meter_plan_every_500_hours_makes_one_order_for_480_then_1510() {
    let admin = admin().await;
    let tech = user_with_role(&admin, "technician").await;
    let (_, equipment) = tree(&admin).await;
    let (procedure, _, _) = procedure(&admin).await;
    let meter = ok(
        &admin,
        Method::POST,
        "/api/work/meters",
        Some(&json!({ "asset_id": equipment, "name": "Running hours", "unit": "h" })),
        StatusCode::CREATED,
    )
    .await;
    let meter = meter["id"].as_str().unwrap().to_owned();
    let plan = new_plan(
        &admin,
        &equipment,
        &procedure,
        json!({ "trigger": "meter", "meter_id": meter, "meter_interval": 500 }),
    )
    .await;
    let plan = plan["id"].as_str().unwrap().to_owned();
    for value in [480.0, 1510.0] {
        ok(
            &tech,
            Method::POST,
            &format!("/api/work/meters/{meter}/readings"),
            Some(&json!({ "value": value })),
            StatusCode::CREATED,
        )
        .await;
    }
    let orders = ok(&admin, Method::GET, &format!("/api/work/orders?plan={plan}"), None, StatusCode::OK).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1, "{orders}");
    let plan = ok(&admin, Method::GET, &format!("/api/work/plans/{plan}"), None, StatusCode::OK).await;
    assert_eq!(plan["next_threshold"], 2000.0);
}
