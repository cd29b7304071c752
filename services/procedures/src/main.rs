//! `gamme-procedures`: assets, procedures, revisions, runs.

use std::process::ExitCode;

use gamme_service_kit::{server, telemetry, Env};

#[tokio::main]
async fn main() -> ExitCode {
    let env = Env::from_process();
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return server::healthcheck(&env.get_or("GAMME_HTTP_ADDR", gamme_procedures::DEFAULT_ADDR));
    }
    telemetry::init(&env);
    let app = match gamme_procedures::Application::build(&env).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "gamme-procedures cannot start");
            return ExitCode::FAILURE;
        }
    };
    match app.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "gamme-procedures stopped with an error");
            ExitCode::FAILURE
        }
    }
}
