//! The files service through HTTP, against real Postgres and RabbitMQ.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::{
    io::Write,
    time::{Duration, Instant},
};

use diesel::prelude::*;
use gamme_auth_token::Role;
use reqwest::{header, StatusCode};
use serde_json::Value;
use support::{problem, samples, spawn_app};

#[tokio::test]
async fn an_executable_renamed_manual_pdf_is_refused_with_415_naming_what_it_is() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let res = app.upload(&tech.token, "manual.pdf", &samples::elf()).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body = problem(res).await;
    assert_eq!(body["code"], "unsupported_type");
    assert!(body["detail"].as_str().unwrap().contains("ELF executable"), "{body}");
    assert_eq!(app.file_rows(), 0);
    assert!(app.files_under("tmp").is_empty() && app.files_under("sha256").is_empty());
}

#[tokio::test]
async fn an_svg_is_refused_with_415() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let res = app.upload(&tech.token, "schema.png", samples::SVG).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body = problem(res).await;
    assert!(body["detail"].as_str().unwrap().contains("SVG"), "{body}");
}

#[tokio::test]
async fn one_refused_file_keeps_nothing_of_the_whole_upload() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let photo = samples::png(8, 8);
    let res = app.upload_many(&tech.token, &[("ok.png", &photo), ("evil.exe", &samples::elf())]).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.file_rows(), 0);
    assert!(app.files_under("sha256").is_empty() && app.files_under("tmp").is_empty());
}

#[tokio::test]
async fn a_name_with_a_path_is_stored_cleaned() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let file = app.uploaded(&tech.token, "../../etc/passwd", b"root:x:0:0\n").await;
    assert_eq!(file["name"], "passwd");
    assert_eq!(file["media_type"], "text/plain");
    let res = app.get(&format!("/api/files/{}/content", file["id"].as_str().unwrap()), &tech.token).await;
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert_eq!(disposition, "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt");
}

#[tokio::test]
async fn the_same_bytes_uploaded_twice_are_stored_once() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let other = app.user("Other", Role::Editor);
    let manual = samples::pdf(&["Pompe P-101"]);
    let first = app.uploaded(&tech.token, "pump.pdf", &manual).await;
    let second = app.uploaded(&other.token, "same pump.pdf", &manual).await;
    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["sha256"], second["sha256"]);
    let blobs = app.files_under("sha256");
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    let hash = first["sha256"].as_str().unwrap();
    assert!(blobs[0].ends_with(format!("sha256/{}/{}/{hash}", &hash[..2], &hash[2..4])));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&blobs[0]).unwrap().permissions().mode() & 0o777, 0o640);
    assert_eq!(app.file_rows(), 2);
    assert!(app.files_under("tmp").is_empty());
}

