//! The procedures service through HTTP, against real Postgres and RabbitMQ.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::collections::HashSet;

use gamme_auth_token::{testing::TestUser, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{every_kind, ok, problem, spawn_app, step, uuid, TestApp};

fn steps_of(revision: &Value) -> Vec<Value> {
    revision["content"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap().clone())
        .collect()
}

/// A step of a revision as input, keeping its identity.
fn as_input(s: &Value) -> Value {
    json!({ "id": s["id"], "kind": s["kind"], "title": s["title"], "body": s["body"],
        "warning_level": s["warning_level"], "warning_text": s["warning_text"], "required": s["required"],
        "unit": s["unit"], "min": s["min"], "max": s["max"], "options": s["options"], "attachments": s["attachments"] })
}

#[tokio::test]
async fn every_prefix_wants_a_token() {
    let app = spawn_app().await;
    for path in ["/api/assets", "/api/procedures", "/api/runs"] {
        let res = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let expired = app.issuer.sign(uuid::Uuid::new_v4(), "x@usine.test", "X", Role::Admin, -3600);
    let res = app.client.get(format!("{}/api/procedures", app.address)).bearer_auth(expired).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn approving_own_revision_is_forbidden_and_another_editor_publishes_it() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app.procedure(&a, "pm-pump-001", "Maintenance pompe P-101", every_kind()).await;
    let id = p["id"].as_str().unwrap();
    assert_eq!(p["code"], "PM-PUMP-001", "codes are stored upper-case");
    assert_eq!(p["revision"]["status"], "draft");
    assert_eq!(steps_of(&p["revision"]).len(), 8);

    let res = app.post(&format!("/api/procedures/{id}/revisions/1/submit"), &a, &json!({})).await;
    assert_eq!(ok(res).await["status"], "in_review");
    let refused = app.post(&format!("/api/procedures/{id}/revisions/1/approve"), &a, &json!({})).await;
    assert!(problem(refused, StatusCode::FORBIDDEN).await["detail"].as_str().unwrap().contains("four-eyes"));
    let tech = app.user("Théo", Role::Technician);
    let res = app.post(&format!("/api/procedures/{id}/revisions/1/approve"), &tech, &json!({})).await;
    problem(res, StatusCode::FORBIDDEN).await;

    // An editor who changed the draft is one of its authors too.
    let c = app.user("Chloé", Role::Editor);
    ok(app
        .post(&format!("/api/procedures/{id}/revisions/1/reject"), &b, &json!({ "comment": "Ajouter le couple" }))
        .await)
    .await;
    ok(app.patch(&format!("/api/procedures/{id}/revisions/1"), &c, &json!({ "description": "Couple 45 N·m" })).await)
        .await;
    ok(app.post(&format!("/api/procedures/{id}/revisions/1/submit"), &a, &json!({})).await).await;
    let res = app.post(&format!("/api/procedures/{id}/revisions/1/approve"), &c, &json!({})).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let published = ok(app.post(&format!("/api/procedures/{id}/revisions/1/approve"), &b, &json!({})).await).await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["reviews"][1]["decision"], "approved");
    assert_eq!(published["reviews"][1]["reviewer_name"], "Bruno");

    // A published revision never changes.
    let res = app.patch(&format!("/api/procedures/{id}/revisions/1"), &a, &json!({ "title": "Autre" })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "not_a_draft");
    // The event went into the outbox with the publication.
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'procedure.published'"), 1);
}

#[tokio::test]
async fn rejecting_needs_a_comment_and_sends_the_revision_back_to_draft() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app.procedure(&a, "PM-1", "Graissage", json!([step("instruction", "Graisser")])).await;
    let id = p["id"].as_str().unwrap();
    ok(app.post(&format!("/api/procedures/{id}/revisions/1/submit"), &a, &json!({})).await).await;
    let res = app.post(&format!("/api/procedures/{id}/revisions/1/reject"), &b, &json!({ "comment": " " })).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let r = ok(app
        .post(&format!("/api/procedures/{id}/revisions/1/reject"), &b, &json!({ "comment": "Préciser la graisse" }))
        .await)
    .await;
    assert_eq!(r["status"], "draft");
    assert_eq!(r["reviews"][0]["comment"], "Préciser la graisse");
}

#[tokio::test]
async fn a_new_draft_supersedes_revision_one_when_published_and_the_diff_names_the_changed_step() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app.procedure(&a, "PM-2", "Contrôle pression", every_kind()).await;
    let id = p["id"].as_str().unwrap();
    app.publish(id, 1, &a, &b).await;

    let res = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let draft: Value = res.json().await.unwrap();
    assert_eq!(draft["number"], 2);
    let again = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(problem(again, StatusCode::CONFLICT).await["code"], "draft_exists");

    // Keep every step by id, change the number step's max, move the photo step first, drop text.
    let mut steps: Vec<Value> = steps_of(&draft)
        .into_iter()
        .filter(|s| s["kind"] != "text")
        .map(|s| {
            let mut input = as_input(&s);
            if s["kind"] == "number" {
                input["max"] = json!(3.5);
            }
            input
        })
        .collect();
    let photo = steps.iter().position(|s| s["kind"] == "photo").unwrap();
    let moved = steps.remove(photo);
    steps.insert(0, moved);
    steps.push(json!({ "kind": "checkbox", "title": "Remettre le capot" }));
    let res = app
        .put(
            &format!("/api/procedures/{id}/revisions/2/content"),
            &a,
            &json!({ "sections": [{ "title": null, "steps": steps }] }),
        )
        .await;
    ok(res).await;
    app.publish(id, 2, &a, &b).await;

    let revisions = app.get_ok(&format!("/api/procedures/{id}/revisions"), &a).await;
    let status: Vec<(i64, String)> = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["number"].as_i64().unwrap(), r["status"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(status, vec![(2, "published".to_owned()), (1, "superseded".to_owned())]);

    let diff = app.get_ok(&format!("/api/procedures/{id}/revisions/1/diff/2"), &a).await;
    let changed = diff["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{diff}");
    assert_eq!(changed[0]["title"], "Pression de refoulement");
    assert_eq!(changed[0]["changes"], json!([{ "field": "max", "before": 3.0, "after": 3.5 }]));
    assert_eq!(diff["added"][0]["title"], "Remettre le capot");
    assert_eq!(diff["removed"][0]["title"], "Numéro de lot du joint");
    let moved: Vec<&str> = diff["moved"].as_array().unwrap().iter().map(|m| m["title"].as_str().unwrap()).collect();
    assert_eq!(moved, vec!["Photo de la garniture"], "only the step that moved is reported as moved");
}

#[tokio::test]
async fn bad_steps_are_refused_with_a_problem_and_nothing_is_stored() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let p = app
        .procedure(&a, "PM-3", "Vidange", json!([step("instruction", "Vidanger"), step("checkbox", "Bouchon remis")]))
        .await;
    let id = p["id"].as_str().unwrap();
    let before = app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &a).await;
    let audit_before = app.count("SELECT count(*) AS n FROM audit_events");
    let put = |steps: Value| {
        let app = &app;
        let a = &a;
        async move {
            app.put(
                &format!("/api/procedures/{id}/revisions/1/content"),
                a,
                &json!({ "sections": [{ "title": null, "steps": steps }] }),
            )
            .await
        }
    };

    let res = put(json!([{ "kind": "laser", "title": "?" }])).await;
    let p1 = problem(res, StatusCode::BAD_REQUEST).await;
    assert!(p1["detail"].as_str().unwrap().contains("laser"), "{p1}");

    let res = put(json!([{ "kind": "number", "title": "Couple", "unit": "N·m", "min": 55, "max": 45 }])).await;
    let p2 = problem(res, StatusCode::BAD_REQUEST).await;
    assert!(p2["detail"].as_str().unwrap().contains("greater than the maximum"), "{p2}");

    let existing = steps_of(&before);
    let dup = existing[0]["id"].clone();
    let res = put(
        json!([{ "id": dup, "kind": "instruction", "title": "A" }, { "id": dup, "kind": "instruction", "title": "B" }]),
    )
    .await;
    let p3 = problem(res, StatusCode::BAD_REQUEST).await;
    assert!(p3["detail"].as_str().unwrap().contains("appears twice"), "{p3}");

    let res = put(json!([{ "id": uuid(), "kind": "instruction", "title": "A" }])).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    let res = put(json!([{ "kind": "choice", "title": "Couleur", "options": ["rouge"] }])).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    let res = put(json!([{ "kind": "photo", "title": "Photo", "attachments": [uuid()] }])).await;
    assert!(problem(res, StatusCode::BAD_REQUEST).await["errors"]["unknown_files"].is_array());

    let huge = "x".repeat(1024 * 1024);
    let res = app.patch(&format!("/api/procedures/{id}/revisions/1"), &a, &json!({ "title": huge })).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = app.patch(&format!("/api/procedures/{id}/revisions/1"), &a, &json!({ "title": "y".repeat(5000) })).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res =
        app.post("/api/procedures", &a, &json!({ "code": "PM-4", "title": "t".repeat(300), "language": "fr" })).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    let after = app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &a).await;
    assert_eq!(before, after, "a refused change leaves the draft as it was");
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_events"), audit_before);
    assert_eq!(app.count("SELECT count(*) AS n FROM procedures"), 1);
}

