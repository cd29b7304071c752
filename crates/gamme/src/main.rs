//! `gamme`: every Gamme binary in one. Called by one of their names (a link in the image:
//! `gamme-auth` → `gamme`), it is that binary, arguments and all; called as `gamme`, it names
//! them. The image ships this one binary instead of six that each carry the same runtime, web
//! server, database and broker clients.

use std::{path::Path, process::ExitCode};

/// A binary's main.
type Main = fn() -> ExitCode;

/// The binaries `gamme` can be, by the name it is called with.
const BINARIES: [(&str, Main); 6] = [
    ("gamme-auth", gamme_service_kit::main::<gamme_auth::Auth>),
    ("gamme-procedures", gamme_service_kit::main::<gamme_procedures::Procedures>),
    ("gamme-files", gamme_service_kit::main::<gamme_files::Files>),
    ("gamme-ai-worker", gamme_service_kit::main::<gamme_ai_worker::AiWorker>),
    ("gamme-work", gamme_service_kit::main::<gamme_work::Work>),
    ("gamme-migrate", gamme_service_kit::migrate::main),
];

fn main() -> ExitCode {
    let arg0 = std::env::args_os().next().unwrap_or_default();
    let called = Path::new(&arg0).file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    match BINARIES.iter().find(|(name, _)| *name == called) {
        Some((_, main)) => main(),
        None => {
            let names: Vec<&str> = BINARIES.iter().map(|(name, _)| *name).collect();
            eprintln!(
                "gamme is every Gamme binary in one: call it by one of their names ({}), e.g. through a link.",
                names.join(", ")
            );
            ExitCode::from(2)
        }
    }
}
