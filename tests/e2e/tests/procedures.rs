//! The procedures service through nginx, with tokens the auth service issued: an asset tree,
//! a procedure written by one editor and approved by another, a technician's run from the
//! first reading to the sign-off, and a second revision that the finished run points to.
//!
//! Every test makes its own users, codes and assets, so reruns on the same stack pass.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::sync::atomic::{AtomicU32, Ordering};

use gamme_e2e::{admin, base_url, client, uploaded, user_with_role, Session};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A code no other test run has used: time, process and a counter.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{}-{}", nanos % 1_000_000_000_000, std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A fresh id, as a device makes one for a step result (or stands in for a file id).
/// A 1×1 PNG, as a phone would send a (very small) photo.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba,
    0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// One request through nginx; the body is read as JSON (null when there is none).
async fn call(token: Option<&str>, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let mut req = client().request(method.clone(), format!("{}{path}", base_url()));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(body);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, value)
}

async fn get(s: &Session, path: &str) -> (StatusCode, Value) {
    call(Some(&s.access_token), Method::GET, path, None).await
}

async fn post(s: &Session, path: &str, body: &Value) -> (StatusCode, Value) {
    call(Some(&s.access_token), Method::POST, path, Some(body)).await
}

async fn put(s: &Session, path: &str, body: &Value) -> (StatusCode, Value) {
    call(Some(&s.access_token), Method::PUT, path, Some(body)).await
}

/// site → area → equipment; returns the equipment's id.
async fn asset_tree(admin: &Session) -> String {
    let mut parent = Value::Null;
    for (kind, name) in [("site", "Usine de Lyon"), ("area", "Salle des pompes"), ("equipment", "Pompe P-101")] {
        let (status, asset) = post(
            admin,
            "/api/assets",
            &json!({ "kind": kind, "parent_id": parent, "code": unique(kind), "name": name,
                     "manufacturer": "Grundfos", "location": "Bâtiment B" }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {asset}");
        assert_eq!(asset["kind"], kind);
        parent = asset["id"].clone();
    }
    parent.as_str().unwrap().to_owned()
}

/// One step of each kind: an instruction before any section, the seven others in a section.
fn every_kind_content() -> Value {
    json!({ "sections": [
        { "title": null, "steps": [
            { "kind": "instruction", "title": "Lock out the pump", "body": "Isolate **both** valves.",
              "warning_level": "danger", "warning_text": "Pressurised line" },
        ]},
        { "title": "Checks", "steps": [
            { "kind": "checkbox", "title": "Guard in place" },
            { "kind": "pass_fail", "title": "Seal does not leak" },
            { "kind": "number", "title": "Discharge pressure", "unit": "bar", "min": 2.0, "max": 3.0 },
            { "kind": "text", "title": "Noise heard" },
            { "kind": "choice", "title": "Oil colour", "options": ["clear", "dark", "milky"] },
            { "kind": "photo", "title": "Photo of the coupling" },
            { "kind": "signature", "title": "Supervisor signature" },
        ]},
    ]})
}

/// The step of `kind` in a revision view.
fn step<'a>(revision: &'a Value, kind: &str) -> &'a Value {
    revision["content"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .find(|s| s["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} step in {revision}"))
}

fn step_id(revision: &Value, kind: &str) -> String {
    step(revision, kind)["id"].as_str().unwrap().to_owned()
}

/// A revision's content as an author sends it back: same section and step ids.
fn content_input(revision: &Value) -> Value {
    let sections: Vec<Value> = revision["content"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let steps: Vec<Value> = s["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|st| {
                    let mut input = json!({});
                    for field in [
                        "id",
                        "kind",
                        "title",
                        "body",
                        "warning_level",
                        "warning_text",
                        "required",
                        "unit",
                        "min",
                        "max",
                        "options",
                        "attachments",
                    ] {
                        input[field] = st[field].clone();
                    }
                    input
                })
                .collect();
            json!({ "id": s["id"], "title": s["title"], "steps": steps })
        })
        .collect();
    json!({ "sections": sections })
}