#[tokio::test]
async fn reordering_keeps_step_ids_and_leaves_no_gaps() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let p = app
        .procedure(
            &a,
            "PM-5",
            "Ordre",
            json!([step("instruction", "Un"), step("instruction", "Deux"), step("instruction", "Trois")]),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let s = steps_of(&p["revision"]);
    let body = json!({ "sections": [
        { "title": null, "steps": [ { "id": s[2]["id"], "kind": "instruction", "title": "Trois" } ] },
        { "title": "Remontage", "steps": [ { "kind": "checkbox", "title": "Nouveau" }, { "id": s[0]["id"], "kind": "instruction", "title": "Un" } ] }
    ]});
    let r = ok(app.put(&format!("/api/procedures/{id}/revisions/1/content"), &a, &body).await).await;
    let steps = steps_of(&r);
    let titles: Vec<&str> = steps.iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles, vec!["Trois", "Nouveau", "Un"]);
    let numbers: Vec<i64> = steps.iter().map(|s| s["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    assert_eq!(steps[0]["id"], s[2]["id"]);
    assert_eq!(steps[2]["key"], s[0]["key"]);
    assert_eq!(r["content"]["sections"][1]["title"], "Remontage");
    assert_eq!(
        app.count(&format!("SELECT count(*) AS n FROM steps WHERE revision_id = '{}'", r["id"].as_str().unwrap())),
        3
    );
}

#[tokio::test]
async fn readers_see_published_revisions_only() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let viewer = app.user("Vera", Role::Viewer);
    let tech = app.user("Théo", Role::Technician);
    let p = app.procedure(&a, "PM-6", "Brouillon", json!([step("instruction", "X")])).await;
    let id = p["id"].as_str().unwrap();
    problem(app.get(&format!("/api/procedures/{id}"), &viewer).await, StatusCode::NOT_FOUND).await;
    let list = app.get_ok("/api/procedures", &tech).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let res = app.post("/api/procedures", &tech, &json!({ "code": "X-1", "title": "X", "language": "fr" })).await;
    problem(res, StatusCode::FORBIDDEN).await;

    app.publish(id, 1, &a, &b).await;
    let res = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let seen = app.get_ok(&format!("/api/procedures/{id}"), &viewer).await;
    assert_eq!(seen["revision"]["number"], 1, "readers get the published revision, not the new draft");
    assert!(seen["latest_revision"].is_null());
    problem(app.get(&format!("/api/procedures/{id}/revisions/2"), &tech).await, StatusCode::NOT_FOUND).await;
    let revisions = app.get_ok(&format!("/api/procedures/{id}/revisions"), &tech).await;
    assert_eq!(revisions["items"].as_array().unwrap().len(), 1);
    let list = app.get_ok("/api/procedures", &tech).await;
    assert_eq!(list["items"][0]["status"], "published");
}

/// Starts a run of a freshly published procedure with every kind of step.
async fn published_run(app: &support::TestApp) -> (gamme_auth_token::testing::TestUser, String, Vec<Value>, String) {
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let tech = app.user("Théo", Role::Technician);
    let p = app.procedure(&a, &format!("PM-R-{}", &uuid()[..8]), "Pompe", every_kind()).await;
    let id = p["id"].as_str().unwrap().to_owned();
    app.publish(&id, 1, &a, &b).await;
    let res = app.post("/api/runs", &tech, &json!({ "procedure_id": id })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let run: Value = res.json().await.unwrap();
    let steps = steps_of(&run["revision"]);
    (tech, run["id"].as_str().unwrap().to_owned(), steps, id)
}

fn step_id<'a>(steps: &'a [Value], kind: &str) -> &'a str {
    steps.iter().find(|s| s["kind"] == kind).unwrap()["id"].as_str().unwrap()
}

#[tokio::test]
async fn the_same_step_result_sent_three_times_stores_one_result() {
    let app = spawn_app().await;
    let (tech, run, steps, _) = published_run(&app).await;
    let number = step_id(&steps, "number");
    let body = json!({ "result_id": uuid(), "value": 2.5 });
    for _ in 0..3 {
        let r = ok(app.put(&format!("/api/runs/{run}/steps/{number}"), &tech, &body).await).await;
        assert_eq!(r["value"], 2.5);
        assert_eq!(r["out_of_limit"], false);
    }
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM run_step_results WHERE run_id = '{run}'")), 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_events WHERE action = 'run.step_recorded'"), 1);
    // A new entry for the same step replaces the reading.
    let r = ok(app
        .put(&format!("/api/runs/{run}/steps/{number}"), &tech, &json!({ "result_id": uuid(), "value": 2.7 }))
        .await)
    .await;
    assert_eq!(r["value"], 2.7);
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM run_step_results WHERE run_id = '{run}'")), 1);
    // A late retry of the first entry (a queued request arriving after the correction)
    // answers the current result and does not bring the old reading back.
    let late = ok(app.put(&format!("/api/runs/{run}/steps/{number}"), &tech, &body).await).await;
    assert_eq!(late["value"], 2.7);
}

#[tokio::test]
async fn a_run_flags_readings_requires_every_required_step_and_then_never_changes() {
    let app = spawn_app().await;
    let (tech, run, steps, procedure_id) = published_run(&app).await;
    let put = |kind: &'static str, body: Value| {
        let (app, tech, run, steps) = (&app, &tech, run.clone(), steps.clone());
        async move { app.put(&format!("/api/runs/{run}/steps/{}", step_id(&steps, kind)), tech, &body).await }
    };
    let reading = ok(put("number", json!({ "result_id": uuid(), "value": 3.7 })).await).await;
    assert_eq!(reading["out_of_limit"], true);
    assert_eq!(reading["note_required"], true);
    assert_eq!(reading["message"], "3.7 bar is above the maximum of 3 bar.");
    // Wrong values for the kind are refused.
    problem(put("pass_fail", json!({ "result_id": uuid(), "value": "maybe" })).await, StatusCode::BAD_REQUEST).await;
    problem(put("choice", json!({ "result_id": uuid(), "value": "bleu" })).await, StatusCode::BAD_REQUEST).await;
    problem(put("photo", json!({ "result_id": uuid() })).await, StatusCode::BAD_REQUEST).await;

    ok(put("instruction", json!({ "result_id": uuid() })).await).await;
    ok(put("checkbox", json!({ "result_id": uuid(), "value": true })).await).await;
    ok(put("pass_fail", json!({ "result_id": uuid(), "value": "pass" })).await).await;
    ok(put("choice", json!({ "result_id": uuid(), "value": "encrassé" })).await).await;
    let res = put("photo", json!({ "result_id": uuid(), "photo_ids": [uuid()] })).await;
    assert!(problem(res, StatusCode::BAD_REQUEST).await["detail"].as_str().unwrap().contains("Upload the file first"));
    ok(put("photo", json!({ "result_id": uuid(), "photo_ids": [app.file(&tech)] })).await).await;
    // The signature step is still missing (the text step is optional).
    let res = app.post(&format!("/api/runs/{run}/complete"), &tech, &json!({ "signoff_name": "Théo" })).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["code"], "missing_steps");
    assert_eq!(p["errors"]["missing_steps"][0]["title"], "Visa du chef d'équipe");
    assert!(p["detail"].as_str().unwrap().contains("Visa du chef d'équipe"));
    ok(put("signature", json!({ "result_id": uuid(), "value": app.file(&tech) })).await).await;
    // The out-of-limit reading needs a note.
    let res = app.post(&format!("/api/runs/{run}/complete"), &tech, &json!({ "signoff_name": "Théo" })).await;
    assert_eq!(problem(res, StatusCode::UNPROCESSABLE_ENTITY).await["code"], "notes_required");
    ok(put("number", json!({ "result_id": uuid(), "value": 3.7, "note": "Vanne de refoulement grippée" })).await).await;

    // Another technician's run in progress does not exist for Tina.
    let other = app.user("Tina", Role::Technician);
    let res = app.post(&format!("/api/runs/{run}/complete"), &other, &json!({ "signoff_name": "Tina" })).await;
    problem(res, StatusCode::NOT_FOUND).await;
    let res = app
        .post(
            &format!("/api/runs/{run}/complete"),
            &tech,
            &json!({ "signoff_name": "Théo", "signature_file_id": uuid() }),
        )
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let signature = app.file(&tech);
    let done = ok(app
        .post(
            &format!("/api/runs/{run}/complete"),
            &tech,
            &json!({ "signoff_name": "Théo", "signature_file_id": signature }),
        )
        .await)
    .await;
    assert_eq!(done["signature_file_id"], signature.as_str());
    assert_eq!(done["status"], "completed");
    assert_eq!(done["outcome"], "failed");
    assert_eq!(done["flagged"][0]["reason"], "out_of_limit");
    assert_eq!(done["signoff_name"], "Théo");

    let res = put("text", json!({ "result_id": uuid(), "value": "trop tard" })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "run_completed");
    let res = app.post(&format!("/api/runs/{run}/complete"), &tech, &json!({ "signoff_name": "Théo" })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "run_completed");
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'run.completed'"), 1);

    let listed = app.get_ok(&format!("/api/runs?procedure={procedure_id}&outcome=failed"), &tech).await;
    assert_eq!(listed["items"][0]["id"], run.as_str());
    let none = app.get_ok(&format!("/api/runs?procedure={procedure_id}&outcome=passed"), &tech).await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    let stats = app.get_ok(&format!("/api/procedures/{procedure_id}/revisions/1/stats"), &tech).await;
    assert_eq!(stats["completed_runs"], 1);
    let number_stats = stats["steps"].as_array().unwrap().iter().find(|s| s["kind"] == "number").unwrap();
    assert_eq!(number_stats["out_of_limit_rate"], 1.0);
    assert_eq!(number_stats["notes"], 1);
    assert!(number_stats["median_seconds"].as_f64().unwrap() >= 0.0);
}

