//! `gamme-files`: uploads, downloads, thumbnails, document text.

fn main() -> std::process::ExitCode {
    gamme_service_kit::main::<gamme_files::Files>()
}
