//! `gamme-ai-worker`: AI jobs and their workers.

fn main() -> std::process::ExitCode {
    gamme_service_kit::main::<gamme_ai_worker::AiWorker>()
}