#[tokio::test]
async fn a_run_is_seen_by_its_technician_and_editors_and_by_everyone_once_completed() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let (b, viewer, other) =
        (app.user("Bruno", Role::Editor), app.user("Vera", Role::Viewer), app.user("Tina", Role::Technician));
    let p = app.procedure(&a, "PM-SEE-1", "Pompe", json!([step("instruction", "Purger")])).await;
    let id = p["id"].as_str().unwrap().to_owned();
    app.publish(&id, 1, &a, &b).await;
    let tech = app.user("Théo", Role::Technician);
    let res = app.post("/api/runs", &tech, &json!({ "procedure_id": id })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let run: Value = res.json().await.unwrap();
    let run_id = run["id"].as_str().unwrap().to_owned();
    let listed = |user| {
        let app = &app;
        async move {
            let page = app.get_ok("/api/runs", user).await;
            page["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    // In progress: its technician's and the editors', absent (404) for anyone else.
    for stranger in [&other, &viewer] {
        problem(app.get(&format!("/api/runs/{run_id}"), stranger).await, StatusCode::NOT_FOUND).await;
        assert!(listed(stranger).await.is_empty());
    }
    assert_eq!(listed(&tech).await, std::slice::from_ref(&run_id));
    assert_eq!(listed(&a).await, std::slice::from_ref(&run_id));
    ok(app.get(&format!("/api/runs/{run_id}"), &a).await).await;
    let step = steps_of(&run["revision"])[0]["id"].as_str().unwrap().to_owned();
    let res = app.put(&format!("/api/runs/{run_id}/steps/{step}"), &other, &json!({ "result_id": uuid() })).await;
    problem(res, StatusCode::NOT_FOUND).await;
    ok(app.put(&format!("/api/runs/{run_id}/steps/{step}"), &tech, &json!({ "result_id": uuid() })).await).await;
    ok(app.post(&format!("/api/runs/{run_id}/complete"), &tech, &json!({ "signoff_name": "Théo" })).await).await;
    // Completed: the equipment's history, for the whole team.
    for reader in [&other, &viewer] {
        ok(app.get(&format!("/api/runs/{run_id}"), reader).await).await;
        assert_eq!(listed(reader).await, std::slice::from_ref(&run_id));
    }
}

#[tokio::test]
async fn a_sign_off_refuses_another_technicians_signature_and_another_runs_photos() {
    let app = spawn_app().await;
    let (tech, run, steps, procedure_id) = published_run(&app).await;
    let other = app.user("Tina", Role::Technician);
    let theirs = app.file(&other);
    let put = |kind: &'static str, body: Value| {
        let (app, tech, run, steps) = (&app, &tech, run.clone(), steps.clone());
        async move { app.put(&format!("/api/runs/{run}/steps/{}", step_id(&steps, kind)), tech, &body).await }
    };
    // Tina's upload is not Théo's photo, nor his signature.
    let res = put("photo", json!({ "result_id": uuid(), "photo_ids": [theirs] })).await;
    assert!(problem(res, StatusCode::BAD_REQUEST).await["errors"]["foreign_files"][0] == theirs.as_str());
    let res = put("signature", json!({ "result_id": uuid(), "value": theirs })).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .post(
            &format!("/api/runs/{run}/complete"),
            &tech,
            &json!({ "signoff_name": "Théo", "signature_file_id": theirs }),
        )
        .await;
    let p = problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(p["errors"]["foreign_files"][0], theirs.as_str(), "{p}");
    // A photo of this run cannot serve as evidence of another one.
    let photo = app.file(&tech);
    ok(put("photo", json!({ "result_id": uuid(), "photo_ids": [photo] })).await).await;
    let res = app.post("/api/runs", &tech, &json!({ "procedure_id": procedure_id })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let second: Value = res.json().await.unwrap();
    let second_id = second["id"].as_str().unwrap();
    let res = app
        .put(
            &format!("/api/runs/{second_id}/steps/{}", step_id(&steps, "photo")),
            &tech,
            &json!({ "result_id": uuid(), "photo_ids": [photo] }),
        )
        .await;
    let p = problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(p["errors"]["files_of_another_run"][0], photo.as_str(), "{p}");
}

#[tokio::test]
async fn a_run_shows_what_changed_when_a_newer_revision_is_published() {
    let app = spawn_app().await;
    let (_tech, run, _steps, procedure_id) = published_run(&app).await;
    let (a, b) = (app.user("Anne", Role::Editor), app.user("Basile", Role::Editor));
    let res = app.post(&format!("/api/procedures/{procedure_id}/revisions"), &a, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    ok(app.patch(&format!("/api/procedures/{procedure_id}/revisions/2"), &a, &json!({ "title": "Pompe (v2)" })).await)
        .await;
    app.publish(&procedure_id, 2, &a, &b).await;
    let view = app.get_ok(&format!("/api/runs/{run}"), &a).await;
    assert_eq!(view["revision_number"], 1);
    assert_eq!(view["newer_revision"]["number"], 2);
    assert_eq!(view["newer_revision"]["diff"]["fields"][0]["field"], "title");
}

#[tokio::test]
async fn viewers_cannot_run_and_technicians_cannot_run_drafts() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let viewer = app.user("Vera", Role::Viewer);
    let tech = app.user("Théo", Role::Technician);
    let p = app.procedure(&a, "PM-7", "Brouillon", json!([step("instruction", "X")])).await;
    let res = app.post("/api/runs", &viewer, &json!({ "procedure_id": p["id"] })).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let res = app.post("/api/runs", &tech, &json!({ "procedure_id": p["id"] })).await;
    problem(res, StatusCode::NOT_FOUND).await;
    let res = app.post("/api/runs", &a, &json!({ "procedure_id": p["id"] })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "not_published");
}

#[tokio::test]
async fn a_run_for_a_work_order_needs_it_open_for_this_procedure_and_assigned_to_the_runner() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let (theo, lea) = (app.user("Théo", Role::Technician), app.user("Léa", Role::Technician));
    let site = app.asset(&a, "site", None, "WO-SITE", "Usine").await;
    let area = app.asset(&a, "area", site["id"].as_str(), "WO-AREA", "Atelier").await;
    let pump = app.asset(&a, "equipment", area["id"].as_str(), "WO-P1", "Pompe").await;
    let p = app.procedure(&a, "PM-WO", "Graissage", json!([step("instruction", "Graisser")])).await;
    let pid = p["id"].as_str().unwrap();
    app.publish(pid, 1, &a, &b).await;
    // An order as the work service stores it, assigned to Théo.
    let order = uuid::Uuid::now_v7();
    app.execute(&format!(
        "INSERT INTO work_orders (id, title, kind, source, asset_id, site_id, procedure_id, priority, status, assignee_id) \
         VALUES ('{order}', 'Graissage', 'corrective', 'manual', '{}', '{}', '{pid}', 'normal', 'open', '{}')",
        pump["id"].as_str().unwrap(),
        site["id"].as_str().unwrap(),
        theo.id
    ));
    let res = app.post("/api/runs", &lea, &json!({ "procedure_id": pid, "work_order_id": order })).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .post("/api/runs", &theo, &json!({ "procedure_id": pid, "work_order_id": order, "asset_id": area["id"] }))
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res =
        app.post("/api/runs", &theo, &json!({ "procedure_id": pid, "work_order_id": uuid::Uuid::now_v7() })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "work_order_not_startable");
    let run = app.post("/api/runs", &theo, &json!({ "procedure_id": pid, "work_order_id": order })).await;
    assert_eq!(run.status(), StatusCode::CREATED);
    let run: Value = run.json().await.unwrap();
    assert_eq!(run["asset_id"], pump["id"], "the run is on the order's asset");
    assert_eq!(run["work_order_id"], order.to_string());
    let sql = format!("SELECT count(*) AS n FROM outbox WHERE message_type = 'run.started' AND body->'data'->>'work_order_id' = '{order}'");
    assert_eq!(app.count(&sql), 1);
    app.execute(&format!("UPDATE work_orders SET status = 'cancelled', cancelled_at = now() WHERE id = '{order}'"));
    let res = app.post("/api/runs", &theo, &json!({ "procedure_id": pid, "work_order_id": order })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "work_order_not_startable");

    // An order assigned to nobody (and no team) is no technician's to claim: work shows it to
    // none; an editor gives it out, or runs it.
    let nobodys = uuid::Uuid::now_v7();
    app.execute(&format!(
        "INSERT INTO work_orders (id, title, kind, source, asset_id, site_id, procedure_id, priority, status) \
         VALUES ('{nobodys}', 'Graissage', 'corrective', 'manual', '{}', '{}', '{pid}', 'normal', 'open')",
        pump["id"].as_str().unwrap(),
        site["id"].as_str().unwrap(),
    ));
    let res = app.post("/api/runs", &lea, &json!({ "procedure_id": pid, "work_order_id": nobodys })).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let run = app.post("/api/runs", &a, &json!({ "procedure_id": pid, "work_order_id": nobodys })).await;
    assert_eq!(run.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn search_is_accent_and_case_insensitive_in_french_and_english_with_filters() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let site = app.asset(&a, "site", None, "LYON", "Usine de Lyon").await;
    let area = app.asset(&a, "area", site["id"].as_str(), "LYON-STEP", "Station d'épuration").await;
    let pump = app.asset(&a, "equipment", area["id"].as_str(), "P-101", "Pompe de relevage").await;
    let other_site = app.asset(&a, "site", None, "NANTES", "Usine de Nantes").await;

    let p1 = app
        .procedure(
            &a,
            "PM-POMPE-001",
            "Révision de la Pompe",
            json!([step("pass_fail", "Vérifier l'étanchéité des garnitures")]),
        )
        .await;
    let p2 = app
        .procedure(&a, "PM-FAN-002", "Fan belt inspection", json!([step("checkbox", "Check the belts for cracks")]))
        .await;
    let p3 = app.procedure(&a, "PM-VANNE-003", "Vannes", json!([step("instruction", "Graisser les vannes")])).await;
    for (p, asset) in [(&p1, &pump), (&p2, &other_site)] {
        ok(app
            .patch(
                &format!("/api/procedures/{}", p["id"].as_str().unwrap()),
                &a,
                &json!({ "asset_ids": [asset["id"]] }),
            )
            .await)
        .await;
    }
    ok(app
        .patch(
            &format!("/api/procedures/{}/revisions/1", p1["id"].as_str().unwrap()),
            &a,
            &json!({ "tags": ["hydraulique"] }),
        )
        .await)
    .await;
    app.publish(p1["id"].as_str().unwrap(), 1, &a, &b).await;

    let codes = |v: Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(codes(app.get_ok("/api/procedures?q=pompe", &a).await), vec!["PM-POMPE-001"]);
    assert_eq!(codes(app.get_ok("/api/procedures?q=POMPES", &a).await), vec!["PM-POMPE-001"], "French plural stems");
    assert_eq!(codes(app.get_ok("/api/procedures?q=verifier", &a).await), vec!["PM-POMPE-001"], "accents folded");
    assert_eq!(codes(app.get_ok("/api/procedures?q=revision", &a).await), vec!["PM-POMPE-001"]);
    assert_eq!(codes(app.get_ok("/api/procedures?q=belt", &a).await), vec!["PM-FAN-002"], "English stemming");
    assert_eq!(codes(app.get_ok("/api/procedures?q=cracked", &a).await), vec!["PM-FAN-002"]);
    assert_eq!(codes(app.get_ok("/api/procedures?q=pom", &a).await), vec!["PM-POMPE-001"], "prefix while typing");
    assert_eq!(codes(app.get_ok("/api/procedures?q=PM-FAN-002", &a).await), vec!["PM-FAN-002"], "by code");
    assert!(codes(app.get_ok("/api/procedures?q=turbine", &a).await).is_empty());
    // A control character (even NUL, which Postgres text cannot hold) is a space between words.
    assert_eq!(codes(app.get_ok("/api/procedures?q=pompe%00%C2%9C", &a).await), vec!["PM-POMPE-001"]);
    assert_eq!(
        codes(app.get_ok("/api/procedures?q=%00", &a).await),
        codes(app.get_ok("/api/procedures", &a).await),
        "only blanks: no words to find"
    );
    assert!(codes(app.get_ok("/api/procedures?tag=Hydrau%00lique", &a).await).is_empty());

    // Filters: asset with descendants, tag, status.
    let by_site = app.get_ok(&format!("/api/procedures?asset={}", site["id"].as_str().unwrap()), &a).await;
    assert_eq!(codes(by_site), vec!["PM-POMPE-001"]);
    assert_eq!(codes(app.get_ok("/api/procedures?tag=Hydraulique", &a).await), vec!["PM-POMPE-001"]);
    assert_eq!(codes(app.get_ok("/api/procedures?status=draft", &a).await), vec!["PM-FAN-002", "PM-VANNE-003"]);
    let _ = p3;
    // Readers find only the published one.
    let tech = app.user("Théo", Role::Technician);
    assert!(codes(app.get_ok("/api/procedures?q=belt", &tech).await).is_empty());
    assert_eq!(codes(app.get_ok("/api/procedures?q=pompe", &tech).await), vec!["PM-POMPE-001"]);
    problem(app.get("/api/procedures?limit=1000", &a).await, StatusCode::BAD_REQUEST).await;
    problem(app.get("/api/procedures?cursor=garbage", &a).await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_cursor_walk_over_500_procedures_returns_each_exactly_once() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let mut created = HashSet::new();
    for chunk in (0..500).collect::<Vec<_>>().chunks(25) {
        let calls = chunk.iter().map(|i| {
            let (app, a) = (&app, &a);
            async move {
                let title = if i % 2 == 0 { format!("Contrôle pompe {i}") } else { format!("Pompe et vanne {i}") };
                app.procedure(a, &format!("PM-{i:04}"), &title, json!([step("instruction", "Vérifier la pompe")])).await
            }
        });
        for p in futures_util::future::join_all(calls).await {
            created.insert(p["id"].as_str().unwrap().to_owned());
        }
    }
    for query in ["", "&q=pompe"] {
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/procedures?limit=37{query}&cursor={c}"),
                None => format!("/api/procedures?limit=37{query}"),
            };
            let page = app.get_ok(&path, &a).await;
            for item in page["items"].as_array().unwrap() {
                assert!(seen.insert(item["id"].as_str().unwrap().to_owned()), "returned twice: {item}");
            }
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
            assert!(pages < 100);
        }
        assert_eq!(seen, created, "query {query:?}");
    }
}

#[tokio::test]
async fn a_search_lists_title_then_label_then_step_matches_and_pages_past_its_walks_exactly() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    // 150 procedures, few matching `pompe` in their title (one in 25) or tags, half in a step:
    // sparse enough that a page walks past its bound and reads the rest from the index.
    let (mut heading, mut labels, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    for chunk in (0..150).collect::<Vec<_>>().chunks(25) {
        let calls = chunk.iter().map(|i| {
            let (app, a) = (&app, &a);
            async move {
                let title = if i % 25 == 0 { format!("Pompe {i}") } else { format!("Contrôle {i}") };
                let text = if i % 2 == 0 { "Vérifier la pompe" } else { "Graisser le palier" };
                let p = app.procedure(a, &format!("PM-{i:04}"), &title, json!([step("instruction", text)])).await;
                if i % 25 == 3 {
                    let path = format!("/api/procedures/{}/revisions/1", p["id"].as_str().unwrap());
                    ok(app.patch(&path, a, &json!({ "tags": ["pompes"] })).await).await;
                }
                (*i, p["id"].as_str().unwrap().to_owned())
            }
        });
        for (i, id) in futures_util::future::join_all(calls).await {
            match i {
                i if i % 25 == 0 => heading.push((i, id)),
                i if i % 25 == 3 => labels.push((i, id)),
                i if i % 2 == 0 => steps.push((i, id)),
                _ => {}
            }
        }
    }
    let ids = |tier: &[(usize, String)]| {
        let mut tier = tier.to_vec();
        tier.sort();
        tier.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    let expected = [ids(&heading), ids(&labels), ids(&steps)].concat();
    let walk = |query: &'static str, limit: usize| {
        let (app, a) = (&app, &a);
        async move {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    Some(c) => format!("/api/procedures?{query}&limit={limit}&cursor={c}"),
                    None => format!("/api/procedures?{query}&limit={limit}"),
                };
                let page = app.get_ok(&path, a).await;
                seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()));
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => break,
                }
                assert!(seen.len() <= 150, "{query}, limit {limit}: the walk goes on past every procedure");
            }
            seen
        }
    };
    for limit in [2, 7, 100] {
        assert_eq!(
            walk("q=pompe", limit).await,
            expected,
            "limit {limit}: title, then tags, then steps; each by code, once"
        );
    }
    assert_eq!(walk("q=pompe&tag=Pompes", 2).await, ids(&labels), "the tag filter within a sparse tier");
}

