//! The work service through HTTP and its own events, against real Postgres and RabbitMQ.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use chrono::{Days, NaiveDate, Utc};
use gamme_auth_token::Role;
use gamme_bus::FlaggedStep;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{expect, problem, spawn_app, spawn_app_with, Entry, SmtpSink};
use uuid::Uuid;

fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// A scheduler pass at `then`, as a replica would make it (waiting its turn at the lock).
fn pass_at(conn: &mut diesel::PgConnection, then: chrono::DateTime<Utc>) -> gamme_work::scheduler::PassReport {
    use diesel::Connection;
    for _ in 0..100 {
        let pass = conn.transaction(|c| gamme_work::scheduler::pass(c, then, chrono_tz::Europe::Paris)).unwrap();
        if let Some(report) = pass {
            return report;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the scheduler lock stayed taken");
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_route_wants_a_token() {
    let app = spawn_app().await;
    for path in ["/api/work/orders", "/api/work/me", "/api/work/plans", "/api/work/teams", "/api/work/compliance"] {
        let res = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let res = app.client.get(format!("{}/api/work/openapi.json", app.address)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn openapi_document_is_committed() {
    gamme_service_kit::openapi::assert_committed("work", &gamme_work::openapi::document());
}

#[tokio::test]
async fn an_order_by_hand_goes_open_in_progress_done_and_every_change_is_in_its_history() {
    let app = spawn_app().await;
    let tree = app.tree("H");
    let tech = app.user("Théo", Role::Technician);
    let editor = app.user("Émilie", Role::Editor);
    let order = expect(
        app.post(
            "/api/work/orders",
            &editor,
            &json!({ "title": "Remplacer la courroie", "asset_id": tree.equipment, "priority": "high", "assignee_id": tech.id }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(order["status"], "open");
    assert_eq!(order["kind"], "corrective");
    assert_eq!(order["site"]["id"], tree.site.to_string());
    let oid = id(&order);

    // A technician cannot make or edit orders; a viewer cannot start one.
    let res = app.post("/api/work/orders", &tech, &json!({ "title": "x", "asset_id": tree.equipment })).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let viewer = app.user("Victor", Role::Viewer);
    problem(app.post(&format!("/api/work/orders/{oid}/start"), &viewer, &json!({})).await, StatusCode::FORBIDDEN).await;

    let started =
        expect(app.post(&format!("/api/work/orders/{oid}/start"), &tech, &json!({})).await, StatusCode::OK).await;
    assert_eq!(started["status"], "in_progress");
    let res = app
        .patch(
            &format!("/api/work/orders/{oid}"),
            &editor,
            &json!({ "priority": "urgent", "due_at": "2030-01-02T08:00:00Z" }),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let done = expect(
        app.post(&format!("/api/work/orders/{oid}/complete"), &tech, &json!({ "note": "Courroie neuve" })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["completion_note"], "Courroie neuve");
    let changes: Vec<(String, Value)> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["change"].as_str().unwrap().to_owned(), h["to_value"].clone()))
        .collect();
    assert_eq!(
        changes,
        [
            ("created".into(), json!("open")),
            ("status".into(), json!("in_progress")),
            ("priority".into(), json!("urgent")),
            ("due_at".into(), json!("2030-01-02T08:00:00+00:00")),
            ("status".into(), json!("done")),
        ]
    );
    assert_eq!(done["history"][1]["actor_name"], "Théo");
    assert_eq!(done["history"][2]["actor_name"], "Émilie");

    // Done is done.
    let res = app.post(&format!("/api/work/orders/{oid}/cancel"), &editor, &json!({})).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "invalid_transition");
    let res = app.patch(&format!("/api/work/orders/{oid}"), &editor, &json!({ "title": "Autre" })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "order_closed");
    for kind in ["work_order.created", "work_order.started", "work_order.completed"] {
        assert_eq!(app.count(&format!("SELECT count(*) AS n FROM outbox WHERE message_type = '{kind}'")), 1, "{kind}");
    }
}

#[tokio::test]
async fn bad_input_is_a_clear_400_and_changes_nothing() {
    let app = spawn_app().await;
    let tree = app.tree("B");
    let res = app.post("/api/work/orders", &app.admin, &json!({ "title": " ", "asset_id": tree.equipment })).await;
    assert_eq!(problem(res, StatusCode::BAD_REQUEST).await["code"], "validation_failed");
    // An asset that does not exist is not found, as at its own address.
    let res = app.post("/api/work/orders", &app.admin, &json!({ "title": "x", "asset_id": Uuid::new_v4() })).await;
    assert_eq!(problem(res, StatusCode::NOT_FOUND).await["code"], "not_found");
    let res = app.get("/api/work/orders?status=finished", &app.admin).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app.get("/api/work/calendar?from=2027-01-01&to=2027-06-01", &app.admin).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .put(&format!("/api/work/sites/{}/settings", tree.site), &app.admin, &json!({ "time_zone": "Mars/Olympus" }))
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(app.count("SELECT count(*) AS n FROM work_orders"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM site_settings"), 0);
}

#[tokio::test]
async fn a_technician_sees_his_own_and_his_teams_orders_and_works_only_on_those() {
    let app = spawn_app().await;
    let tree = app.tree("V");
    let (theo, lea) = (app.user("Théo", Role::Technician), app.user("Léa", Role::Technician));
    let team = app.team("Mécanique", &[&theo]).await;
    let mut ids = Vec::new();
    for body in [
        json!({ "title": "Pour Théo", "asset_id": tree.equipment, "assignee_id": theo.id }),
        json!({ "title": "Pour l'équipe", "asset_id": tree.equipment, "team_id": team }),
        json!({ "title": "Pour Léa", "asset_id": tree.equipment, "assignee_id": lea.id }),
    ] {
        ids.push(id(&expect(app.post("/api/work/orders", &app.admin, &body).await, StatusCode::CREATED).await));
    }
    let seen = app.get_ok("/api/work/orders", &theo).await;
    let titles: Vec<&str> = seen["items"].as_array().unwrap().iter().map(|o| o["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(!titles.contains(&"Pour Léa"));
    problem(app.get(&format!("/api/work/orders/{}", ids[2]), &theo).await, StatusCode::NOT_FOUND).await;
    problem(app.post(&format!("/api/work/orders/{}/start", ids[2]), &theo, &json!({})).await, StatusCode::NOT_FOUND)
        .await;
    // His team's order is his to start; starting it makes it his.
    let started =
        expect(app.post(&format!("/api/work/orders/{}/start", ids[1]), &theo, &json!({})).await, StatusCode::OK).await;
    assert_eq!(started["assignee"]["name"], "Théo");
    // A viewer reads every order and changes none.
    let viewer = app.user("Victor", Role::Viewer);
    assert_eq!(app.get_ok("/api/work/orders", &viewer).await["items"].as_array().unwrap().len(), 3);
    let res = app.post(&format!("/api/work/orders/{}/comments", ids[0]), &viewer, &json!({ "body": "Vu" })).await;
    problem(res, StatusCode::FORBIDDEN).await;
    problem(app.post("/api/work/teams", &viewer, &json!({ "name": "X" })).await, StatusCode::FORBIDDEN).await;
    // My work: his own, and his team's that nobody has.
    let me = app.get_ok("/api/work/me", &theo).await;
    assert_eq!(me["no_due_date"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_procedures_settings_are_not_found_by_readers_while_it_is_only_a_draft_or_once_archived() {
    let app = spawn_app().await;
    let published = app.procedure("PUB", &[("checkbox", "Carter en place", None, None, None)]);
    let archived = app.procedure("ARCH", &[("checkbox", "Carter en place", None, None, None)]);
    app.execute(&format!("UPDATE procedures SET archived_at = now() WHERE id = '{}'", archived.id));
    let draft = Uuid::now_v7();
    app.execute(&format!(
        "INSERT INTO procedures (id, code, created_by) VALUES ('{draft}', 'DRAFT', '{}')",
        app.admin.id
    ));
    let settings = |id: Uuid| format!("/api/work/procedures/{id}/settings");
    for (name, role) in [("Victor", Role::Viewer), ("Théo", Role::Technician)] {
        let reader = app.user(name, role);
        assert_eq!(app.get_ok(&settings(published.id), &reader).await["follow_up"], "propose", "{role}");
        for hidden in [draft, archived.id] {
            problem(app.get(&settings(hidden), &reader).await, StatusCode::NOT_FOUND).await;
        }
    }
    // Editors see drafts: the settings of one are theirs to read.
    let editor = app.user("Élise", Role::Editor);
    assert_eq!(app.get_ok(&settings(draft), &editor).await["follow_up"], "propose");
}

#[tokio::test]
async fn only_those_who_assign_work_list_the_people_it_can_be_assigned_to() {
    let app = spawn_app().await;
    let theo = app.user("Théo", Role::Technician);
    for (name, role) in [("Victor", Role::Viewer), ("Léa", Role::Technician)] {
        let reader = app.user(name, role);
        problem(app.get("/api/work/people", &reader).await, StatusCode::FORBIDDEN).await;
    }
    let editor = app.user("Élise", Role::Editor);
    let people = app.get_ok("/api/work/people", &editor).await;
    assert!(people["items"].as_array().unwrap().iter().any(|p| p["id"] == theo.id.to_string()), "{people}");
}

#[tokio::test]
async fn comment_photos_must_be_the_commenters_own_uploads() {
    let app = spawn_app().await;
    let tree = app.tree("C");
    let theo = app.user("Théo", Role::Technician);
    let order = expect(
        app.post(
            "/api/work/orders",
            &app.admin,
            &json!({ "title": "Fuite", "asset_id": tree.equipment, "assignee_id": theo.id }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
    for (file, who) in [(mine, theo.id), (theirs, app.admin.id)] {
        app.execute(&format!(
            "INSERT INTO files (id, uploader_id, name, media_type, size_bytes, sha256) VALUES ('{file}', '{who}', 'p.jpg', 'image/jpeg', 1, repeat('a', 64))"
        ));
    }
    let path = format!("/api/work/orders/{}/comments", id(&order));
    let res = app.post(&path, &theo, &json!({ "body": "Photo", "photo_ids": [theirs] })).await;
    assert!(problem(res, StatusCode::BAD_REQUEST).await["detail"].as_str().unwrap().contains("you uploaded"));
    let c = expect(
        app.post(&path, &theo, &json!({ "body": "Photo du joint", "photo_ids": [mine] })).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(c["author_name"], "Théo");
    let detail = app.get_ok(&format!("/api/work/orders/{}", id(&order)), &theo).await;
    assert_eq!(detail["comments"][0]["photo_ids"], json!([mine]));
}

#[tokio::test]
async fn a_fixed_monthly_plan_in_paris_falls_at_8_local_across_the_october_change() {
    let app = spawn_app().await;
    let tree = app.tree("DST");
    let p = app.procedure("PM-DST", &[("instruction", "Graisser", None, None, None)]);
    expect(
        app.put(
            &format!("/api/work/sites/{}/settings", tree.site),
            &app.admin,
            &json!({ "time_zone": "Europe/Paris" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let plan = expect(
        app.post(
            "/api/work/plans",
            &app.admin,
            &json!({ "asset_id": tree.equipment, "procedure_id": p.id, "trigger": "time", "interval_count": 1, "interval_unit": "month",
                     "schedule": "fixed", "anchor_date": "2030-08-30", "due_time": "08:00" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(plan["title"], "Entretien PM-DST");
    let due: Vec<&str> = plan["upcoming"].as_array().unwrap().iter().map(|o| o["due_at"].as_str().unwrap()).collect();
    // Summer time (UTC+2) until 27 October 2030, winter time (UTC+1) after.
    assert_eq!(
        due,
        [
            "2030-08-30T06:00:00Z",
            "2030-09-30T06:00:00Z",
            "2030-10-30T07:00:00Z",
            "2030-11-30T07:00:00Z",
            "2030-12-30T07:00:00Z"
        ]
    );
    assert_eq!(plan["upcoming"][2]["due_date"], "2030-10-30");
    // Far in the future: nothing made yet.
    assert_eq!(pass_at(&mut app.db.connect(), gamme_work::now()).orders_made, 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM work_orders"), 0);
}

#[tokio::test]
async fn a_plan_appears_lead_days_before_it_is_due_and_makes_nothing_while_paused() {
    let app = spawn_app().await;
    let tree = app.tree("L");
    let p = app.procedure("PM-L", &[("instruction", "Graisser", None, None, None)]);
    let in_3_days = today() + Days::new(3);
    let make = |lead: i32| {
        json!({ "asset_id": tree.equipment, "procedure_id": p.id, "trigger": "time", "interval_count": 1, "interval_unit": "week",
                "schedule": "fixed", "anchor_date": in_3_days, "lead_days": lead })
    };
    let early = expect(app.post("/api/work/plans", &app.admin, &make(5)).await, StatusCode::CREATED).await;
    let late = expect(app.post("/api/work/plans", &app.admin, &make(1)).await, StatusCode::CREATED).await;
    let pid = id(&late);
    expect(app.post(&format!("/api/work/plans/{pid}/pause"), &app.admin, &json!({})).await, StatusCode::OK).await;
    let count = |plan: &str| format!("SELECT count(*) AS n FROM work_orders WHERE plan_id = '{plan}'");
    assert_eq!(app.until_count(&count(&id(&early)), 1).await, 1);
    // In three days the late plan's order appears (a day before) — but it is paused.
    let then = gamme_work::now() + chrono::Duration::days(3);
    let mut conn = app.db.connect();
    pass_at(&mut conn, then);
    assert_eq!(app.count(&count(&pid)), 0);
    let resumed =
        expect(app.post(&format!("/api/work/plans/{pid}/resume"), &app.admin, &json!({})).await, StatusCode::OK).await;
    assert_eq!(resumed["status"], "active");
    assert_eq!(pass_at(&mut conn, then).orders_made, 1);
    assert_eq!(app.count(&count(&pid)), 1);
    // The same pass again makes nothing more.
    assert_eq!(pass_at(&mut conn, then).orders_made, 0);
    assert_eq!(app.count(&count(&pid)), 1);
    let order = app.get_ok(&format!("/api/work/orders?plan={pid}"), &app.admin).await;
    assert_eq!(order["items"][0]["kind"], "preventive");
    assert_eq!(order["items"][0]["due_at"], resumed["upcoming"][0]["due_at"]);
}

#[tokio::test]
async fn a_floating_plan_makes_one_order_with_two_replicas_and_moves_on_when_its_run_completes() {
    let mut app = spawn_app().await;
    app.replica().await;
    let tree = app.tree("F");
    let theo = app.user("Théo", Role::Technician);
    let team = app.team("Rondes", &[&theo]).await;
    expect(
        app.put(&format!("/api/work/assets/{}/team", tree.area), &app.admin, &json!({ "team_id": team })).await,
        StatusCode::OK,
    )
    .await;
    let p = app.procedure("PM-F", &[("number", "Pression", Some("bar"), Some(2.0), Some(3.0))]);
    let plan = expect(
        app.post(
            "/api/work/plans",
            &app.admin,
            &json!({ "asset_id": tree.equipment, "procedure_id": p.id, "trigger": "time", "interval_count": 30, "interval_unit": "day",
                     "schedule": "floating", "anchor_date": today(), "due_time": "00:00" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let pid = id(&plan);
    let sql = format!("SELECT count(*) AS n FROM work_orders WHERE plan_id = '{pid}'");
    assert_eq!(app.until_count(&sql, 1).await, 1);
    // Several more ticks of both replicas.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(app.count(&sql), 1);

    let orders = app.get_ok(&format!("/api/work/orders?plan={pid}"), &theo).await;
    let order = &orders["items"][0];
    assert_eq!(order["team"]["name"], "Rondes", "the order goes to the asset's inherited team");
    let oid: Uuid = order["id"].as_str().unwrap().parse().unwrap();
    let run = app.run(&p, tree.equipment, &theo, Some(oid));
    app.run_started(&p, run, tree.equipment, &theo, Some(oid));
    let started = format!(
        "SELECT count(*) AS n FROM work_orders WHERE id = '{oid}' AND status = 'in_progress' AND run_id = '{run}'"
    );
    assert_eq!(app.until_count(&started, 1).await, 1);
    app.result(run, p.steps[0].0, Entry::ok(json!(2.5)), &theo);
    app.complete_run(run);
    app.run_completed(&p, run, tree.equipment, &theo, Some(oid), vec![]);
    let done = format!("SELECT count(*) AS n FROM work_orders WHERE id = '{oid}' AND status = 'done'");
    assert_eq!(app.until_count(&done, 1).await, 1);
    let detail = app.get_ok(&format!("/api/work/orders/{oid}"), &theo).await;
    assert_eq!(detail["assignee"]["name"], "Théo");
    let plan = app.get_ok(&format!("/api/work/plans/{pid}"), &app.admin).await;
    assert_eq!(plan["next_due_date"], json!(today() + Days::new(30)));
    assert_eq!(plan["upcoming"][0]["due_date"], json!(today() + Days::new(30)));
    assert_eq!(app.count(&sql), 1, "the next order waits for its date");
}

#[tokio::test]
async fn a_meter_plan_every_500_h_makes_one_order_for_480_then_1510() {
    let app = spawn_app().await;
    let tree = app.tree("M");
    let theo = app.user("Théo", Role::Technician);
    let p = app.procedure("PM-M", &[("number", "Compteur horaire", Some("h"), None, None)]);
    let meter = expect(
        app.post("/api/work/meters", &app.admin, &json!({ "asset_id": tree.equipment, "name": "Heures", "unit": "h" }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mid = id(&meter);
    let plan = expect(
        app.post("/api/work/plans", &app.admin, &json!({ "asset_id": tree.equipment, "procedure_id": p.id, "trigger": "meter", "meter_id": mid, "meter_interval": 500 })).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(plan["next_threshold"], 500.0);
    let read = |v: f64| json!({ "value": v });
    let r =
        expect(app.post(&format!("/api/work/meters/{mid}/readings"), &theo, &read(480.0)).await, StatusCode::CREATED)
            .await;
    assert_eq!(r["orders_made"], 0);
    let r =
        expect(app.post(&format!("/api/work/meters/{mid}/readings"), &theo, &read(1510.0)).await, StatusCode::CREATED)
            .await;
    assert_eq!(r["orders_made"], 1);
    let plan = app.get_ok(&format!("/api/work/plans/{}", id(&plan)), &app.admin).await;
    assert_eq!(plan["next_threshold"], 2000.0);
    assert_eq!(plan["latest_reading"], 1510.0);
    let res = app.post(&format!("/api/work/meters/{mid}/readings"), &theo, &read(1000.0)).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "reading_below_latest");
    problem(
        app.post(&format!("/api/work/meters/{mid}/readings"), &app.user("V", Role::Viewer), &read(1600.0)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM work_orders"), 1);

    // A run's number step fed to the meter: 2,040 h passes 2,000.
    let sources = json!({ "sources": [ { "procedure_id": p.id, "step_key": p.steps[0].1 } ] });
    expect(app.put(&format!("/api/work/meters/{mid}/sources"), &app.admin, &sources).await, StatusCode::OK).await;
    let run = app.run(&p, tree.equipment, &theo, None);
    app.result(run, p.steps[0].0, Entry::ok(json!(2040.0)), &theo);
    app.complete_run(run);
    app.run_completed(&p, run, tree.equipment, &theo, None, vec![]);
    app.run_completed(&p, run, tree.equipment, &theo, None, vec![]);
    assert_eq!(app.until_count("SELECT count(*) AS n FROM work_orders", 2).await, 2);
    assert_eq!(
        app.until_count(&format!("SELECT count(*) AS n FROM meter_readings WHERE run_id = '{run}'"), 1).await,
        1
    );
}

#[tokio::test]
async fn a_run_with_an_out_of_limit_reading_proposes_one_follow_up_linked_to_its_run_and_step() {
    let app = spawn_app().await;
    let tree = app.tree("U");
    let theo = app.user("Théo", Role::Technician);
    let team = app.team("Électricité", &[&theo]).await;
    expect(
        app.put(&format!("/api/work/assets/{}/team", tree.site), &app.admin, &json!({ "team_id": team })).await,
        StatusCode::OK,
    )
    .await;
    let p = app.procedure(
        "PM-U",
        &[("number", "Pression", Some("bar"), Some(2.0), Some(3.0)), ("pass_fail", "Fuite", None, None, None)],
    );
    let (pressure, leak) = (p.steps[0].0, p.steps[1].0);
    let run = app.run(&p, tree.equipment, &theo, None);
    let reading = Entry { value: json!(4.2), passed: None, out_of_limit: true, note: Some("Manomètre dans le rouge") };
    app.result(run, pressure, reading, &theo);
    app.result(run, leak, Entry { passed: Some(true), ..Entry::ok(json!("pass")) }, &theo);
    app.complete_run(run);
    let flagged =
        vec![FlaggedStep { step_id: pressure, number: 1, title: "Pression".into(), reason: "out_of_limit".into() }];
    app.run_completed(&p, run, tree.equipment, &theo, None, flagged.clone());
    app.run_completed(&p, run, tree.equipment, &theo, None, flagged);
    let sql = format!(
        "SELECT count(*) AS n FROM work_orders WHERE source_run_id = '{run}' AND source_step_id = '{pressure}'"
    );
    assert_eq!(app.until_count(&sql, 1).await, 1);
    assert_eq!(
        app.until_count("SELECT count(*) AS n FROM outbox WHERE message_type = 'follow_up.created'", 1).await,
        1
    );
    let list = app.get_ok("/api/work/orders?source=follow_up", &theo).await;
    let f = &list["items"][0];
    assert_eq!(f["status"], "proposed");
    assert_eq!(f["source_reason"], "out_of_limit");
    assert_eq!(f["source_value"], 4.2);
    assert_eq!(f["source_note"], "Manomètre dans le rouge");
    assert_eq!(f["team"]["name"], "Électricité");
    let fid = id(f);
    let accepted =
        expect(app.post(&format!("/api/work/orders/{fid}/accept"), &app.admin, &json!({})).await, StatusCode::OK).await;
    assert_eq!(accepted["status"], "open");

    // `create` makes them open; `off`, none.
    expect(
        app.put(&format!("/api/work/procedures/{}/settings", p.id), &app.admin, &json!({ "follow_up": "off" })).await,
        StatusCode::OK,
    )
    .await;
    let quiet = app.run(&p, tree.equipment, &theo, None);
    app.result(quiet, leak, Entry { passed: Some(false), note: Some("Goutte"), ..Entry::ok(json!("fail")) }, &theo);
    app.complete_run(quiet);
    app.run_completed(
        &p,
        quiet,
        tree.equipment,
        &theo,
        None,
        vec![FlaggedStep { step_id: leak, number: 2, title: "Fuite".into(), reason: "failed".into() }],
    );
    // Let the message through (the earlier ones went the same way), then check nothing came of it.
    assert_eq!(
        app.until_count(
            "SELECT count(*) AS n FROM outbox WHERE message_type = 'run.completed' AND published_at IS NOT NULL",
            3
        )
        .await,
        3
    );
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM work_orders WHERE source_run_id = '{quiet}'")), 0);
}

#[tokio::test]
async fn boards_calendar_compliance_and_labels_show_what_is_due() {
    let app = spawn_app().await;
    let tree = app.tree("K");
    let p = app.procedure("PM-K", &[("instruction", "Graisser", None, None, None)]);
    let today = today();
    expect(
        app.post(
            "/api/work/plans",
            &app.admin,
            &json!({ "asset_id": tree.equipment, "procedure_id": p.id, "trigger": "time", "interval_count": 1, "interval_unit": "week",
                     "schedule": "fixed", "anchor_date": today + Days::new(7) }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let order = expect(app.post("/api/work/orders", &app.admin, &json!({ "title": "Nettoyer", "asset_id": tree.equipment, "due_at": Utc::now() + chrono::Duration::days(2) })).await, StatusCode::CREATED).await;
    let cal = app.get_ok(&format!("/api/work/calendar?from={today}&to={}", today + Days::new(30)), &app.admin).await;
    assert_eq!(cal["orders"].as_array().unwrap().len(), 1);
    assert_eq!(cal["planned"].as_array().unwrap().len(), 4, "{cal}");
    let board = app.get_ok(&format!("/api/work/board?site={}", tree.site), &app.admin).await;
    assert_eq!(board["columns"][1]["status"], "open");
    assert_eq!(board["columns"][1]["total"], 1);
    assert_eq!(board["columns"][1]["orders"][0]["id"], order["id"]);
    let report =
        app.get_ok(&format!("/api/work/compliance?site={}&months=3", tree.site), &app.user("V", Role::Viewer)).await;
    assert_eq!(report["sites"][0]["months"].as_array().unwrap().len(), 3);
    let labels = app.get_ok(&format!("/api/work/assets/{}/labels", tree.site), &app.admin).await;
    let urls: Vec<&str> = labels["labels"].as_array().unwrap().iter().map(|l| l["url"].as_str().unwrap()).collect();
    assert_eq!(urls, [tree.site, tree.area, tree.equipment].map(|a| format!("https://gamme.usine.test/assets/{a}")));
    let work = app.get_ok(&format!("/api/work/assets/{}", tree.equipment), &app.admin).await;
    assert_eq!(work["orders"].as_array().unwrap().len(), 1);
    assert_eq!(work["plans"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn notifications_reach_those_an_order_concerns_once_and_each_person_chooses_and_reads_their_own() {
    let app = spawn_app().await;
    let tree = app.tree("N");
    let (tech, tech2) = (app.user("Théo", Role::Technician), app.user("Tania", Role::Technician));
    let editor = app.user("Émilie", Role::Editor);
    let team = app.team("Mécanique", &[&tech, &tech2]).await;
    let mine = expect(
        app.post(
            "/api/work/orders",
            &editor,
            &json!({ "title": "Graisser le palier", "asset_id": tree.equipment, "assignee_id": tech.id }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let due = (Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let ours = expect(
        app.post(
            "/api/work/orders",
            &editor,
            &json!({ "title": "Changer le filtre", "asset_id": tree.equipment, "team_id": team, "due_at": due }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // The one who assigns hears nothing of it.
    assert_eq!(app.get_ok("/api/work/notifications", &editor).await["unread"], 0);

    // Tania does not want to hear of orders falling due.
    let prefs = expect(
        app.put(
            "/api/work/notifications/preferences",
            &tech2,
            &json!({ "items": [{ "kind": "due_soon", "in_app": false }] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        prefs["items"],
        json!([{ "kind": "assigned", "in_app": true, "email": true }, { "kind": "due_soon", "in_app": false, "email": true },
               { "kind": "overdue", "in_app": true, "email": true }, { "kind": "follow_up", "in_app": true, "email": true }])
    );
    let res = app
        .put("/api/work/notifications/preferences", &tech2, &json!({ "items": [{ "kind": "loud", "in_app": true }] }))
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;
    // Two scheduler passes announce the order falling due once.
    pass_at(&mut app.db.connect(), Utc::now());
    pass_at(&mut app.db.connect(), Utc::now());

    let kinds = |list: &Value| -> Vec<(String, String)> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| (n["kind"].as_str().unwrap().to_owned(), n["order_title"].as_str().unwrap().to_owned()))
            .collect()
    };
    let theo = app.get_ok("/api/work/notifications", &tech).await;
    assert_eq!(theo["unread"], 3);
    assert_eq!(
        kinds(&theo),
        vec![
            ("due_soon".to_owned(), "Changer le filtre".to_owned()),
            ("assigned".to_owned(), "Changer le filtre".to_owned()),
            ("assigned".to_owned(), "Graisser le palier".to_owned()),
        ]
    );
    assert_eq!(theo["items"][2]["work_order_id"], mine["id"]);
    assert_eq!(theo["items"][2]["order_number"], mine["number"]);
    let tania = app.get_ok("/api/work/notifications", &tech2).await;
    assert_eq!(kinds(&tania), vec![("assigned".to_owned(), "Changer le filtre".to_owned())]);
    assert_eq!(tania["items"][0]["work_order_id"], ours["id"]);

    // Each reads their own only: another's notification is not there for them.
    let first = theo["items"][0]["id"].as_str().unwrap().to_owned();
    problem(
        app.post(&format!("/api/work/notifications/{first}/read"), &tech2, &json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app.post(&format!("/api/work/notifications/{first}/read"), &tech, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let unread = app.get_ok("/api/work/notifications?unread=true", &tech).await;
    assert_eq!((unread["unread"].clone(), unread["items"].as_array().unwrap().len()), (json!(2), 2));
    let res = app.post("/api/work/notifications/read", &tech, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get_ok("/api/work/notifications", &tech).await["unread"], 0);
    assert_eq!(app.get_ok("/api/work/notifications", &tech2).await["unread"], 1, "Tania's stay unread");
    assert_eq!(app.count("SELECT count(*) AS n FROM notifications"), 4);
}

#[tokio::test]
async fn emails_reach_an_smtp_server_in_each_persons_language_with_one_overdue_digest_a_day() {
    let smtp = SmtpSink::start().await;
    let port = smtp.port.to_string();
    let app = spawn_app_with(&[
        ("GAMME_SMTP_HOST", "127.0.0.1"),
        ("GAMME_SMTP_PORT", &port),
        ("GAMME_SMTP_SECURITY", "none"),
        ("GAMME_SMTP_FROM", "Gamme Usine <gamme@usine.test>"),
    ])
    .await;
    let tree = app.tree("M");
    let (theo, tania) = (app.user("Theo", Role::Technician), app.user("Tania", Role::Technician));
    let editor = app.user("Emilie", Role::Editor);
    let team = app.team("Mecanique", &[&theo, &tania]).await;
    // Théo reads French; Tania English, and she wants no email when work is assigned.
    let prefs = expect(
        app.put("/api/work/notifications/preferences", &theo, &json!({ "language": "fr" })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(prefs["language"], "fr");
    let prefs = expect(
        app.put(
            "/api/work/notifications/preferences",
            &tania,
            &json!({ "language": "en", "items": [{ "kind": "assigned", "email": false }] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        prefs["items"][0],
        json!({ "kind": "assigned", "in_app": true, "email": false }),
        "in-app stays as it was"
    );
    let res = app.put("/api/work/notifications/preferences", &tania, &json!({ "language": "de" })).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    let late = (Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
    let mine = expect(
        app.post(
            "/api/work/orders",
            &editor,
            &json!({ "title": "Graisser le palier", "asset_id": tree.equipment, "assignee_id": theo.id, "due_at": late }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let ours = expect(
        app.post(
            "/api/work/orders",
            &editor,
            &json!({ "title": "Changer le filtre", "asset_id": tree.equipment, "team_id": team, "due_at": late }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // The digest goes out from 06:00 at the site: a pass at that hour if it is earlier now.
    let paris = Utc::now().with_timezone(&chrono_tz::Europe::Paris);
    let six = paris.date_naive().and_hms_opt(6, 0, 0).unwrap().and_local_timezone(chrono_tz::Europe::Paris).unwrap();
    let then = Utc::now().max(six.with_timezone(&Utc));
    pass_at(&mut app.db.connect(), then);
    pass_at(&mut app.db.connect(), then);

    let mail = smtp.until(4).await;
    let to = |who: &gamme_auth_token::testing::TestUser| -> Vec<&Value> {
        mail.iter().filter(|m| m["to"] == json!([who.email])).collect()
    };
    let theos = to(&theo);
    let subjects: Vec<&str> = theos.iter().map(|m| m["subject"].as_str().unwrap()).collect();
    let (n1, n2) = (mine["number"].as_i64().unwrap(), ours["number"].as_i64().unwrap());
    for expected in [
        format!("Attribué : WO-{n1} Graisser le palier"),
        format!("Attribué : WO-{n2} Changer le filtre"),
        "2 ordres de travail en retard".to_owned(),
    ] {
        assert!(subjects.contains(&expected.as_str()), "{expected} not in {subjects:?}");
    }
    assert_eq!(theos.len(), 3, "{subjects:?}");
    let digest = theos.iter().find(|m| m["subject"] == "2 ordres de travail en retard").unwrap();
    let body = digest["body"].as_str().unwrap();
    assert!(body.starts_with("Bonjour Theo,"), "{body}");
    assert!(
        body.contains(&format!("WO-{n1} Graisser le palier")) && body.contains(&format!("WO-{n2} Changer le filtre")),
        "{body}"
    );
    assert!(body.contains(&format!("https://gamme.usine.test/work/orders/{}", mine["id"].as_str().unwrap())), "{body}");
    assert_eq!(digest["from"], "Gamme Usine <gamme@usine.test>");

    let tanias = to(&tania);
    assert_eq!(tanias.len(), 1, "only the digest: she turned assignment emails off");
    assert_eq!(tanias[0]["subject"], "1 overdue work order");
    let body = tanias[0]["body"].as_str().unwrap();
    assert!(body.starts_with("Hello Tania,") && body.contains(&format!("WO-{n2} Changer le filtre")), "{body}");
    assert!(!body.contains("Graisser"), "Théo's own order is not hers: {body}");
    assert!(to(&editor).is_empty(), "the one who assigns hears nothing of it");

    // Another pass the same day writes no second digest; each email was sent once.
    pass_at(&mut app.db.connect(), then + chrono::Duration::minutes(5));
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(smtp.received().len(), 4);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM notification_emails WHERE sent_at IS NOT NULL AND last_error IS NULL"),
        4
    );
}

#[tokio::test]
async fn an_email_the_smtp_server_refuses_is_retried_and_nothing_else_waits() {
    // No server listens on this port: the email waits for its next try, with the reason kept.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let app = spawn_app_with(&[
        ("GAMME_SMTP_HOST", "127.0.0.1"),
        ("GAMME_SMTP_PORT", &port),
        ("GAMME_SMTP_SECURITY", "none"),
    ])
    .await;
    let tree = app.tree("R");
    let (theo, editor) = (app.user("Theo", Role::Technician), app.user("Emilie", Role::Editor));
    let order = json!({ "title": "Graisser le palier", "asset_id": tree.equipment, "assignee_id": theo.id });
    expect(app.post("/api/work/orders", &editor, &order).await, StatusCode::CREATED).await;
    let waiting = "SELECT count(*) AS n FROM notification_emails WHERE attempts = 1 AND sent_at IS NULL \
                   AND last_error IS NOT NULL AND next_attempt_at > now() + interval '30 seconds'";
    assert_eq!(app.until_count(waiting, 1).await, 1, "the refused email waits a minute for its next try");
    // The order and its in-app notification are there all the same.
    assert_eq!(app.get_ok("/api/work/notifications", &theo).await["unread"], 1);
}

#[tokio::test]
async fn everyone_reads_teams_but_only_those_who_assign_work_see_the_members_emails() {
    let app = spawn_app().await;
    let (theo, editor, viewer) =
        (app.user("Theo", Role::Technician), app.user("Emilie", Role::Editor), app.user("Victor", Role::Viewer));
    let id = app.team("Mécanique", &[&theo]).await;
    for (who, sees) in [(&theo, false), (&viewer, false), (&editor, true), (&app.admin, true)] {
        let list = app.get_ok("/api/work/teams", who).await;
        let one = app.get_ok(&format!("/api/work/teams/{id}"), who).await;
        for member in [&list["items"][0]["members"][0], &one["members"][0]] {
            assert_eq!(member["display_name"], "Theo");
            assert_eq!(member["email"].is_string(), sees, "{member}");
        }
    }
}

#[tokio::test]
async fn a_team_is_deleted_only_once_no_work_waits_on_it() {
    let app = spawn_app().await;
    let tree = app.tree("D");
    let (theo, editor) = (app.user("Theo", Role::Technician), app.user("Emilie", Role::Editor));
    let id = app.team("Électricité", &[&theo]).await;
    let path = format!("/api/work/teams/{id}");
    let order = json!({ "title": "Resserrer les bornes", "asset_id": tree.equipment, "team_id": id });
    let order = expect(app.post("/api/work/orders", &editor, &order).await, StatusCode::CREATED).await;
    let res = app.call(reqwest::Method::DELETE, &path, &theo, None).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let refused = problem(app.call(reqwest::Method::DELETE, &path, &editor, None).await, StatusCode::CONFLICT).await;
    assert_eq!(refused["code"], "team_has_work");
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM team_members WHERE team_id = '{id}'")), 1);
    // Once the order is closed, the team goes; the closed order keeps its history, without a team.
    let cancel = format!("/api/work/orders/{}/cancel", order["id"].as_str().unwrap());
    expect(app.post(&cancel, &editor, &json!({ "reason": "fait ailleurs" })).await, StatusCode::OK).await;
    assert_eq!(app.call(reqwest::Method::DELETE, &path, &editor, None).await.status(), StatusCode::NO_CONTENT);
    problem(app.get(&path, &editor).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM team_members WHERE team_id = '{id}'")), 0);
    let closed = app.get_ok(&format!("/api/work/orders/{}", order["id"].as_str().unwrap()), &editor).await;
    assert_eq!(closed["status"], "cancelled");
    assert!(closed["team_id"].is_null());
}
