//! `gamme-files`: uploads, downloads, thumbnails, document text.

use std::process::ExitCode;

use gamme_service_kit::{server, telemetry, Env};

#[tokio::main]
async fn main() -> ExitCode {
    let env = Env::from_process();
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return server::healthcheck(&env.get_or("GAMME_HTTP_ADDR", gamme_files::DEFAULT_ADDR));
    }
    // The service runs its thumbnail and text work in children of itself.
    if std::env::args().nth(1).as_deref() == Some("work") {
        let args: Vec<String> = std::env::args().skip(2).collect();
        return gamme_files::worker::child_main(&args);
    }
    telemetry::init(&env);
    let app = match gamme_files::Application::build(&env).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "gamme-files cannot start");
            return ExitCode::FAILURE;
        }
    };
    match app.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "gamme-files stopped with an error");
            ExitCode::FAILURE
        }
    }
}