#[tokio::test]
async fn the_audit_chain_verifies_and_an_edited_row_breaks_it() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app.procedure(&a, "PM-8", "Audit", every_kind()).await;
    let id = p["id"].as_str().unwrap();
    app.publish(id, 1, &a, &b).await;
    let trail = app.get_ok(&format!("/api/procedures/{id}/audit"), &a).await;
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["procedure.created", "revision.submitted", "revision.approved"]);
    assert_eq!(trail["items"][2]["actor_id"], b.id.to_string());
    assert_eq!(trail["actor_names"][b.id.to_string()], "Bruno", "readers see who acted, not only an id");
    let revision = app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &b).await;
    assert_eq!(revision["author_name"], "Alice");
    assert_eq!(trail["items"][2]["before"]["status"], "in_review");
    assert_eq!(trail["items"][2]["after"]["status"], "published");
    let tech = app.user("Théo", Role::Technician);
    problem(app.get(&format!("/api/procedures/{id}/audit"), &tech).await, StatusCode::FORBIDDEN).await;

    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["entries_checked"], 3);
    assert_eq!(report["unsealed"], 0, "verify seals what was written before it checks");
    assert_eq!(report["checkpoint_seq"], trail["items"][2]["seq"], "the head is written outside the database");

    {
        use diesel::RunQueryDsl;
        let mut conn = app.db.connect();
        // The tables refuse changes, even from their owner; an attacker with the database's
        // superuser turns triggers off.
        for refused in [
            "UPDATE audit_events SET actor_id = gen_random_uuid() WHERE seq = 2",
            "DELETE FROM audit_seals",
            "TRUNCATE audit_events CASCADE",
            "TRUNCATE audit_seals",
        ] {
            assert!(diesel::sql_query(refused).execute(&mut conn).is_err(), "{refused}");
        }
        diesel::sql_query("SET session_replication_role = replica").execute(&mut conn).unwrap();
        diesel::sql_query("UPDATE audit_events SET after = jsonb_set(after, '{status}', '\"draft\"') WHERE action = 'revision.submitted'")
            .execute(&mut conn)
            .unwrap();
    }
    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], false);
    let seq = trail["items"][1]["seq"].as_i64().unwrap();
    assert_eq!(report["broken_at_seq"], seq);
}

