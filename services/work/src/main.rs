//! `gamme-work`: the work service's binary.

fn main() -> std::process::ExitCode {
    gamme_service_kit::main::<gamme_work::Work>()
}