/// Editor A writes, B approves: a published procedure with one step of each kind.
async fn published_procedure(a: &Session, b: &Session, asset_ids: &[&str]) -> Value {
    let (status, created) = post(
        a,
        "/api/procedures",
        &json!({ "code": unique("PM-PUMP"), "title": "Pump inspection", "language": "en",
                 "asset_ids": asset_ids, "content": every_kind_content() }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, body) = post(a, &format!("/api/procedures/{id}/revisions/1/submit"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(b, &format!("/api/procedures/{id}/revisions/1/approve"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, procedure) = get(a, &format!("/api/procedures/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    procedure
}

/// An RFC 3339 time cut to whole microseconds, as Postgres keeps it.
fn micros(time: &Value) -> String {
    let time = time.as_str().unwrap().trim_end_matches('Z');
    let (seconds, fraction) = time.split_once('.').unwrap_or((time, ""));
    format!("{seconds}.{:0<6.6}Z", fraction)
}

async fn record(tech: &Session, run: &str, step: &str, result: &Value) -> (StatusCode, Value) {
    put(tech, &format!("/api/runs/{run}/steps/{step}"), result).await
}

#[tokio::test]
async fn a_procedure_goes_from_draft_to_a_signed_off_run_and_the_run_sees_the_next_revision() {
    let admin = admin().await;
    let equipment = asset_tree(&admin).await;
    let editor_a = user_with_role(&admin, "editor").await;
    let editor_b = user_with_role(&admin, "editor").await;
    let tech = user_with_role(&admin, "technician").await;

    // Editor A writes the procedure, linked to the equipment.
    let code = unique("pm-pump");
    let (status, created) = post(
        &editor_a,
        "/api/procedures",
        &json!({ "code": code, "title": "Inspection pompe P-101", "language": "fr",
                 "description": "Inspection mensuelle", "tags": ["pompe", "mensuel"],
                 "estimated_minutes": 30, "ppe": ["gants"],
                 "asset_ids": [equipment], "content": every_kind_content() }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["code"], code.to_uppercase());
    assert_eq!(created["assets"][0]["id"], equipment.as_str());
    let id = created["id"].as_str().unwrap().to_owned();
    let rev1 = created["revision"].clone();
    assert_eq!(rev1["number"], 1);
    assert_eq!(rev1["status"], "draft");
    assert_eq!(rev1["content"]["sections"][1]["title"], "Checks");
    let kinds: Vec<&str> = rev1["content"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["instruction", "checkbox", "pass_fail", "number", "text", "choice", "photo", "signature"]);
    assert_eq!(step(&rev1, "instruction")["warning_level"], "danger");
    let number = step(&rev1, "number");
    assert_eq!(
        (number["unit"].as_str(), number["min"].as_f64(), number["max"].as_f64()),
        (Some("bar"), Some(2.0), Some(3.0))
    );
    assert_eq!(step(&rev1, "choice")["options"], json!(["clear", "dark", "milky"]));

    // A submits; A may not approve their own revision; B does.
    let (status, submitted) = post(&editor_a, &format!("/api/procedures/{id}/revisions/1/submit"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["status"], "in_review");
    let (status, refused) = post(&editor_a, &format!("/api/procedures/{id}/revisions/1/approve"), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["code"], "forbidden");
    let (status, approved) =
        post(&editor_b, &format!("/api/procedures/{id}/revisions/1/approve"), &json!({ "comment": "OK" })).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "published");
    assert_eq!(approved["reviewed_by"], editor_b.user["id"]);

    // The technician runs it on the equipment.
    let (status, run) = post(&tech, "/api/runs", &json!({ "procedure_id": id, "asset_id": equipment })).await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    assert_eq!(run["status"], "in_progress");
    assert_eq!(run["asset_id"], equipment.as_str());
    assert_eq!(run["revision_number"], 1);
    assert_eq!(run["missing_steps"].as_array().unwrap().len(), 8);
    let run_id = run["id"].as_str().unwrap().to_owned();
    let rev = run["revision"].clone();

    for (kind, value) in [("instruction", json!(true)), ("checkbox", json!(true)), ("pass_fail", json!("pass"))] {
        let (status, result) =
            record(&tech, &run_id, &step_id(&rev, kind), &json!({ "result_id": new_id(), "value": value })).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {result}");
        assert_eq!(result["out_of_limit"], false, "{kind}");
    }
    let number_step = step_id(&rev, "number");
    let (status, reading) = record(&tech, &run_id, &number_step, &json!({ "result_id": new_id(), "value": 3.7 })).await;
    assert_eq!(status, StatusCode::OK, "{reading}");
    assert_eq!(reading["out_of_limit"], true);
    assert_eq!(reading["note_required"], true);
    assert_eq!(reading["message"], "3.7 bar is above the maximum of 3 bar.");

    // Completing with the text step (and others) missing names them.
    let signoff = json!({ "signoff_name": "Camille Martin", "signature_file_id": uploaded(&tech, "sign-off.png", PNG).await["id"] });
    let (status, refused) = post(&tech, &format!("/api/runs/{run_id}/complete"), &signoff).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["code"], "missing_steps");
    let missing: Vec<&str> =
        refused["errors"]["missing_steps"].as_array().unwrap().iter().map(|m| m["step_id"].as_str().unwrap()).collect();
    let text_step = step_id(&rev, "text");
    assert!(missing.contains(&text_step.as_str()), "{refused}");
    assert_eq!(missing.len(), 4, "text, choice, photo and signature: {refused}");
    assert!(refused["detail"].as_str().unwrap().contains("5. Noise heard"), "{refused}");

    // The rest, and a note on the reading (a new result id replaces the step's result).
    let (status, noted) = record(
        &tech,
        &run_id,
        &number_step,
        &json!({ "result_id": new_id(), "value": 3.7, "note": "Relief valve sticks; reported" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{noted}");
    assert_eq!(noted["note_required"], false);
    for (kind, result) in [
        ("text", json!({ "value": "A faint whine at start-up" })),
        ("choice", json!({ "value": "dark" })),
        ("photo", json!({ "photo_ids": [uploaded(&tech, "coupling.png", PNG).await["id"]] })),
        ("signature", json!({ "value": uploaded(&tech, "signature.png", PNG).await["id"] })),
    ] {
        let mut result = result;
        result["result_id"] = json!(new_id());
        let (status, body) = record(&tech, &run_id, &step_id(&rev, kind), &result).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {body}");
    }

    let (status, done) = post(&tech, &format!("/api/runs/{run_id}/complete"), &signoff).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "completed");
    assert_eq!(done["outcome"], "failed");
    assert_eq!(done["signoff_name"], "Camille Martin");
    assert_eq!(done["signature_file_id"], signoff["signature_file_id"]);
    assert!(done["signoff_at"].is_string());
    assert_eq!(done["results"].as_array().unwrap().len(), 8);
    let flagged = done["flagged"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "{done}");
    assert_eq!(flagged[0]["step_id"], number_step.as_str());
    assert_eq!(flagged[0]["reason"], "out_of_limit");
    assert_eq!(flagged[0]["note"], "Relief valve sticks; reported");

    // A completed run never changes.
    for kind in ["text", "number", "checkbox"] {
        let (status, body) =
            record(&tech, &run_id, &step_id(&rev, kind), &json!({ "result_id": new_id(), "value": 2.5 })).await;
        assert_eq!(status, StatusCode::CONFLICT, "{kind}: {body}");
        assert_eq!(body["code"], "run_completed");
    }
    let (status, again) = post(&tech, &format!("/api/runs/{run_id}/complete"), &signoff).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["code"], "run_completed");
    let (_, after) = get(&tech, &format!("/api/runs/{run_id}")).await;
    assert_eq!(after["results"], done["results"]);
    assert_eq!(after["status"], "completed");
    assert_eq!(after["outcome"], "failed");

    // Editor A raises the maximum in a new draft; B approves it.
    let (status, draft) = post(&editor_a, &format!("/api/procedures/{id}/revisions"), &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!((draft["number"].as_i64(), draft["status"].as_str()), (Some(2), Some("draft")));
    let mut content = content_input(&draft);
    let changed_step = step_id(&draft, "number");
    for section in content["sections"].as_array_mut().unwrap() {
        for s in section["steps"].as_array_mut().unwrap() {
            if s["id"] == changed_step.as_str() {
                s["max"] = json!(4.0);
            }
        }
    }
    let (status, edited) = put(&editor_a, &format!("/api/procedures/{id}/revisions/2/content"), &content).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(step(&edited, "number")["max"], 4.0);
    assert_eq!(step_id(&edited, "number"), changed_step, "the step kept its id");
    let (status, body) = post(&editor_a, &format!("/api/procedures/{id}/revisions/2/submit"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(&editor_b, &format!("/api/procedures/{id}/revisions/2/approve"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "published");

    let (_, one) = get(&tech, &format!("/api/procedures/{id}/revisions/1")).await;
    assert_eq!(one["status"], "superseded");
    let (_, two) = get(&tech, &format!("/api/procedures/{id}/revisions/2")).await;
    assert_eq!(two["status"], "published");
    let (_, procedure) = get(&tech, &format!("/api/procedures/{id}")).await;
    assert_eq!(procedure["published_revision_number"], 2);

    // The diff names the step and the field, before and after.
    let (status, diff) = get(&editor_b, &format!("/api/procedures/{id}/revisions/1/diff/2")).await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let expected_change = json!([{ "field": "max", "before": 3.0, "after": 4.0 }]);
    assert_eq!(diff["changed"].as_array().unwrap().len(), 1, "{diff}");
    assert_eq!(diff["changed"][0]["title"], "Discharge pressure");
    assert_eq!(diff["changed"][0]["from_step_id"], number_step.as_str());
    assert_eq!(diff["changed"][0]["to_step_id"], changed_step.as_str());
    assert_eq!(diff["changed"][0]["changes"], expected_change);
    for list in ["added", "removed", "moved", "fields"] {
        assert_eq!(diff[list], json!([]), "{list}: {diff}");
    }

    // The finished run still follows revision 1, and says what revision 2 changed.
    let (status, run) = get(&tech, &format!("/api/runs/{run_id}")).await;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["revision_number"], 1);
    assert_eq!(run["newer_revision"]["number"], 2);
    assert_eq!(run["newer_revision"]["diff"]["changed"][0]["key"], diff["changed"][0]["key"]);
    assert_eq!(run["newer_revision"]["diff"]["changed"][0]["changes"], expected_change);
}

#[tokio::test]
async fn the_same_step_result_sent_three_times_is_stored_once() {
    let admin = admin().await;
    let equipment = asset_tree(&admin).await;
    let editor = user_with_role(&admin, "editor").await;
    let tech = user_with_role(&admin, "technician").await;
    // The admin reviews here: fewer sign-ins, and nginx limits them.
    let procedure = published_procedure(&editor, &admin, &[&equipment]).await;
    let id = procedure["id"].as_str().unwrap();

    let (status, run) = post(&tech, "/api/runs", &json!({ "procedure_id": id, "asset_id": equipment })).await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    let run_id = run["id"].as_str().unwrap();
    let number_step = step_id(&run["revision"], "number");

    let result = json!({ "result_id": new_id(), "value": 2.5, "note": "steady" });
    let mut answers = Vec::new();
    for _ in 0..3 {
        let (status, body) = record(&tech, run_id, &number_step, &result).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        answers.push(body);
    }
    assert_eq!(answers[0]["result_id"], result["result_id"]);
    // The stored time has microseconds; the first answer may carry nanoseconds.
    let same = |a: &Value| {
        let mut a = a.clone();
        a["recorded_at"] = json!(micros(&a["recorded_at"]));
        a
    };
    assert!(answers.iter().all(|a| same(a) == same(&answers[0])), "every retry answers the stored result: {answers:?}");

    let (_, run) = get(&tech, &format!("/api/runs/{run_id}")).await;
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{run}");
    assert_eq!(results[0]["result_id"], result["result_id"]);
    assert_eq!(results[0]["value"], 2.5);
    assert_eq!(results[0]["out_of_limit"], false);

    // …and one entry in the audit trail.
    let (status, audit) = get(&editor, &format!("/api/procedures/{id}/audit?limit=500")).await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let recorded = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "run.step_recorded").count();
    assert_eq!(recorded, 1, "{audit}");
}

#[tokio::test]
async fn a_viewer_cannot_run_a_procedure_nor_see_drafts() {
    let admin = admin().await;
    let editor = user_with_role(&admin, "editor").await;
    let viewer = user_with_role(&admin, "viewer").await;
    let procedure = published_procedure(&editor, &admin, &[]).await;
    let id = procedure["id"].as_str().unwrap();

    let (status, body) = get(&viewer, &format!("/api/procedures/{id}")).await;
    assert_eq!(status, StatusCode::OK, "a viewer reads the published revision: {body}");
    let (status, body) = post(&viewer, "/api/runs", &json!({ "procedure_id": id })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "forbidden");

    // A draft of the published procedure stays hidden.
    let (status, body) = post(&editor, &format!("/api/procedures/{id}/revisions"), &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = get(&viewer, &format!("/api/procedures/{id}/revisions/2")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (_, revisions) = get(&viewer, &format!("/api/procedures/{id}/revisions")).await;
    let numbers: Vec<&Value> = revisions["items"].as_array().unwrap().iter().map(|r| &r["number"]).collect();
    assert_eq!(numbers, [&json!(1)], "{revisions}");
    let (_, shown) = get(&viewer, &format!("/api/procedures/{id}")).await;
    assert_eq!(shown["revision"]["number"], 1);

    // A procedure that is only a draft does not exist for a viewer.
    let code = unique("DRAFT-ONLY");
    let (status, draft) = post(
        &editor,
        "/api/procedures",
        &json!({ "code": code, "title": "Not yet reviewed", "language": "en", "content": every_kind_content() }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let draft_id = draft["id"].as_str().unwrap();
    for path in [
        format!("/api/procedures/{draft_id}"),
        format!("/api/procedures/{draft_id}/revisions/1"),
        format!("/api/procedures/{draft_id}/export"),
    ] {
        let (status, body) = get(&viewer, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["code"], "not_found");
    }
    let (status, found) = get(&viewer, &format!("/api/procedures?q={code}")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["items"], json!([]), "{found}");
    let (_, found) = get(&editor, &format!("/api/procedures?q={code}")).await;
    assert_eq!(found["items"][0]["id"], draft_id, "its editor finds the draft: {found}");
}

#[tokio::test]
async fn no_token_is_refused_on_every_procedures_prefix() {
    let some_id = new_id();
    for (method, path) in [
        (Method::GET, "/api/assets".to_owned()),
        (Method::POST, "/api/assets".to_owned()),
        (Method::GET, "/api/procedures".to_owned()),
        (Method::POST, "/api/procedures".to_owned()),
        (Method::GET, format!("/api/procedures/{some_id}")),
        (Method::GET, "/api/runs".to_owned()),
        (Method::POST, "/api/runs".to_owned()),
        (Method::PUT, format!("/api/runs/{some_id}/steps/{some_id}")),
    ] {
        let (status, body) = call(None, method.clone(), &path, Some(&json!({}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        assert_eq!(body["code"], "missing_token", "{method} {path}");
        let (status, body) = call(Some("not-a-token"), method.clone(), &path, Some(&json!({}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with a forged token: {body}");
    }
}