/// Three entries, sealed: the seal checks of the tests below start from a valid chain.
async fn sealed_trail(app: &TestApp, a: &TestUser, code: &str) -> Vec<i64> {
    let p = app.procedure(a, code, "Audit", json!([step("instruction", "X")])).await;
    let id = p["id"].as_str().unwrap();
    for title in ["Y", "Z"] {
        ok(app.patch(&format!("/api/procedures/{id}/revisions/1"), a, &json!({ "title": title })).await).await;
    }
    let report = app.get_ok("/api/procedures/audit/verify", a).await;
    assert_eq!(report["valid"], true, "{report}");
    let trail = app.get_ok(&format!("/api/procedures/{id}/audit"), a).await;
    trail["items"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

fn as_superuser(app: &TestApp, statements: &[&str]) {
    use diesel::RunQueryDsl;
    let mut conn = app.db.connect();
    diesel::sql_query("SET session_replication_role = replica").execute(&mut conn).unwrap();
    for statement in statements {
        diesel::sql_query(*statement).execute(&mut conn).unwrap();
    }
}

#[tokio::test]
async fn a_deleted_audit_row_breaks_the_chain() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let seqs = sealed_trail(&app, &a, "PM-9").await;
    as_superuser(
        &app,
        &[
            &format!("DELETE FROM audit_seals WHERE seq = {}", seqs[1]),
            &format!("DELETE FROM audit_events WHERE seq = {}", seqs[1]),
        ],
    );
    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["broken_at_seq"], seqs[2], "the entry after the removed one no longer matches");
    assert!(report["reason"].as_str().unwrap().contains("removed"));
}

#[tokio::test]
async fn a_tail_rebuilt_without_the_key_or_truncated_is_found() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let seqs = sealed_trail(&app, &a, "PM-10").await;
    // Rewritten as the plain SHA-256 chain was built: a hash over the entry and the one before.
    let last = seqs[2];
    as_superuser(
        &app,
        &[
            &format!("UPDATE audit_events SET after = '{{\"title\": \"Autre\"}}' WHERE seq = {last}"),
            &format!(
                "UPDATE audit_seals SET mac = encode(sha256(convert_to((SELECT mac FROM audit_seals WHERE seq = {}) ||                  (SELECT row_to_json(e)::text FROM audit_events e WHERE seq = {last}), 'UTF8')), 'hex') WHERE seq = {last}",
                seqs[1]
            ),
        ],
    );
    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["broken_at_seq"], last);

    // Truncated: both tables emptied, as a superuser would; only the checkpoint remembers.
    as_superuser(&app, &["TRUNCATE audit_seals, audit_events"]);
    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["broken_at_seq"], last, "the checkpoint's entry is gone");
    assert!(report["reason"].as_str().unwrap().contains("checkpoint"), "{report}");

    // …and new entries after the truncation do not hide it, nor overwrite the checkpoint.
    app.procedure(&a, "PM-11", "Après", json!([step("instruction", "X")])).await;
    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["checkpoint_seq"], last);
}

#[tokio::test]
async fn entries_written_at_once_are_all_sealed_in_order() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let p = app.procedure(&a, "PM-12", "Parallèle", json!([step("instruction", "X")])).await;
    let id = p["id"].as_str().unwrap().to_owned();
    // Writers do not wait for one another, and the sealer seals while they write.
    let writes =
        (0..40).map(|i| {
            let (app, a, id) = (&app, &a, &id);
            async move {
                app.patch(&format!("/api/procedures/{id}/revisions/1"), a, &json!({ "title": format!("T{i}") })).await
            }
        });
    for res in futures_util::future::join_all(writes).await {
        assert_eq!(res.status(), StatusCode::OK);
    }
    let report = app.get_ok("/api/procedures/audit/verify", &a).await;
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["unsealed"], 0);
    assert_eq!(report["entries_checked"].as_i64().unwrap(), app.count("SELECT count(*) AS n FROM audit_events"));
}

