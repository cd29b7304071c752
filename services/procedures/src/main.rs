//! `gamme-procedures`: assets, procedures, revisions, runs.

fn main() -> std::process::ExitCode {
    gamme_service_kit::main::<gamme_procedures::Procedures>()
}
