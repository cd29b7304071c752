//! The audit log across services: auth's user administration and files' deletions reach the
//! log procedures keeps, and the whole chain still verifies.

use std::time::Duration;

use gamme_e2e::{admin, base_url, client, uploaded, user_with_role, Session};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn get(session: &Session, path: &str) -> (StatusCode, Value) {
    let res =
        client().get(format!("{}{path}", base_url())).bearer_auth(&session.access_token).send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The actions the log holds about one thing, once `want` of them arrived (they travel by the
/// broker).
async fn actions_about(admin: &Session, entity_type: &str, id: &str, want: usize) -> Vec<Value> {
    let path = format!("/api/procedures/audit?entity_type={entity_type}&entity_id={id}");
    let mut items = Vec::new();
    for _ in 0..100 {
        let (status, page) = get(admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        items = page["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    items
}

#[tokio::test]
async fn user_administration_and_file_deletions_enter_the_audit_log() {
    let admin = admin().await;
    let tech = user_with_role(&admin, "technician").await;
    let id = tech.user["id"].as_str().unwrap().to_owned();
    for change in [json!({ "role": "editor" }), json!({ "is_active": false })] {
        let res = client()
            .patch(format!("{}/api/auth/users/{id}", base_url()))
            .bearer_auth(&admin.access_token)
            .json(&change)
            .send()
            .await
            .expect("administer");
        assert_eq!(res.status(), StatusCode::OK);
    }
    let items = actions_about(&admin, "user", &id, 4).await;
    let actions: Vec<&str> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["user.created", "user.password_changed", "user.role_changed", "user.deactivated"],
        "{items:?}"
    );
    let admin_id = admin.user["id"].as_str().unwrap();
    // The person changed their temporary password themself; the admin did the rest.
    assert_eq!(items[1]["actor_id"], id.as_str());
    assert_eq!(items[1]["after"]["was_temporary"], true);
    assert!([0, 2, 3].iter().all(|&i| items[i]["actor_id"] == admin_id), "the admin did each: {items:?}");
    assert_eq!(items[2]["before"]["role"], "technician");
    assert_eq!(items[2]["after"]["role"], "editor");
    let logged = serde_json::to_string(&items).unwrap();
    assert!(!logged.contains("Own-password-42") && !logged.contains("password_hash"), "no password reaches the log");

    let editor = user_with_role(&admin, "editor").await;
    let file = uploaded(&editor, "notice.txt", b"Notice de la pompe P-101").await;
    let file_id = file["id"].as_str().unwrap().to_owned();
    let res = client()
        .delete(format!("{}/api/files/{file_id}", base_url()))
        .bearer_auth(&editor.access_token)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let items = actions_about(&admin, "file", &file_id, 1).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["action"], "file.deleted");
    assert_eq!(items[0]["actor_id"], editor.user["id"]);
    assert_eq!(items[0]["before"]["name"], "notice.txt");

    let (status, _) = get(&editor, "/api/procedures/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the whole log is for admins");
    let (status, report) = get(&admin, "/api/procedures/audit/verify").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["valid"], true, "{report}");
}