#[tokio::test]
async fn assets_form_a_tree_that_cannot_loop() {
    let app = spawn_app().await;
    let a = app.user("Alice", Role::Editor);
    let site = app.asset(&a, "site", None, "LYON", "Lyon").await;
    let area = app.asset(&a, "area", site["id"].as_str(), "ZONE-A", "Zone A").await;
    let sub = app.asset(&a, "area", area["id"].as_str(), "ZONE-A1", "Zone A1").await;
    let pump = app.asset(&a, "equipment", sub["id"].as_str(), "P-1", "Pompe").await;

    let res = app.post("/api/assets", &a, &json!({ "kind": "equipment", "code": "P-2", "name": "Sans parent" })).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .post(
            "/api/assets",
            &a,
            &json!({ "kind": "equipment", "parent_id": site["id"], "code": "P-3", "name": "Sur le site" }),
        )
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app.post("/api/assets", &a, &json!({ "kind": "site", "code": "lyon", "name": "Doublon" })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "code_taken");
    // Moving an area under its own child is refused.
    let res = app
        .patch(&format!("/api/assets/{}", area["id"].as_str().unwrap()), &a, &json!({ "parent_id": sub["id"] }))
        .await;
    problem(res, StatusCode::BAD_REQUEST).await;

    let detail = app.get_ok(&format!("/api/assets/{}", pump["id"].as_str().unwrap()), &a).await;
    let path: Vec<&str> = detail["ancestors"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(path, vec!["LYON", "ZONE-A", "ZONE-A1"]);

    // Move the pump up to zone A, edit it, then archive; an area with children cannot be archived.
    let moved = ok(app
        .patch(
            &format!("/api/assets/{}", pump["id"].as_str().unwrap()),
            &a,
            &json!({ "parent_id": area["id"], "serial_number": "SN-42" }),
        )
        .await)
    .await;
    assert_eq!(moved["parent_id"], area["id"]);
    assert_eq!(moved["serial_number"], "SN-42");
    let res = app.post(&format!("/api/assets/{}/archive", area["id"].as_str().unwrap()), &a, &json!({})).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "asset_has_children");
    let archived =
        ok(app.post(&format!("/api/assets/{}/archive", sub["id"].as_str().unwrap()), &a, &json!({})).await).await;
    assert_eq!(archived["archived"], true);
    let children = app.get_ok(&format!("/api/assets?parent={}", area["id"].as_str().unwrap()), &a).await;
    assert_eq!(children["items"].as_array().unwrap().len(), 1);
    let roots = app.get_ok("/api/assets", &a).await;
    assert_eq!(roots["items"][0]["code"], "LYON");
    let tech = app.user("Théo", Role::Technician);
    let res = app.post("/api/assets", &tech, &json!({ "kind": "site", "code": "X", "name": "X" })).await;
    problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn export_then_import_makes_a_new_draft_with_the_same_steps() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app.procedure(&a, "PM-10", "Export", every_kind()).await;
    let id = p["id"].as_str().unwrap();
    app.publish(id, 1, &a, &b).await;
    let doc = app.get_ok(&format!("/api/procedures/{id}/export"), &a).await;
    assert_eq!(doc["format"], "gamme.procedure");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["revision"]["content"]["sections"][0]["steps"].as_array().unwrap().len(), 8);

    // Same code: a new draft of this procedure.
    let res = app.post("/api/procedures/import", &a, &doc).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let imported: Value = res.json().await.unwrap();
    assert_eq!(imported["latest_revision"]["number"], 2);
    assert_eq!(imported["latest_revision"]["status"], "draft");
    // Another code: a new procedure.
    let mut other = doc.clone();
    other["procedure"]["code"] = json!("PM-11");
    let res = app.post("/api/procedures/import", &a, &other).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(steps_of(&created["revision"]).len(), 8);
    // A document of another format is refused.
    let mut wrong = doc.clone();
    wrong["version"] = json!(99);
    problem(app.post("/api/procedures/import", &a, &wrong).await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn health_and_openapi_answer() {
    let app = spawn_app().await;
    let res = app.client.get(format!("{}/readyz", app.address)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = app
        .client
        .get(format!("{}/api/procedures/openapi.json", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/runs/{id}/steps/{step_id}"]["put"].is_object());
}

#[test]
fn the_committed_openapi_document_is_current() {
    gamme_service_kit::openapi::assert_committed("procedures", &gamme_procedures::openapi::document());
}

#[tokio::test]
async fn an_export_carries_the_attachments_metadata_and_the_files_service_sees_the_reference() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let photo = app.file(&a);
    let p = app
        .procedure(
            &a,
            "PM-12",
            "Avec photo",
            json!([{ "kind": "instruction", "title": "Repérer la vanne", "attachments": [photo] }]),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    assert_eq!(steps_of(&p["revision"])[0]["attachments"], json!([photo]));
    let references = format!("SELECT count(*) AS n FROM file_references WHERE file_id = '{photo}' AND protected");
    assert_eq!(app.count(&references), 0, "a draft does not protect its files");
    app.publish(id, 1, &a, &b).await;
    assert_eq!(app.count(&references), 1, "a published revision does");
    let doc = app.get_ok(&format!("/api/procedures/{id}/export"), &a).await;
    assert_eq!(doc["attachments"][0]["file_id"], photo.as_str());
    assert_eq!(doc["attachments"][0]["name"], "photo.jpg");
    assert_eq!(doc["attachments"][0]["media_type"], "image/jpeg");
    assert_eq!(doc["attachments"][0]["sha256"].as_str().unwrap().len(), 64);
}

/// A procedure whose revision 1 Alice wrote and Bruno published, and Alice's draft 2 of it:
/// the editors and the procedure's id.
async fn published_with_a_draft(app: &support::TestApp, code: &str) -> (TestUser, TestUser, String) {
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app.procedure(&a, code, "Vidange", json!([step("instruction", "Vidanger")])).await;
    let id = p["id"].as_str().unwrap().to_owned();
    app.publish(&id, 1, &a, &b).await;
    let draft = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(draft.status(), StatusCode::CREATED);
    (a, b, id)
}

#[tokio::test]
async fn abandoning_a_draft_falls_back_to_the_published_revision_and_a_published_one_cannot_be_abandoned() {
    let app = spawn_app().await;
    let (a, _, id) = published_with_a_draft(&app, "PM-10").await;

    let abandoned = ok(app.post(&format!("/api/procedures/{id}/revisions/2/archive"), &a, &json!({})).await).await;
    assert_eq!(abandoned["status"], "archived");
    let procedure = app.get_ok(&format!("/api/procedures/{id}"), &a).await;
    assert_eq!(procedure["latest_revision"]["number"], 1, "the newest revision is the published one again");
    for n in [1, 2] {
        let res = app.post(&format!("/api/procedures/{id}/revisions/{n}/archive"), &a, &json!({})).await;
        assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "not_a_draft", "revision {n}");
    }
    // The abandoned number is not reused.
    let next = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(next.status(), StatusCode::CREATED);
    assert_eq!(next.json::<Value>().await.unwrap()["number"], 3);
}

#[tokio::test]
async fn publishing_a_second_revision_records_which_revision_it_superseded() {
    let app = spawn_app().await;
    let (a, b, id) = published_with_a_draft(&app, "PM-11").await;
    app.publish(&id, 2, &a, &b).await;

    let trail = app.get_ok(&format!("/api/procedures/{id}/audit"), &a).await;
    let items = trail["items"].as_array().unwrap();
    let superseded = items.iter().find(|e| e["action"] == "revision.superseded").unwrap();
    assert_eq!(superseded["entity_type"], "revision");
    assert_eq!(superseded["before"], json!({ "number": 1, "status": "published" }));
    assert_eq!(superseded["after"], json!({ "number": 1, "status": "superseded", "by": 2 }));
    assert_eq!(superseded["actor_id"], b.id.to_string());
    // One event per publication, the second naming the revision it replaced.
    assert_eq!(app.count("SELECT count(*) AS n FROM outbox WHERE message_type = 'procedure.published'"), 2);
    let revision_one = app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &a).await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM outbox WHERE message_type = 'procedure.published' \
             AND jsonb_path_exists(body, '$.**.superseded_revision_id ? (@ == \"{}\")')",
            revision_one["id"].as_str().unwrap()
        )),
        1
    );
}

#[tokio::test]
async fn an_archived_procedure_withdraws_its_revisions_and_can_no_longer_be_run_or_drafted() {
    let app = spawn_app().await;
    let (a, _, id) = published_with_a_draft(&app, "PM-12").await;
    let tech = app.user("Théo", Role::Technician);

    let archived = ok(app.post(&format!("/api/procedures/{id}/archive"), &a, &json!({})).await).await;
    assert_eq!(archived["archived"], true);
    let revisions = app.get_ok(&format!("/api/procedures/{id}/revisions"), &a).await;
    let statuses: Vec<&str> =
        revisions["items"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["archived", "archived"]);
    // Archiving again changes nothing.
    let audit_before = app.count("SELECT count(*) AS n FROM audit_events");
    ok(app.post(&format!("/api/procedures/{id}/archive"), &a, &json!({})).await).await;
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_events"), audit_before);

    let res = app.post("/api/runs", &tech, &json!({ "procedure_id": id })).await;
    problem(res, StatusCode::NOT_FOUND).await;
    let res = app.post("/api/runs", &a, &json!({ "procedure_id": id })).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "not_published");
    let res = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "procedure_archived");
}