#[tokio::test]
async fn downloads_carry_x_accel_redirect_and_safe_headers() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let pdf = samples::pdf(&["Manuel de la pompe"]);
    let file = app.uploaded(&tech.token, "Pompe P-101 été.pdf", &pdf).await;
    let hash = file["sha256"].as_str().unwrap();
    let res = app.get(&format!("/api/files/{}/content", file["id"].as_str().unwrap()), &tech.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(
        h["x-accel-redirect"],
        format!("/_protected_files/sha256/{}/{}/{hash}", &hash[..2], &hash[2..4]).as_str()
    );
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        h[header::CONTENT_DISPOSITION],
        "inline; filename=\"Pompe P-101 _t_.pdf\"; filename*=UTF-8''Pompe%20P-101%20%C3%A9t%C3%A9.pdf"
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], "sandbox");
    assert_eq!(h[header::ETAG], format!("\"{hash}\"").as_str());
    assert!(res.bytes().await.unwrap().is_empty(), "nginx sends the bytes, not the service");

    let again = app
        .client
        .get(app.url(&format!("/api/files/{}/content", file["id"].as_str().unwrap())))
        .bearer_auth(&tech.token)
        .header(header::IF_NONE_MATCH, format!("\"{hash}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.headers().get("x-accel-redirect").is_none());
}

#[tokio::test]
async fn without_a_token_every_endpoint_answers_401() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let file = app.uploaded(&tech.token, "note.md", b"# Note\n").await;
    let id = file["id"].as_str().unwrap();
    for path in [
        "/api/files".to_owned(),
        format!("/api/files/{id}"),
        format!("/api/files/{id}/content"),
        format!("/api/files/{id}/thumbnail"),
        "/api/files/limits".to_owned(),
    ] {
        let res = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(problem(res).await["code"], "missing_token", "{path}");
    }
    let (content_type, body) = support::multipart(&[("a.txt", b"hello")]);
    let res = app
        .client
        .post(app.url("/api/files"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app.client.delete(app.url(&format!("/api/files/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let expired = app.issuer.sign(tech.id, &tech.email, "Tech", Role::Technician, -60);
    let res = app.get(&format!("/api/files/{id}/content"), &expired).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_signed_link_opens_the_file_without_a_token_until_it_expires() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let file = app.uploaded(&tech.token, "photo.png", &samples::png(32, 32)).await;
    let id: uuid::Uuid = file["id"].as_str().unwrap().parse().unwrap();
    let link = file["content_url"].as_str().unwrap();
    let res = app.client.get(app.url(link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("x-accel-redirect").is_some());

    // The same secret signs a link that expired a minute ago.
    let signer = gamme_files::links::LinkSigner::new(&secrecy::SecretString::from(support::URL_SECRET));
    let expired =
        signer.url(id, gamme_files::links::Variant::Content, chrono::Utc::now() - chrono::Duration::minutes(1));
    let res = app.client.get(app.url(&expired)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(res).await["code"], "link_expired");

    let tampered = link.replace("sig=", "sig=A");
    let res = app.client.get(app.url(&tampered)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(res).await["code"], "invalid_link");

    // A content link does not open the thumbnail.
    let thumb = link.replace("/content?", "/thumbnail?");
    let res = app.client.get(app.url(&thumb)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_decompression_bomb_gets_no_thumbnail_and_does_not_bloat_the_service() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    // Over the side limit, and within it but over the memory limit (15000² RGB = 643 MiB).
    for (w, h) in [(100_000, 100_000), (15_000, 15_000)] {
        let bomb = samples::png_bomb(w, h);
        assert!(bomb.len() < 1024);
        let file = app.uploaded(&tech.token, "bomb.png", &bomb).await;
        let id = file["id"].as_str().unwrap().to_owned();
        let done = app.wait_for(&id, &tech.token, |m| m["thumbnail"]["status"] != "pending").await;
        assert_eq!(done["thumbnail"]["status"], "refused", "{done}");
        assert!(done["thumbnail"]["url"].is_null());
        let res = app.get(&format!("/api/files/{id}/thumbnail"), &tech.token).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    // The service runs in this process; nextest gives every test a process of its own.
    let peak = support::peak_rss_bytes();
    assert!(peak < 128 * 1024 * 1024, "peak RSS {} MiB", peak / (1024 * 1024));
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_photo_gets_an_upright_thumbnail_without_exif() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let jpeg = samples::jpeg_with_exif_rotation_and_gps(640, 320);
    assert!(jpeg.windows(4).any(|w| w == b"Exif"));
    let file = app.uploaded(&tech.token, "IMG_0001.JPG", &jpeg).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let done = app.wait_for(&id, &tech.token, |m| m["thumbnail"]["status"] != "pending").await;
    assert_eq!(done["thumbnail"]["status"], "ready", "{done}");
    let res = app.client.get(app.url(done["thumbnail"]["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let accel = res.headers()["x-accel-redirect"].to_str().unwrap().to_owned();
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
    let path = app.files_dir.join(accel.strip_prefix("/_protected_files/").unwrap());
    let thumb = std::fs::read(path).unwrap();
    assert!(!thumb.windows(4).any(|w| w == b"Exif"), "the thumbnail carries no EXIF");
    let decoded = image::load_from_memory(&thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (160, 320), "turned upright, 320 px on the long side");
}

#[derive(QueryableByName)]
struct Refusals {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_value: i64,
}

#[tokio::test]
async fn a_photo_whose_thumbnail_cannot_be_recorded_for_a_while_gets_it_on_a_retry() {
    let app = spawn_app().await;
    // As during a short database outage: the first two attempts to record the thumbnail fail.
    // (A sequence, because it counts even in the transactions the failure rolls back.)
    let mut conn = app.db.connect();
    for statement in [
        "CREATE SEQUENCE outage",
        "CREATE FUNCTION outage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF nextval('outage') <= 2 THEN RAISE EXCEPTION 'the database is away'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER outage BEFORE UPDATE ON files FOR EACH ROW EXECUTE FUNCTION outage()",
        // The trigger runs as the service's role.
        "GRANT USAGE ON SEQUENCE outage TO gamme_files",
    ] {
        diesel::sql_query(statement).execute(&mut conn).unwrap();
    }
    let tech = app.user("Tech", Role::Technician);
    let file = app.uploaded(&tech.token, "pump.png", &samples::png(64, 48)).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let done = app.wait_for(&id, &tech.token, |m| m["thumbnail"]["status"] != "pending").await;
    assert_eq!(done["thumbnail"]["status"], "ready", "{done}");
    let refusals: Refusals = diesel::sql_query("SELECT last_value FROM outage").get_result(&mut conn).unwrap();
    assert_eq!(refusals.last_value, 3, "refused twice, recorded on the third try");
}

#[tokio::test]
async fn a_pdf_yields_text_with_page_numbers_and_an_event() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let pdf = samples::pdf(&["Consigner la pompe avant intervention", "Verifier absence de tension"]);
    let file = app.uploaded(&tech.token, "procedure.pdf", &pdf).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let done = app.wait_for(&id, &tech.token, |m| m["text"]["status"] != "pending").await;
    assert_eq!(done["text"]["status"], "extracted", "{done}");
    assert_eq!(done["text"]["pages"], 2);

    use gamme_db::schema::{file_texts, outbox};
    let mut conn = app.db.connect();
    let file_id: uuid::Uuid = id.parse().unwrap();
    let rows: Vec<(i32, String)> = file_texts::table
        .filter(file_texts::file_id.eq(file_id))
        .order((file_texts::page, file_texts::chunk))
        .select((file_texts::page, file_texts::body))
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, 1);
    assert!(rows[0].1.contains("Consigner la pompe"), "{rows:?}");
    assert_eq!(rows[1].0, 2);
    assert!(rows[1].1.contains("tension"), "{rows:?}");
    // Full-text search finds the page, accents or not.
    let found: Vec<i32> = diesel::sql_query(
        "SELECT page FROM file_texts WHERE search @@ plainto_tsquery('simple', files_unaccent('vérifier'))",
    )
    .load::<Page>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|p| p.page)
    .collect();
    assert_eq!(found, [2]);

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let types: Vec<(String, Option<chrono::DateTime<chrono::Utc>>)> =
            outbox::table.select((outbox::message_type, outbox::published_at)).load(&mut conn).unwrap();
        if types.iter().any(|(t, p)| t == "file.text_extracted" && p.is_some())
            && types.iter().any(|(t, p)| t == "file.uploaded" && p.is_some())
        {
            break;
        }
        assert!(Instant::now() < deadline, "events not relayed: {types:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[derive(QueryableByName)]
struct Page {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    page: i32,
}

#[tokio::test]
async fn a_pdf_without_a_text_layer_is_recorded_as_such() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let file = app.uploaded(&tech.token, "scan.pdf", &samples::pdf(&["", ""])).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let done = app.wait_for(&id, &tech.token, |m| m["text"]["status"] != "pending").await;
    assert_eq!(done["text"]["status"], "no_text_layer", "{done}");
    assert_eq!(done["text"]["pages"], 2);
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_no_file_and_no_row() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", app.port)).unwrap();
    let head = format!(
        "POST /api/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 6000000\r\n\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n",
        tech.token
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&vec![b'a'; 1024 * 1024]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.files_under("tmp").is_empty() {
        assert!(Instant::now() < deadline, "the upload never started to be written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stream.shutdown(std::net::Shutdown::Both).unwrap();
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app.files_under("tmp").is_empty() {
        assert!(Instant::now() < deadline, "the staged file stayed: {:?}", app.files_under("tmp"));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.file_rows(), 0);
    assert!(app.files_under("sha256").is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let big = vec![b'x'; support::MAX_UPLOAD as usize + 10];
    let res = app.upload(&tech.token, "big.txt", &big).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(res).await["code"], "payload_too_large");
    // Without a Content-Length the service counts the bytes as they come.
    let (content_type, body) = support::multipart(&[("big.txt", &big)]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let res = app
        .client
        .post(app.url("/api/files"))
        .bearer_auth(&tech.token)
        .header(header::CONTENT_TYPE, content_type)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await;
    // The service may answer before it has read the whole body, which some clients see as a reset.
    if let Ok(res) = res {
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(app.file_rows(), 0);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !app.files_under("tmp").is_empty() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_viewer_cannot_upload_and_another_technician_cannot_delete() {
    let app = spawn_app().await;
    let viewer = app.user("Viewer", Role::Viewer);
    let res = app.upload(&viewer.token, "a.txt", b"hello").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let owner = app.user("Owner", Role::Technician);
    let other = app.user("Other", Role::Technician);
    let admin = app.user("Admin", Role::Admin);
    let file = app.uploaded(&owner.token, "a.png", &samples::png(10, 10)).await;
    let id = file["id"].as_str().unwrap().to_owned();
    // Nothing uses it yet: it is its uploader's (and the editors'), absent for anyone else.
    assert_eq!(app.get(&format!("/api/files/{id}"), &viewer.token).await.status(), StatusCode::NOT_FOUND);
    let res = app.client.delete(app.url(&format!("/api/files/{id}"))).bearer_auth(&other.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let editor = app.user("Editor", Role::Editor);
    let res = app.client.delete(app.url(&format!("/api/files/{id}"))).bearer_auth(&editor.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "an editor sees it but may not delete it");
    assert_eq!(app.file_rows(), 1);

    let res = app.client.delete(app.url(&format!("/api/files/{id}"))).bearer_auth(&owner.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.file_rows(), 0);
    assert!(app.files_under("sha256").is_empty(), "the bytes go with the last file that had them");
    let res = app.get(&format!("/api/files/{id}"), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let file = app.uploaded(&owner.token, "b.txt", b"bee").await;
    let res = app
        .client
        .delete(app.url(&format!("/api/files/{}", file["id"].as_str().unwrap())))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "an admin may delete anyone's file");
}

#[tokio::test]
async fn a_file_used_by_a_published_revision_cannot_be_deleted_and_its_references_show() {
    let app = spawn_app().await;
    let owner = app.user("Owner", Role::Editor);
    let file = app.uploaded(&owner.token, "schema.png", &samples::png(10, 10)).await;
    let id: uuid::Uuid = file["id"].as_str().unwrap().parse().unwrap();
    let (revision, draft) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    // The procedures service owns the view; here it is replaced by the rows it would give.
    let mut conn = app.db.connect();
    diesel::sql_query(format!(
        "CREATE OR REPLACE VIEW file_references AS \
         SELECT '{id}'::uuid AS file_id, 'revision'::text AS source, '{revision}'::uuid AS source_id, true AS protected \
         UNION ALL SELECT '{id}'::uuid, 'revision', '{draft}'::uuid, false"
    ))
    .execute(&mut conn)
    .unwrap();
    let meta = app.metadata(&id.to_string(), &owner.token).await;
    let refs = meta["references"].as_array().unwrap();
    assert_eq!(refs.len(), 2, "{meta}");
    assert!(refs.iter().any(|r| r["source_id"] == revision.to_string() && r["protected"] == true));
    let res = app.client.delete(app.url(&format!("/api/files/{id}"))).bearer_auth(&owner.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(problem(res).await["code"], "file_in_use");
    assert_eq!(app.file_rows(), 1);
    let listed: Value = app.get("/api/files", &owner.token).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["references"].as_array().unwrap().len(), 2);
}

/// Rows the procedures service would hold: a procedure whose one revision (in `status`) has a
/// step with `file` attached. Answers the revision's id.
fn attach_to_revision(app: &support::TestApp, author: uuid::Uuid, file: &str, status: &str) -> uuid::Uuid {
    let (procedure, revision, step) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let mut conn = app.db.connect();
    for sql in [
        format!("INSERT INTO procedures (id, code, created_by) VALUES ('{procedure}', 'PM-{procedure}', '{author}')"),
        format!(
            "INSERT INTO revisions (id, procedure_id, number, status, title, language, author_id) \
             VALUES ('{revision}', '{procedure}', 1, '{status}', 'Pompe', 'fr', '{author}')"
        ),
        format!(
            "INSERT INTO steps (id, revision_id, key, position, kind, title) \
             VALUES ('{step}', '{revision}', '{step}', 0, 'photo', 'Photo')"
        ),
        format!("INSERT INTO step_attachments (step_id, file_id, position) VALUES ('{step}', '{file}', 0)"),
    ] {
        diesel::sql_query(sql).execute(&mut conn).unwrap();
    }
    revision
}

#[tokio::test]
async fn a_viewer_sees_a_published_revisions_photo_and_nothing_of_a_drafts() {
    let app = spawn_app().await;
    let editor = app.user("Editor", Role::Editor);
    let viewer = app.user("Viewer", Role::Viewer);
    let draft = app.uploaded(&editor.token, "brouillon.png", &samples::png(12, 12)).await;
    let published = app.uploaded(&editor.token, "publiee.png", &samples::png(14, 14)).await;
    let (draft_id, published_id) = (draft["id"].as_str().unwrap(), published["id"].as_str().unwrap());
    app.wait_for(draft_id, &editor.token, |m| m["thumbnail"]["status"] == "ready").await;
    app.wait_for(published_id, &editor.token, |m| m["thumbnail"]["status"] == "ready").await;
    attach_to_revision(&app, editor.id, draft_id, "draft");
    let revision = attach_to_revision(&app, editor.id, published_id, "published");

    // The list is filtered in the query: the draft's photo is not there, and paging is exact.
    let page: Value = app.get("/api/files?limit=1", &viewer.token).await.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["id"], published_id);
    assert!(page["next_cursor"].is_null(), "no second page holding only invisible files: {page}");
    assert_eq!(items[0]["references"][0]["source_id"], revision.to_string());
    // Metadata, content and thumbnail of the draft's photo: 404, so no signed link is handed out.
    for path in ["", "/content", "/thumbnail"] {
        let res = app.get(&format!("/api/files/{draft_id}{path}"), &viewer.token).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // The published revision's photo, its bytes and the signed links its metadata carries.
    let meta = app.metadata(published_id, &viewer.token).await;
    assert_eq!(app.get(&format!("/api/files/{published_id}/content"), &viewer.token).await.status(), StatusCode::OK);
    for link in [meta["content_url"].as_str().unwrap(), meta["thumbnail"]["url"].as_str().unwrap()] {
        let res = app.client.get(app.url(link)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{link}");
    }
    // An editor sees both.
    let all: Value = app.get("/api/files", &editor.token).await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_technician_sees_their_own_uploads_and_not_a_colleagues() {
    let app = spawn_app().await;
    let (tech, other) = (app.user("Tech", Role::Technician), app.user("Other", Role::Technician));
    let mine = app.uploaded(&tech.token, "mine.txt", b"mine").await;
    let theirs = app.uploaded(&other.token, "theirs.txt", b"theirs").await;
    let listed: Value = app.get("/api/files", &tech.token).await.json().await.unwrap();
    let ids: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [mine["id"].as_str().unwrap()]);
    let filtered: Value =
        app.get(&format!("/api/files?uploader={}", other.id), &tech.token).await.json().await.unwrap();
    assert!(filtered["items"].as_array().unwrap().is_empty(), "filtering by uploader shows nothing more");
    let res = app.get(&format!("/api/files/{}", theirs["id"].as_str().unwrap()), &tech.token).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_list_pages_through_every_file_once_and_filters() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let editor = app.user("Editor", Role::Editor);
    for i in 0..7 {
        app.uploaded(&tech.token, &format!("photo-{i}.png"), &samples::png(4 + i, 4)).await;
    }
    app.uploaded(&editor.token, "Manuel 100%.txt", b"manuel").await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value =
            app.get(&format!("/api/files?limit=3&cursor={cursor}"), &editor.token).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert_eq!(seen[0], "Manuel 100%.txt", "newest first");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8);

    let mine: Value = app.get("/api/files?uploader=me", &editor.token).await.json().await.unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let images: Value = app.get("/api/files?type=image", &editor.token).await.json().await.unwrap();
    assert_eq!(images["items"].as_array().unwrap().len(), 7);
    let named: Value = app.get("/api/files?q=100%25", &editor.token).await.json().await.unwrap();
    assert_eq!(named["items"].as_array().unwrap().len(), 1, "% is a character, not a wildcard");
    let res = app.get("/api/files?cursor=nonsense", &editor.token).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app.get("/api/files?limit=1000", &editor.token).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A NUL in a filter is the caller's mistake, not a database error (schemathesis found a 500).
    for filter in ["type=a%00b", "q=a%00b", "q=%07"] {
        let res = app.get(&format!("/api/files?{filter}"), &editor.token).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{filter}");
    }
}

#[tokio::test]
async fn the_sweep_removes_day_old_orphans_and_keeps_every_uploaded_file() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let kept = app.uploaded(&tech.token, "manual.txt", b"nobody links to this manual, and it stays").await;
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    let age = |path: &std::path::Path| {
        std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
    };
    for blob in app.files_under("sha256") {
        age(&blob);
    }
    let orphan_hash = "ab".repeat(32);
    let orphan = app.files_dir.join(format!("sha256/ab/ab/{orphan_hash}"));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"left behind").unwrap();
    age(&orphan);
    let orphan_thumb = app.files_dir.join(format!("thumbnails/ab/ab/{orphan_hash}.jpg"));
    std::fs::create_dir_all(orphan_thumb.parent().unwrap()).unwrap();
    std::fs::write(&orphan_thumb, b"thumb").unwrap();
    age(&orphan_thumb);
    let stale = app.files_dir.join("tmp/dead.part");
    std::fs::write(&stale, b"half").unwrap();
    age(&stale);
    let fresh = app.files_dir.join("tmp/live.part");
    std::fs::write(&fresh, b"arriving").unwrap();

    let storage = std::sync::Arc::new(gamme_files::storage::LocalDisk::open(&app.files_dir).unwrap());
    let store = gamme_service_kit::Store::new(app.db.pool(2), Default::default());
    let report = gamme_files::sweeper::sweep(&store, storage, std::time::SystemTime::now()).await.unwrap();
    assert_eq!((report.staged_files, report.blobs, report.thumbnails), (1, 1, 1), "{report:?}");
    assert!(!orphan.exists() && !orphan_thumb.exists() && !stale.exists());
    assert!(fresh.exists(), "an upload in progress is left alone");
    let res = app.get(&format!("/api/files/{}/content", kept["id"].as_str().unwrap()), &tech.token).await;
    let accel = res.headers()["x-accel-redirect"].to_str().unwrap().to_owned();
    assert!(app.files_dir.join(accel.strip_prefix("/_protected_files/").unwrap()).exists());
}

#[tokio::test]
async fn health_readiness_limits_and_openapi_answer() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    let ready: Value = app.client.get(app.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["checks"]["database"], "ok");
    let limits: Value = app.get("/api/files/limits", &tech.token).await.json().await.unwrap();
    assert_eq!(limits["max_upload_bytes"], support::MAX_UPLOAD);
    let doc: Value = app.client.get(app.url("/api/files/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/files"]["post"].is_object());
    let res = app.get("/api/files/not-a-uuid", &tech.token).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .client
        .post(app.url("/api/files"))
        .bearer_auth(&tech.token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(problem(res).await["code"], "not_multipart");
}

#[test]
fn the_committed_openapi_document_is_current() {
    gamme_service_kit::openapi::assert_committed("files", &gamme_files::openapi::document());
}

#[tokio::test]
async fn a_file_whose_upload_event_was_lost_is_processed_by_the_catch_up() {
    let app = spawn_app().await;
    let tech = app.user("Tech", Role::Technician);
    let file = app.uploaded(&tech.token, "notes.txt", b"Purger le circuit avant remise en service.").await;
    let id = file["id"].as_str().unwrap().to_owned();
    app.wait_for(&id, &tech.token, |m| m["text"]["status"] == "extracted").await;
    // As if the message had never come: pending, no text, uploaded an hour ago.
    use gamme_db::schema::{file_texts, files};
    let file_id: uuid::Uuid = id.parse().unwrap();
    let mut conn = app.db.connect();
    diesel::delete(file_texts::table.filter(file_texts::file_id.eq(file_id))).execute(&mut conn).unwrap();
    diesel::update(files::table.find(file_id))
        .set((files::text_status.eq("pending"), files::created_at.eq(chrono::Utc::now() - chrono::Duration::hours(1))))
        .execute(&mut conn)
        .unwrap();

    let processor = gamme_files::processing::Processor::new(
        gamme_service_kit::Store::new(app.db.pool(2), Default::default()),
        std::sync::Arc::new(gamme_files::storage::LocalDisk::open(&app.files_dir).unwrap()),
        gamme_files::worker::Runner::InProcess,
        &tokio_util::sync::CancellationToken::new(),
    );
    let done = processor.process_stale(chrono::Utc::now() - chrono::Duration::minutes(10)).await.unwrap();
    assert_eq!(done, 1);
    let meta = app.metadata(&id, &tech.token).await;
    assert_eq!(meta["text"]["status"], "extracted");
    let chunks: i64 = file_texts::table.filter(file_texts::file_id.eq(file_id)).count().get_result(&mut conn).unwrap();
    assert_eq!(chunks, 1);
    // A second pass finds nothing left to do.
    assert_eq!(processor.process_stale(chrono::Utc::now()).await.unwrap(), 0);
}
