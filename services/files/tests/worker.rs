//! The worker child is fenced: a file that makes it exceed its memory gets a failed status
//! and the service goes on; the child starts with none of the service's settings.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::path::PathBuf;

use gamme_auth_token::Role;
use gamme_files::worker::{Job, Limits, Output, Runner};
use support::{samples, spawn_app_with};

/// The real `gamme-files` binary, as the service runs its children.
fn real_child(limits: Limits) -> Runner {
    Runner::Child { program: PathBuf::from(env!("CARGO_BIN_EXE_gamme-files")), limits }
}

#[tokio::test]
async fn a_pdf_that_needs_more_than_the_workers_memory_fails_and_the_service_goes_on() {
    // Enough to start and read a small PDF, far too little for this one's page.
    let limits = Limits { memory_bytes: 64 * 1024 * 1024, cpu_seconds: 60 };
    let app = spawn_app_with(|config| config.worker = real_child(limits)).await;
    let tech = app.user("Tech", Role::Technician);

    let big = samples::pdf_with_long_page(90_000);
    let file = app.uploaded(&tech.token, "manuel.pdf", &big).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let done = app.wait_for(&id, &tech.token, |m| m["text"]["status"] != "pending").await;
    assert_eq!(done["text"]["status"], "failed", "{done}");

    // The service still answers, and the same child, within its limit, reads a small file.
    let small = samples::pdf(&["Consigner la pompe avant intervention"]);
    let file = app.uploaded(&tech.token, "fiche.pdf", &small).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let done = app.wait_for(&id, &tech.token, |m| m["text"]["status"] != "pending").await;
    assert_eq!(done["text"]["status"], "extracted", "{done}");
}

#[tokio::test]
async fn the_worker_child_sees_none_of_the_services_settings() {
    let dir = std::env::temp_dir().join(format!("gamme-worker-env-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    // The service's process has settings (a database URL with its password); this test's
    // process stands in for it.
    std::env::set_var("GAMME_DATABASE_URL", "postgres://gamme_files:secret@db/gamme");
    std::env::set_var("GAMME_FILES_URL_SECRET", "a-link-key");
    // A stand-in child that writes down the environment it was given.
    let program = dir.join("child.sh");
    let seen = dir.join("environment");
    std::fs::write(&program, format!("#!/bin/sh\nenv > '{}'\nexit 1\n", seen.display())).unwrap();
    std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let input = dir.join("input.pdf");
    std::fs::write(&input, samples::pdf(&["x"])).unwrap();

    let runner = Runner::Child { program, limits: Limits::DEFAULT };
    let output = runner.run(Job::Text, &input, "application/pdf", &dir).await.unwrap();
    assert!(matches!(output, Output::Text(gamme_files::text::Extracted::Failed(_))), "{output:?}");

    let environment = std::fs::read_to_string(&seen).unwrap();
    let names: Vec<&str> = environment.lines().filter_map(|l| l.split_once('=').map(|(k, _)| k)).collect();
    assert!(!names.iter().any(|n| n.starts_with("GAMME_")), "the child saw {names:?}");
    assert!(!environment.contains("secret") && !environment.contains("a-link-key"), "{environment}");
    assert!(names.contains(&"PATH"), "{names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