#[tokio::test]
async fn another_services_audit_entry_is_entered_once_and_shown_to_admins() {
    let app = spawn_app().await;
    let (admin, editor) = (app.user("Ada", Role::Admin), app.user("Alice", Role::Editor));
    let user_id = uuid::Uuid::now_v7();
    let envelope = gamme_bus::Envelope::new(
        gamme_bus::Event::AuditEntry {
            actor_id: admin.id,
            action: "user.deactivated".into(),
            entity_type: "user".into(),
            entity_id: user_id,
            before: Some(json!({ "is_active": true })),
            after: Some(json!({ "is_active": false })),
        },
        None,
    );
    // As auth would send it: through the outbox and the broker.
    gamme_bus::outbox::enqueue(&mut app.db.connect(), &envelope).unwrap();
    let path = format!("/api/procedures/audit?entity_type=user&entity_id={user_id}");
    let mut page = Value::Null;
    for _ in 0..100 {
        page = app.get_ok(&path, &admin).await;
        if !page["items"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["action"], "user.deactivated");
    assert_eq!(items[0]["entity_type"], "user");
    assert_eq!(items[0]["actor_id"], admin.id.to_string());
    assert_eq!(items[0]["after"]["is_active"], false);
    assert_eq!(page["actor_names"][admin.id.to_string()], "Ada");
    // Delivered again, as the broker does after a lost acknowledgement: entered once.
    let gamme_bus::Event::AuditEntry { actor_id, action, entity_id, before, after, .. } = envelope.event else {
        unreachable!()
    };
    let again = gamme_procedures::audit::Reported {
        actor_id,
        action,
        entity_type: gamme_procedures::audit::AuditEntity::User,
        entity_id,
        before,
        after,
    };
    let conn = &mut app.db.connect();
    assert!(!gamme_procedures::audit::AuditEvent::record_reported(conn, envelope.message_id, again).unwrap());
    assert_eq!(
        app.get_ok(&path, &admin).await["items"].as_array().unwrap().len(),
        1,
        "the second delivery is not entered"
    );
    problem(app.get(&path, &editor).await, StatusCode::FORBIDDEN).await;
    let report = app.get_ok("/api/procedures/audit/verify", &admin).await;
    assert_eq!(report["valid"], true, "{report}");
}

/// `user` holding a token from a sign-in `secs_ago` seconds ago.
fn signed_in_ago(app: &TestApp, user: &TestUser, secs_ago: i64) -> TestUser {
    TestUser { token: app.issuer.signed_in_ago(user, secs_ago), ..user.clone() }
}

#[tokio::test]
async fn signatures_need_a_recent_sign_in_and_record_who_signed_what_and_its_meaning() {
    let app = spawn_app().await;
    let (author, reviewer) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let (tech, checker) = (app.user("Théo", Role::Technician), app.user("Tina", Role::Technician));
    let p = app
        .procedure(&author, &format!("PM-S-{}", &uuid()[..8]), "Graissage", json!([step("checkbox", "Graisser")]))
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    let draft = ok(app
        .patch(&format!("/api/procedures/{id}/revisions/1"), &author, &json!({ "requires_verification": true }))
        .await)
    .await;
    assert_eq!(draft["requires_verification"], true);
    ok(app.post(&format!("/api/procedures/{id}/revisions/1/submit"), &author, &json!({})).await).await;

    // Approval: a sign-in of ten minutes ago is too old to sign (five by default); nothing changes.
    let approve = format!("/api/procedures/{id}/revisions/1/approve");
    let stale = app.post(&approve, &signed_in_ago(&app, &reviewer, 600), &json!({})).await;
    let refused = problem(stale, StatusCode::FORBIDDEN).await;
    assert_eq!(refused["code"], "reauthentication_required");
    assert!(refused["detail"].as_str().unwrap().contains("/api/auth/reauthenticate"), "{refused}");
    assert_eq!(app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &author).await["status"], "in_review");
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM signatures WHERE subject_id = (SELECT id FROM revisions WHERE procedure_id = '{id}')")), 0);
    let published = ok(app.post(&approve, &signed_in_ago(&app, &reviewer, 60), &json!({})).await).await;
    let approval = &published["signatures"][0];
    assert_eq!(published["signatures"].as_array().unwrap().len(), 1);
    assert_eq!(approval["meaning"], "approved");
    assert_eq!(approval["signer_id"], reviewer.id.to_string());
    assert_eq!(approval["signer_name"], "Bruno");
    assert!(approval["signed_at"].is_string() && approval["authenticated_at"].is_string());
    let revision_hash = approval["content_hash"].as_str().unwrap().to_owned();
    assert_eq!(revision_hash.len(), 64);

    // Sign-off: the performer signs the results.
    let res = app.post("/api/runs", &tech, &json!({ "procedure_id": id })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let run: Value = res.json().await.unwrap();
    let run_id = run["id"].as_str().unwrap().to_owned();
    assert_eq!(run["verification"], "pending");
    let grease = steps_of(&run["revision"])[0]["id"].as_str().unwrap().to_owned();
    ok(app
        .put(&format!("/api/runs/{run_id}/steps/{grease}"), &tech, &json!({ "result_id": uuid(), "value": true }))
        .await)
    .await;
    let complete = format!("/api/runs/{run_id}/complete");
    let stale = app.post(&complete, &signed_in_ago(&app, &tech, 3600), &json!({ "signoff_name": "Théo" })).await;
    assert_eq!(problem(stale, StatusCode::FORBIDDEN).await["code"], "reauthentication_required");
    assert_eq!(app.get_ok(&format!("/api/runs/{run_id}"), &tech).await["status"], "in_progress");
    let done = ok(app.post(&complete, &tech, &json!({ "signoff_name": "Théo" })).await).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["verification"], "pending");
    let performed = &done["signatures"][0];
    assert_eq!(performed["meaning"], "performed");
    assert_eq!(performed["signer_id"], tech.id.to_string());
    assert_eq!(performed["signer_name"], "Théo");
    let results_hash = performed["content_hash"].as_str().unwrap().to_owned();
    assert_ne!(results_hash, revision_hash);
    // A supervisor finds what waits for them.
    let waiting = app.get_ok(&format!("/api/runs?procedure={id}&verification=pending"), &reviewer).await;
    assert_eq!(waiting["items"][0]["id"], run_id.as_str());
    assert_eq!(waiting["items"][0]["verification"], "pending");
    let none = app.get_ok(&format!("/api/runs?procedure={id}&verification=verified"), &reviewer).await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let res = app.get("/api/runs?verification=soon", &reviewer).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    // Verification: never by the performer, only with a recent sign-in, once.
    let verify = format!("/api/runs/{run_id}/verify");
    let own = app.post(&verify, &tech, &json!({})).await;
    assert!(problem(own, StatusCode::FORBIDDEN).await["detail"].as_str().unwrap().contains("second person"));
    let stale = app.post(&verify, &signed_in_ago(&app, &checker, 301), &json!({})).await;
    assert_eq!(problem(stale, StatusCode::FORBIDDEN).await["code"], "reauthentication_required");
    let viewer = app.user("Victor", Role::Viewer);
    problem(app.post(&verify, &viewer, &json!({})).await, StatusCode::FORBIDDEN).await;
    let verified = ok(app.post(&verify, &checker, &json!({})).await).await;
    assert_eq!(verified["verification"], "verified");
    let second = &verified["signatures"][1];
    assert_eq!(second["meaning"], "verified");
    assert_eq!(second["signer_name"], "Tina");
    assert_eq!(second["content_hash"], results_hash.as_str(), "both signed the same results");
    let again = app.post(&verify, &app.user("Edith", Role::Editor), &json!({})).await;
    assert_eq!(problem(again, StatusCode::CONFLICT).await["code"], "already_signed");
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_events WHERE action = 'run.verified'"), 1);
    let verified = app.get_ok(&format!("/api/runs?procedure={id}&verification=verified"), &reviewer).await;
    assert_eq!(verified["items"][0]["id"], run_id.as_str());
    let waiting = app.get_ok(&format!("/api/runs?procedure={id}&verification=pending"), &reviewer).await;
    assert_eq!(waiting["items"].as_array().unwrap().len(), 0);

    // A signature never changes, whoever asks.
    use diesel::RunQueryDsl;
    let mut conn = app.db.connect();
    let edit = diesel::sql_query(format!("UPDATE signatures SET signer_name = 'X' WHERE subject_id = '{run_id}'"))
        .execute(&mut conn);
    assert!(edit.is_err(), "a signature was changed");
    assert!(diesel::sql_query("TRUNCATE signatures").execute(&mut conn).is_err(), "the signatures were truncated");
}

#[tokio::test]
async fn verification_is_not_required_unless_the_revision_asks_and_needs_a_signed_off_run() {
    let app = spawn_app().await;
    let (tech, run, _, _) = published_run(&app).await;
    let fresh = app.get_ok(&format!("/api/runs/{run}"), &tech).await;
    assert_eq!(fresh["verification"], "not_required");
    // An editor sees the run in progress, but only a signed-off run can be verified.
    let res = app.post(&format!("/api/runs/{run}/verify"), &app.user("Edith", Role::Editor), &json!({})).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await["code"], "run_not_completed");
    // Another technician does not see it at all while it is open.
    let res = app.post(&format!("/api/runs/{run}/verify"), &app.user("Tina", Role::Technician), &json!({})).await;
    problem(res, StatusCode::NOT_FOUND).await;
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM signatures WHERE subject_id = '{run}'")), 0);
}

#[tokio::test]
async fn a_safety_review_names_what_a_new_revision_weakens_on_both_sides() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let p = app
        .procedure(
            &a,
            "PM-SAFE",
            "Pompe de relevage",
            json!([
                { "kind": "instruction", "title": "Consigner l'armoire électrique", "body": "Cadenas personnel." },
                { "kind": "instruction", "title": "Purger le circuit", "warning_level": "danger", "warning_text": "Fluide à 90 °C" },
                { "kind": "number", "title": "Pression", "unit": "bar", "min": 2.0, "max": 3.0 },
                { "kind": "number", "title": "Température", "unit": "°C", "min": 10.0, "max": 80.0 },
                { "kind": "number", "title": "Débit", "unit": "m³/h", "max": 10.0 },
                { "kind": "checkbox", "title": "Contrôler le joint" },
                { "kind": "instruction", "title": "Porter les gants", "body": "Gants nitrile." },
                { "kind": "instruction", "title": "Nettoyer le carter", "warning_level": "warning", "warning_text": "Arêtes vives" },
                { "kind": "instruction", "title": "Remettre le capot", "warning_level": "caution", "warning_text": "Pincement" },
                { "kind": "instruction", "title": "Ranger l'outillage" }
            ]),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    ok(app.patch(&format!("/api/procedures/{id}/revisions/1"), &a, &json!({ "ppe": ["gants", "lunettes"] })).await)
        .await;
    let none = app.get_ok(&format!("/api/procedures/{id}/revisions/1/safety-review"), &a).await;
    assert_eq!(none["against_number"], Value::Null, "nothing to weaken yet");
    assert_eq!(none["findings"], json!([]));
    let unsourced: Vec<&str> =
        none["unsourced_limits"].as_array().unwrap().iter().map(|u| u["step"]["title"].as_str().unwrap()).collect();
    assert_eq!(unsourced, ["Pression", "Température", "Débit"], "every typed limit is for the reviewer to check");
    app.publish(id, 1, &a, &b).await;

    let res = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let old: Vec<Value> = steps_of(&res.json().await.unwrap());
    let published = steps_of(&app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &a).await);
    let was = |t: &str| published.iter().find(|s| s["title"] == t).unwrap()["id"].clone();
    let mut steps = Vec::new();
    for s in &old {
        let mut input = as_input(s);
        match s["title"].as_str().unwrap() {
            "Consigner l'armoire électrique" => continue,
            "Purger le circuit" => input["warning_level"] = json!("caution"),
            "Pression" => input["max"] = json!(4.0),
            "Température" => input["unit"] = json!("°F"),
            "Débit" => input["max"] = Value::Null,
            "Contrôler le joint" => input["required"] = json!(false),
            "Porter les gants" => {
                input["title"] = json!("Préparer le poste");
                input["body"] = json!("");
            }
            "Nettoyer le carter" => {
                input["warning_level"] = Value::Null;
                input["warning_text"] = Value::Null;
            }
            // Re-created as a new step with the same title and warning: not a removal.
            "Remettre le capot" => {
                input["id"] = Value::Null;
            }
            _ => {}
        }
        steps.push(input);
    }
    let res = app
        .put(
            &format!("/api/procedures/{id}/revisions/2/content"),
            &a,
            &json!({ "sections": [{ "title": null, "steps": steps }] }),
        )
        .await;
    let revised = ok(res).await;
    ok(app.patch(&format!("/api/procedures/{id}/revisions/2"), &a, &json!({ "ppe": ["Gants"] })).await).await;
    let new = steps_of(&revised);
    let new_id = |t: &str| new.iter().find(|s| s["title"] == t).unwrap()["id"].clone();

    let review = app.get_ok(&format!("/api/procedures/{id}/revisions/2/safety-review"), &a).await;
    assert_eq!(review["revision_number"], 2);
    assert_eq!(review["against_number"], 1);
    let findings: Vec<(String, Value, Value, Value, Value)> = review["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["before_step"]["step_id"].clone(),
                f["after_step"]["step_id"].clone(),
                f["before"].clone(),
                f["after"].clone(),
            )
        })
        .collect();
    let expected = vec![
        (
            "safety_step_removed".to_owned(),
            was("Consigner l'armoire électrique"),
            Value::Null,
            json!(["lock_out"]),
            Value::Null,
        ),
        (
            "warning_lowered".to_owned(),
            was("Purger le circuit"),
            new_id("Purger le circuit"),
            json!("danger"),
            json!("caution"),
        ),
        (
            "limit_widened".to_owned(),
            was("Pression"),
            new_id("Pression"),
            json!({ "min": 2.0, "max": 3.0, "unit": "bar" }),
            json!({ "min": 2.0, "max": 4.0, "unit": "bar" }),
        ),
        (
            "unit_changed".to_owned(),
            was("Température"),
            new_id("Température"),
            json!({ "min": 10.0, "max": 80.0, "unit": "°C" }),
            json!({ "min": 10.0, "max": 80.0, "unit": "°F" }),
        ),
        (
            "limit_removed".to_owned(),
            was("Débit"),
            new_id("Débit"),
            json!({ "min": null, "max": 10.0, "unit": "m³/h" }),
            json!({ "min": null, "max": null, "unit": "m³/h" }),
        ),
        (
            "step_made_optional".to_owned(),
            was("Contrôler le joint"),
            new_id("Contrôler le joint"),
            json!(true),
            json!(false),
        ),
        (
            "safety_wording_removed".to_owned(),
            was("Porter les gants"),
            new_id("Préparer le poste"),
            json!(["ppe"]),
            json!([]),
        ),
        (
            "warning_removed".to_owned(),
            was("Nettoyer le carter"),
            new_id("Nettoyer le carter"),
            json!("warning"),
            Value::Null,
        ),
        ("ppe_removed".to_owned(), Value::Null, Value::Null, json!("lunettes"), Value::Null),
    ];
    assert_eq!(findings, expected, "{review:#}");

    // Readers do not see the draft, so not its review either; the published one compares
    // with nothing older once it is the first.
    let viewer = app.user("Vera", Role::Viewer);
    problem(app.get(&format!("/api/procedures/{id}/revisions/2/safety-review"), &viewer).await, StatusCode::NOT_FOUND)
        .await;
    let first = app.get_ok(&format!("/api/procedures/{id}/revisions/1/safety-review"), &viewer).await;
    assert_eq!(first["against_number"], Value::Null);
    // Once published, revision 2 is compared with the revision it replaced.
    app.publish(id, 2, &a, &b).await;
    let after = app.get_ok(&format!("/api/procedures/{id}/revisions/2/safety-review"), &viewer).await;
    assert_eq!(after["against_number"], 1);
    assert_eq!(after["findings"].as_array().unwrap().len(), expected.len());
}

#[tokio::test]
async fn a_limit_keeps_its_source_until_a_person_changes_it_and_the_review_lists_those_without() {
    let app = spawn_app().await;
    let (a, b) = (app.user("Alice", Role::Editor), app.user("Bruno", Role::Editor));
    let manual = app.file(&a);
    let source = json!({ "file_id": manual, "page": 12, "passage": "Pression de service : 2 à 3 bar." });
    let p = app
        .procedure(
            &a,
            "PM-SRC",
            "Compresseur",
            json!([
                { "kind": "number", "title": "Pression", "unit": "bar", "min": 2.0, "max": 3.0, "limit_source": source },
                { "kind": "number", "title": "Température", "unit": "°C", "max": 90.0 },
                { "kind": "number", "title": "Vibrations", "unit": "mm/s", "max": 4.5,
                  "limit_source": { "file_id": manual, "page": 3, "passage": "Vibrations < 4,5 mm/s" } }
            ]),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let steps = steps_of(&p["revision"]);
    assert_eq!(steps[0]["limit_source"], source, "the source is kept and shown");
    assert_eq!(steps[1]["limit_source"], Value::Null);
    let review = app.get_ok(&format!("/api/procedures/{id}/revisions/1/safety-review"), &a).await;
    let titles = |r: &Value| -> Vec<String> {
        r["unsourced_limits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["step"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(&review), ["Température"]);
    assert_eq!(review["unsourced_limits"][0]["limits"], json!({ "min": null, "max": 90.0, "unit": "°C" }));
    assert_eq!(review["unsourced_limits"][0]["before"], Value::Null);

    // A source on a step with nothing to vouch for, or out of bounds, is refused and changes nothing.
    let content = |steps: Value| json!({ "sections": [{ "title": null, "steps": steps }] });
    let bad = [
        json!([{ "kind": "checkbox", "title": "Joint", "limit_source": source }]),
        json!([{ "kind": "number", "title": "Compteur", "limit_source": source }]),
        json!([{ "kind": "number", "title": "P", "max": 1.0, "limit_source": { "file_id": manual, "page": 0, "passage": "x" } }]),
        json!([{ "kind": "number", "title": "P", "max": 1.0, "limit_source": { "file_id": manual, "page": 1, "passage": " " } }]),
        json!([{ "kind": "number", "title": "P", "max": 1.0, "limit_source": { "file_id": uuid(), "page": 1, "passage": "x" } }]),
    ];
    for steps in bad {
        let res = app.put(&format!("/api/procedures/{id}/revisions/1/content"), &a, &content(steps.clone())).await;
        problem(res, StatusCode::BAD_REQUEST).await;
    }
    let unchanged = steps_of(&app.get_ok(&format!("/api/procedures/{id}/revisions/1"), &a).await);
    assert_eq!(unchanged, steps, "a refused content changes nothing");
    app.publish(id, 1, &a, &b).await;

    // The next revision keeps the sources; a person who widens the limit while sending the same
    // source loses it, and the review lists that limit with what it was.
    let res = app.post(&format!("/api/procedures/{id}/revisions"), &a, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let draft = steps_of(&res.json().await.unwrap());
    assert_eq!(draft[0]["limit_source"], source, "a new revision keeps the provenance");
    let mut inputs: Vec<Value> = draft
        .iter()
        .map(|s| {
            let mut input = as_input(s);
            input["limit_source"] = s["limit_source"].clone();
            input
        })
        .collect();
    inputs[0]["max"] = json!(3.5);
    let revised = steps_of(
        &ok(app.put(&format!("/api/procedures/{id}/revisions/2/content"), &a, &content(json!(inputs))).await).await,
    );
    assert_eq!(revised[0]["limit_source"], Value::Null, "the passage no longer says what the step does");
    assert_eq!(revised[2]["limit_source"]["page"], 3, "an unchanged limit keeps its source");
    let review = app.get_ok(&format!("/api/procedures/{id}/revisions/2/safety-review"), &a).await;
    assert_eq!(titles(&review), ["Pression"], "an unchanged typed limit was checked at the last approval");
    assert_eq!(review["unsourced_limits"][0]["before"], json!({ "min": 2.0, "max": 3.0, "unit": "bar" }));
    assert_eq!(review["findings"][0]["kind"], "limit_widened");
}
